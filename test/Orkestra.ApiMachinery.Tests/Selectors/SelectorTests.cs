using Orkestra.ApiMachinery.Selectors;

namespace Orkestra.ApiMachinery.Tests.Selectors;

public sealed class SelectorTests
{
    static readonly Dictionary<string, string> Labels = new() { ["app"] = "web", ["tier"] = "front", ["example.com/owner"] = "a" };

    static bool Labeled(string text)
    {
        Selector.TryParseLabels(text, out var selector, out var error).ShouldBeTrue(error);
        return selector.Matches(k => Labels.TryGetValue(k, out var v) ? v : null);
    }

    [TestCase("", true)]
    [TestCase("app=web", true)]
    [TestCase("app==web,tier=front", true)]
    [TestCase("app!=web", false)]
    [TestCase("missing!=x", true)]
    [TestCase("tier in (back, front)", true)]
    [TestCase("tier notin (front)", false)]
    [TestCase("example.com/owner", true)]
    [TestCase("!app", false)]
    [TestCase("!missing", true)]
    public void Label_selectors_match_like_kube(string text, bool expected) => Labeled(text).ShouldBe(expected);

    [TestCase("app=-bad", "invalid label value: \"-bad\": at key: \"app\"")]
    [TestCase("-x=1", "invalid label key \"-x\"")]
    public void Invalid_label_selectors_say_why(string text, string start)
    {
        Selector.TryParseLabels(text, out _, out var error).ShouldBeFalse();
        error.ShouldStartWith(start);
    }

    [Test]
    public void Field_selectors_support_escapes_and_report_their_keys()
    {
        Selector.TryParseFields(@"metadata.name=a\,b,status.phase!=Running", out var selector, out var error).ShouldBeTrue(error);
        selector.Keys.ShouldBe(["metadata.name", "status.phase"]);
        selector.Matches(f => f == "metadata.name" ? "a,b" : "Pending").ShouldBeTrue();
        selector.Matches(f => f == "metadata.name" ? "a,b" : "Running").ShouldBeFalse();
        Selector.TryParseFields("metadata.name", out _, out var bad).ShouldBeFalse();
        bad.ShouldBe("invalid selector: 'metadata.name'; can't understand 'metadata.name'");
    }
}
