using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Schema;
using Orkestra.ApiMachinery.Selectors;

namespace Orkestra.ApiMachinery.Tests.Selectors;

public sealed class LabelSelectorTests
{
    static readonly JsonObject Labels = new() { ["app"] = "web", ["tier"] = "front", ["example.com/owner"] = "a" };

    static LabelSelector Parse(string json)
    {
        var errors = new List<FieldError>();
        var selector = LabelSelector.Parse(JsonNode.Parse(json), "selector", errors);
        errors.ShouldBeEmpty();
        return selector;
    }

    [TestCase("{}", true)]
    [TestCase("""{"matchLabels":{"app":"web","tier":"front"}}""", true)]
    [TestCase("""{"matchLabels":{"app":"db"}}""", false)]
    [TestCase("""{"matchExpressions":[{"key":"tier","operator":"In","values":["back","front"]}]}""", true)]
    [TestCase("""{"matchExpressions":[{"key":"tier","operator":"NotIn","values":["front"]}]}""", false)]
    [TestCase("""{"matchExpressions":[{"key":"missing","operator":"NotIn","values":["x"]}]}""", true)]
    [TestCase("""{"matchExpressions":[{"key":"example.com/owner","operator":"Exists"}]}""", true)]
    [TestCase("""{"matchExpressions":[{"key":"app","operator":"DoesNotExist"}]}""", false)]
    [TestCase("""{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["back"]}]}""", false)]
    public void Structured_selectors_match_like_kube(string json, bool expected) => Parse(json).Matches(Labels).ShouldBe(expected);

    [Test]
    public void No_labels_match_only_selectors_without_positive_requirements()
    {
        Parse("{}").Matches(null).ShouldBeTrue();
        Parse("""{"matchExpressions":[{"key":"a","operator":"DoesNotExist"}]}""").Matches(null).ShouldBeTrue();
        Parse("""{"matchLabels":{"a":"b"}}""").Matches(null).ShouldBeFalse();
        LabelSelector.Parse(null, "s", []).IsEmpty.ShouldBeTrue();
    }

    [TestCase("""{"matchExpressions":[{"key":"a","operator":"In"}]}""",
        "s.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'")]
    [TestCase("""{"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]}""",
        "s.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'")]
    [TestCase("""{"matchExpressions":[{"key":"a","operator":"Near","values":["x"]}]}""",
        "s.matchExpressions[0].operator: Invalid value: \"Near\": not a valid selector operator")]
    [TestCase("""{"matchLabels":{"a":"-bad"}}""", "s.matchLabels: Invalid value: \"-bad\": a valid label must be an empty string")]
    [TestCase("""{"matchLabels":{"bad key":"x"}}""", "s.matchLabels: Invalid value: \"bad key\": name part must consist of alphanumeric")]
    public void Invalid_selectors_are_reported_with_kubes_field_errors(string json, string start)
    {
        var errors = new List<FieldError>();
        LabelSelector.Parse(JsonNode.Parse(json), "s", errors);
        errors.Count.ShouldBe(1);
        errors[0].Message.ShouldStartWith(start);
    }
}
