using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Schema;

namespace Orkestra.ApiMachinery.Tests.Schema;

[Parallelizable(ParallelScope.All)]
public sealed class SchemaPruneDefaultTests
{
    static StructuralSchema Compile(string schema) => StructuralSchema.Compile(JsonNode.Parse(schema)!.AsObject());

    static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    const string Widget = """
        {"type":"object","properties":{
          "spec":{"type":"object","properties":{
            "size":{"type":"string","default":"medium"},
            "replicas":{"type":"integer","default":1},
            "tags":{"type":"array","items":{"type":"object","properties":{"k":{"type":"string"},"v":{"type":"string","default":"x"}}}},
            "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{"known":{"type":"object","properties":{"a":{"type":"string"}}}}},
            "limits":{"type":"object","additionalProperties":{"type":"object","properties":{"max":{"type":"integer"}}}},
            "template":{"type":"object","x-kubernetes-embedded-resource":true,"properties":{"spec":{"type":"object","properties":{"image":{"type":"string"}}}}},
            "policy":{"type":"object","default":{},"properties":{"mode":{"type":"string","default":"auto"}}},
            "note":{"type":"string","nullable":true,"default":"n"},
            "gone":{"type":"string"}
          }},
          "status":{"type":"object","x-kubernetes-preserve-unknown-fields":true}
        }}
        """;

    [Test]
    public void Unknown_fields_are_pruned_and_their_paths_reported_sorted()
    {
        var obj = Obj("""
            {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","bogus":1},"top":1,
             "spec":{"size":"s","foo":1,"tags":[{"k":"a","z":2}],"extra":{"free":1,"known":{"a":"1","b":2}},
                     "limits":{"cpu":{"max":1,"min":0}},
                     "template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","junk":true},"spec":{"image":"i","x":1},"y":2}},
             "status":{"anything":{"goes":true}}}
            """);
        var pruned = Compile(Widget).Prune(obj);
        pruned.ShouldBe([
            "metadata.bogus", "spec.extra.known.b", "spec.foo", "spec.limits.cpu.min", "spec.tags[0].z",
            "spec.template.metadata.junk", "spec.template.spec.x", "spec.template.y", "top",
        ]);
        obj.ToJsonString().ShouldBe("""
            {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":"s","tags":[{"k":"a"}],"extra":{"free":1,"known":{"a":"1"}},"limits":{"cpu":{"max":1}},"template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"image":"i"}}},"status":{"anything":{"goes":true}}}
            """.Trim());
    }

    [Test]
    public void Preserve_unknown_fields_at_the_root_keeps_everything_not_described()
    {
        var obj = Obj("""{"metadata":{"name":"w"},"anything":1,"spec":{"x":1}}""");
        Compile("""{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{"spec":{"type":"object"}}}""").Prune(obj).ShouldBe(["spec.x"]);
        obj["anything"]!.GetValue<int>().ShouldBe(1);
    }

    [Test]
    public void Defaults_apply_top_down_to_missing_and_non_nullable_null_fields()
    {
        var obj = Obj("""{"spec":{"replicas":null,"tags":[{"k":"a"}],"note":null,"gone":null}}""");
        Compile(Widget).Default(obj);
        obj["spec"]!.ToJsonString().ShouldBe("""{"replicas":1,"tags":[{"k":"a","v":"x"}],"note":null,"size":"medium","policy":{"mode":"auto"}}""");
    }

    [Test]
    public void Defaults_are_deep_copies()
    {
        var schema = Compile(Widget);
        var a = Obj("""{"spec":{}}""");
        var b = Obj("""{"spec":{}}""");
        schema.Default(a);
        schema.Default(b);
        ((JsonObject)a["spec"]!["policy"]!)["mode"] = "manual";
        b["spec"]!["policy"]!["mode"]!.GetValue<string>().ShouldBe("auto");
    }
}

[Parallelizable(ParallelScope.All)]
public sealed class SchemaDefaultProblemTests
{
    static IReadOnlyList<string> Problems(string properties) =>
        StructuralSchema.Compile(JsonNode.Parse("{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"properties\":{" + properties + "}}}}")!.AsObject())
            .Problems.Select(p => p.Message).ToList();

    [Test]
    public void Defaults_must_validate_against_their_schema()
    {
        Problems(""" "replicas":{"type":"integer","default":"two"} """).ShouldBe([
            "openAPIV3Schema.properties[spec].properties[replicas].default: Invalid value: \"string\": in body must be of type integer: \"string\"",
        ]);
        Problems(""" "p":{"type":"object","default":{"n":20},"properties":{"n":{"type":"integer","maximum":10}}} """).ShouldBe([
            "openAPIV3Schema.properties[spec].properties[p].default.n: Invalid value: 20: n in body should be less than or equal to 10",
        ]);
        Problems(""" "replicas":{"type":"integer","minimum":0,"default":3} """).ShouldBeEmpty();
    }

    [Test]
    public void Defaults_must_not_carry_unknown_fields()
    {
        Problems(""" "p":{"type":"object","default":{"n":1,"x":2},"properties":{"n":{"type":"integer"}}} """).ShouldBe([
            "openAPIV3Schema.properties[spec].properties[p].default: Invalid value: map[string]interface {}{\"n\":1, \"x\":2}: must not have unknown fields",
        ]);
    }
}

[Parallelizable(ParallelScope.All)]
public sealed class SchemaEmbeddedResourceTests
{
    [Test]
    public void Embedded_resources_must_name_their_type()
    {
        var schema = StructuralSchema.Compile(JsonNode.Parse("""
            {"type":"object","properties":{"spec":{"type":"object","properties":{
              "template":{"type":"object","x-kubernetes-embedded-resource":true,"x-kubernetes-preserve-unknown-fields":true}}}}}
            """)!.AsObject());
        schema.Validate(JsonNode.Parse("""{"spec":{"template":{"kind":""}}}""")!.AsObject()).Select(e => e.Message).ShouldBe([
            "spec.template.apiVersion: Required value: must not be empty",
            "spec.template.kind: Invalid value: \"\": must not be empty",
        ]);
        schema.Validate(JsonNode.Parse("""{"spec":{"template":{"apiVersion":"v1","kind":"Pod","spec":{}}}}""")!.AsObject()).ShouldBeEmpty();
    }
}

[Parallelizable(ParallelScope.All)]
public sealed class SchemaEdgeTests
{
    [Test]
    public void Extreme_numbers_and_odd_schema_values_never_throw()
    {
        var schema = StructuralSchema.Compile(JsonNode.Parse("""
            {"type":"object","properties":{"spec":{"type":"object","required":"not-a-list","properties":{
              "a":{"type":"integer","multipleOf":-1,"minimum":-1e30,"maximum":1e30},
              "b":{"type":"integer","maximum":"ten","enum":"nope","items":[{"type":"string"}]},
              "c":{"type":"number","multipleOf":0.1}}}}}
            """)!.AsObject());
        schema.Validate(JsonNode.Parse("""{"spec":{"a":-9223372036854775808,"b":5,"c":0.3}}""")!.AsObject()).ShouldBeEmpty();
        schema.Validate(JsonNode.Parse("""{"spec":{"a":1e300}}""")!.AsObject()).Select(e => e.Message)
            .ShouldBe([
                "spec.a: Invalid value: \"number\": spec.a in body must be of type integer: \"number\"",
                "spec.a: Invalid value: 1e+300: spec.a in body should be less than or equal to 1e+30",
            ]);
    }
}
