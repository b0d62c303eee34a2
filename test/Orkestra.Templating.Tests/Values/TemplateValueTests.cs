using System.Text.Json;
using Orkestra.Templating.Values;

namespace Orkestra.Templating.Tests.Values;

/// <summary>The Templating-owned value type callers build template data with (the engine's types stay inside).</summary>
public class TemplateValueTests
{
    private static TemplateValue Json(string json) => TemplateValue.FromJson(JsonDocument.Parse(json).RootElement.Clone());

    [Test]
    public void Default_is_nil_and_prints_empty()
    {
        default(TemplateValue).IsNil.ShouldBeTrue();
        default(TemplateValue).Kind.ShouldBe(GoKind.Nil);
        default(TemplateValue).ToString().ShouldBe("");
        TemplateValue.Nil.ShouldBe(default);
    }

    [Test]
    public void Json_reads_as_go_values()
    {
        var value = Json("""{"b":[1,"x",true],"a":{"n":2.5}}""");
        value.Kind.ShouldBe(GoKind.Map);
        value.Count.ShouldBe(2);
        value.EnumerateMap().Select(e => e.Key).ShouldBe(["a", "b"]);
        value.TryGetMember("a", out var a).ShouldBeTrue();
        a.TryGetMember("n", out var n).ShouldBeTrue();
        n.ToNumber().ShouldBe(2.5m);
        value.TryGetMember("b", out var b).ShouldBeTrue();
        b.EnumerateList().Select(i => i.ToString()).ShouldBe(["1", "x", "true"]);
        b.TypeName.ShouldBe("slice");
        value.TryGetMember("missing", out var missing).ShouldBeFalse();
        missing.IsNil.ShouldBeTrue();
        value.ToJsonNode()!.ToJsonString().ShouldBe("""{"b":[1,"x",true],"a":{"n":2.5}}"""); // JSON keeps its order
    }

    [Test]
    public void With_adds_and_replaces_entries_without_changing_the_original()
    {
        var original = TemplateValue.Map([KeyValuePair.Create("a", TemplateValue.String("1"))]);
        var changed = original.With(
            [KeyValuePair.Create("a", TemplateValue.Number(2)), KeyValuePair.Create("b", TemplateValue.Bool(true))]);
        changed.ToString().ShouldBe("map[a:2 b:true]");
        original.ToString().ShouldBe("map[a:1]");
        Json("""{"x":"y"}""").With([KeyValuePair.Create("z", TemplateValue.Nil)]).Count.ShouldBe(2);
    }

    [Test]
    public void A_builder_builds_once()
    {
        using var doc = JsonDocument.Parse("""{"k":"v"}""");
        var builder = new TemplateMapBuilder().AddProperties(doc.RootElement);
        builder["n"] = TemplateValue.Number(3);
        builder.TryGetValue("k", out var k).ShouldBeTrue();
        k.ToString().ShouldBe("v");
        builder.Build().ToString().ShouldBe("map[k:v n:3]");
        Should.Throw<InvalidOperationException>(() => builder["late"] = TemplateValue.Nil);
        Should.Throw<InvalidOperationException>(() => builder.Build());
    }

    [Test]
    public void Values_evaluate_in_templates_and_compare_deeply()
    {
        var compiler = new TemplateCompiler(Orkestra.Templating.Functions.FunctionRegistry.Standard);
        var compiled = compiler.Compile("{{ .spec.replicas }}").Template!;
        var data = Json("""{"spec":{"replicas":3}}""");
        var result = compiled.Evaluate(new RenderScope(data));
        result.Kind.ShouldBe(GoKind.Number);
        result.ShouldBe(TemplateValue.Number(3));
        (Json("[1,2]") == TemplateValue.List([TemplateValue.Number(1), TemplateValue.Number(2)])).ShouldBeTrue();
    }
}
