using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.FieldSets;

namespace Orkestra.ApiMachinery.Tests.FieldSets;

public sealed class FieldSetTests
{
    static FieldPath P(params PathElement[] elements) => new(elements);
    static PathElement F(string name) => PathElement.Field(name);
    static PathElement K(string name, JsonNode value) => PathElement.Key([new(name, value)]);

    [Test]
    public void Serialises_to_FieldsV1_with_dot_for_members_that_have_children_and_kube_order()
    {
        var set = new FieldSet()
            .Insert(P(F("spec"), F("replicas")))
            .Insert(P(F("spec"), F("containers"), K("name", "web")))
            .Insert(P(F("spec"), F("containers"), K("name", "web"), F("image")))
            .Insert(P(F("metadata"), F("finalizers"), PathElement.Value("a/b")))
            .Insert(P(F("data"), F("color")));
        set.ToString().ShouldBe("""{"f:data":{"f:color":{}},"f:metadata":{"f:finalizers":{"v:\"a/b\"":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{}}},"f:replicas":{}}}""");
    }

    [Test]
    public void Parses_what_it_writes_and_canonicalises_key_order()
    {
        var json = JsonNode.Parse("""{"f:spec":{"f:ports":{"k:{\"protocol\":\"TCP\",\"containerPort\":80}":{".":{},"f:name":{}}}}}""");
        FieldSet.TryParseFieldsV1(json, out var set, out var error).ShouldBeTrue(error);
        var item = P(F("spec"), F("ports"), PathElement.Key([new("containerPort", 80), new("protocol", "TCP")]));
        set.Has(item).ShouldBeTrue();
        set.Has(item.Append(F("name"))).ShouldBeTrue();
        set.Has(P(F("spec"))).ShouldBeFalse();
        set.HasPrefix(P(F("spec"))).ShouldBeTrue();
        set.ToString().ShouldBe("""{"f:spec":{"f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:name":{}}}}}""");
    }

    [TestCase("""{"x:spec":{}}""")]
    [TestCase("""{"f:spec":1}""")]
    [TestCase("""{"k:notjson":{}}""")]
    [TestCase("""[]""")]
    public void Rejects_malformed_FieldsV1(string text)
    {
        FieldSet.TryParseFieldsV1(JsonNode.Parse(text), out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNullOrEmpty();
    }

    [Test]
    public void Union_difference_intersection_and_recursive_difference()
    {
        var a = new FieldSet().Insert(FieldPath.Of("spec", "a")).Insert(FieldPath.Of("spec", "b")).Insert(FieldPath.Of("status", "x"));
        var b = new FieldSet().Insert(FieldPath.Of("spec", "b")).Insert(FieldPath.Of("spec", "c"));
        a.Union(b).Members().Select(p => p.ToString()).ShouldBe([".spec.a", ".spec.b", ".spec.c", ".status.x"]);
        a.Difference(b).Members().Select(p => p.ToString()).ShouldBe([".spec.a", ".status.x"]);
        a.Intersection(b).Members().Select(p => p.ToString()).ShouldBe([".spec.b"]);
        a.RecursiveDifference(new FieldSet().Insert(FieldPath.Of("spec"))).Members().Select(p => p.ToString()).ShouldBe([".status.x"]);
        a.Difference(a).IsEmpty.ShouldBeTrue();
        a.Intersection(new FieldSet()).IsEmpty.ShouldBeTrue();
    }

    [Test]
    public void Paths_render_like_kube()
    {
        P(F("spec"), F("containers"), K("name", "web"), F("image")).ToString().ShouldBe(".spec.containers[name=\"web\"].image");
        P(F("spec"), F("ports"), PathElement.Key([new("protocol", "TCP"), new("port", 80)])).ToString().ShouldBe(".spec.ports[port=80,protocol=\"TCP\"]");
        P(F("metadata"), F("finalizers"), PathElement.Value("x")).ToString().ShouldBe(".metadata.finalizers[=\"x\"]");
        P(F("args"), PathElement.At(2)).ToString().ShouldBe(".args[2]");
    }
}
