using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Schema;

namespace Orkestra.ApiMachinery.Tests.Schema;

/// <summary>Validation against a compiled schema: one golden message per keyword, exactly as kube-apiserver words it.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class SchemaValidationTests
{
    static IReadOnlyList<string> Messages(string schema, string obj) =>
        StructuralSchema.Compile(JsonNode.Parse(schema)!.AsObject()).Validate(JsonNode.Parse(obj)!.AsObject()).Select(e => e.Message).ToList();

    static string Spec(string properties, string extra = "") =>
        "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\"" + extra + ",\"properties\":{" + properties + "}}}}";

    // (property schema, spec value, expected message) — the golden table
    static readonly object[] Golden =
    [
        new object[] { """ "replicas":{"type":"integer","maximum":10} """, """{"replicas":15}""", "spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to 10" },
        new object[] { """ "replicas":{"type":"integer","maximum":10,"exclusiveMaximum":true} """, """{"replicas":10}""", "spec.replicas: Invalid value: 10: spec.replicas in body should be less than 10" },
        new object[] { """ "replicas":{"type":"integer","minimum":1} """, """{"replicas":0}""", "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1" },
        new object[] { """ "replicas":{"type":"integer","minimum":1,"exclusiveMinimum":true} """, """{"replicas":1}""", "spec.replicas: Invalid value: 1: spec.replicas in body should be greater than 1" },
        new object[] { """ "ratio":{"type":"number","maximum":0.5} """, """{"ratio":0.75}""", "spec.ratio: Invalid value: 0.75: spec.ratio in body should be less than or equal to 0.5" },
        new object[] { """ "step":{"type":"integer","multipleOf":5} """, """{"step":7}""", "spec.step: Invalid value: 7: spec.step in body should be a multiple of 5" },
        new object[] { """ "x":{"type":"integer"} """, """{"x":"seven"}""", "spec.x: Invalid value: \"string\": spec.x in body must be of type integer: \"string\"" },
        new object[] { """ "x":{"type":"integer"} """, """{"x":1.5}""", "spec.x: Invalid value: \"number\": spec.x in body must be of type integer: \"number\"" },
        new object[] { """ "x":{"type":"string"} """, """{"x":{"a":1}}""", "spec.x: Invalid value: \"object\": spec.x in body must be of type string: \"object\"" },
        new object[] { """ "x":{"type":"boolean"} """, """{"x":[true]}""", "spec.x: Invalid value: \"array\": spec.x in body must be of type boolean: \"array\"" },
        new object[] { """ "x":{"type":"object"} """, """{"x":true}""", "spec.x: Invalid value: \"boolean\": spec.x in body must be of type object: \"boolean\"" },
        new object[] { """ "items":{"type":"array","items":{"type":"string"}} """, """{"items":["a",null]}""", "spec.items[1]: Invalid value: \"null\": spec.items[1] in body must be of type string: \"null\"" },
        new object[] { """ "port":{"x-kubernetes-int-or-string":true} """, """{"port":true}""", "spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer,string: \"boolean\"" },
        new object[] { """ "mode":{"type":"string","enum":["a","b"]} """, """{"mode":"c"}""", "spec.mode: Unsupported value: \"c\": supported values: \"a\", \"b\"" },
        new object[] { """ "level":{"type":"integer","enum":[1,2]} """, """{"level":3}""", "spec.level: Unsupported value: 3: supported values: \"1\", \"2\"" },
        new object[] { """ "name":{"type":"string","maxLength":5} """, """{"name":"toolong"}""", "spec.name: Too long: may not be more than 5 bytes" },
        new object[] { """ "name":{"type":"string","minLength":3} """, """{"name":"ab"}""", "spec.name: Invalid value: \"ab\": spec.name in body should be at least 3 chars long" },
        new object[] { """ "name":{"type":"string","pattern":"^[a-z]+$"} """, """{"name":"Abc"}""", "spec.name: Invalid value: \"Abc\": spec.name in body should match '^[a-z]+$'" },
        new object[] { """ "tags":{"type":"array","minItems":2,"items":{"type":"string"}} """, """{"tags":["a"]}""", "spec.tags: Invalid value: 1: spec.tags in body should have at least 2 items" },
        new object[] { """ "tags":{"type":"array","maxItems":1,"items":{"type":"string"}} """, """{"tags":["a","b"]}""", "spec.tags: Too many: 2: must have at most 1 item" },
        new object[] { """ "labels":{"type":"object","minProperties":1,"additionalProperties":{"type":"string"}} """, """{"labels":{}}""", "spec.labels: Invalid value: 0: spec.labels in body should have at least 1 properties" },
        new object[] { """ "labels":{"type":"object","maxProperties":1,"additionalProperties":{"type":"string"}} """, """{"labels":{"a":"1","b":"2"}}""", "spec.labels: Too many: 2: must have at most 1 item" },
        new object[] { """ "labels":{"type":"object","additionalProperties":{"type":"string"}} """, """{"labels":{"a":1}}""", "spec.labels.a: Invalid value: \"integer\": spec.labels.a in body must be of type string: \"integer\"" },
        new object[] { """ "id":{"type":"string","format":"uuid"} """, """{"id":"nope"}""", "spec.id: Invalid value: \"nope\": spec.id in body must be of type uuid: \"nope\"" },
        new object[] { """ "tags":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}} """, """{"tags":["a","b","a"]}""", "spec.tags[2]: Duplicate value: \"a\"" },
        new object[] { """ "ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],"items":{"type":"object","properties":{"name":{"type":"string"},"port":{"type":"integer"}}}} """,
            """{"ports":[{"name":"http","port":80},{"name":"http","port":81}]}""", "spec.ports[1]: Duplicate value: map[string]interface {}{\"name\":\"http\"}" },
        new object[] { """ "x":{"type":"string","not":{"enum":["forbidden"]}} """, """{"x":"forbidden"}""", "<nil>: Invalid value: \"\": \"spec.x\" must not validate the schema (not)" },
    ];

    [TestCaseSource(nameof(Golden))]
    public void Each_keyword_reports_the_api_server_message(string property, string spec, string expected) =>
        Messages(Spec(property), $$"""{"spec":{{spec}}}""").ShouldBe([expected]);

    [Test]
    public void Required_fields_are_reported_with_their_path()
    {
        var schema = """{"type":"object","required":["spec"],"properties":{"spec":{"type":"object","required":["image","size"],"properties":{"image":{"type":"string"},"size":{"type":"string"}}}}}""";
        Messages(schema, """{"spec":{"size":"m"}}""").ShouldBe(["spec.image: Required value"]);
        Messages(schema, """{"metadata":{"name":"x"}}""").ShouldBe(["spec: Required value"]);
    }

    [Test]
    public void Every_violation_is_one_error_in_schema_order()
    {
        var schema = Spec(""" "a":{"type":"integer","maximum":1},"b":{"type":"string","enum":["x"]} """, ""","required":["c"]""");
        Messages(schema, """{"spec":{"b":"y","a":2}}""").ShouldBe([
            "spec.a: Invalid value: 2: spec.a in body should be less than or equal to 1",
            "spec.b: Unsupported value: \"y\": supported values: \"x\"",
            "spec.c: Required value",
        ]);
    }

    [Test]
    public void Nullable_allows_null_and_integers_accept_whole_floats()
    {
        var schema = Spec(""" "a":{"type":"string","nullable":true},"b":{"type":"integer"},"c":{"type":"number"} """);
        Messages(schema, """{"spec":{"a":null,"b":2.0,"c":3}}""").ShouldBeEmpty();
    }

    [Test]
    public void AnyOf_and_oneOf_report_the_composite_then_the_closest_alternative()
    {
        var schema = Spec(""" "a":{"type":"integer"},"b":{"type":"integer"} """, ""","anyOf":[{"required":["a"]},{"required":["b"]}]""");
        Messages(schema, """{"spec":{}}""").ShouldBe(["<nil>: Invalid value: \"\": \"spec\" must validate at least one schema (anyOf)", "spec.a: Required value"]);
        Messages(schema, """{"spec":{"b":1}}""").ShouldBeEmpty();
        var one = Spec(""" "a":{"type":"integer"},"b":{"type":"integer"} """, ""","oneOf":[{"required":["a"]},{"required":["b"]}]""");
        Messages(one, """{"spec":{"a":1,"b":2}}""").ShouldBe(["<nil>: Invalid value: \"\": \"spec\" must validate one and only one schema (oneOf). Found 2 valid alternatives"]);
        Messages(one, """{"spec":{"a":1}}""").ShouldBeEmpty();
    }

    [Test]
    public void AllOf_reports_each_failure_then_the_composite()
    {
        var schema = Spec(""" "n":{"type":"integer","allOf":[{"minimum":5},{"maximum":10}]} """);
        Messages(schema, """{"spec":{"n":4}}""").ShouldBe([
            "spec.n: Invalid value: 4: spec.n in body should be greater than or equal to 5",
            "<nil>: Invalid value: \"\": \"spec.n\" must validate all the schemas (allOf)",
        ]);
    }

    [TestCase("uuid", "6ba7b810-9dad-11d1-80b4-00c04fd430c8", true)]
    [TestCase("uuid4", "6ba7b810-9dad-11d1-80b4-00c04fd430c8", false)]
    [TestCase("ipv4", "10.0.0.1", true)]
    [TestCase("ipv4", "10.0.0", false)]
    [TestCase("ipv6", "::1", true)]
    [TestCase("ipv6", "10.0.0.1", false)]
    [TestCase("cidr", "10.0.0.0/8", true)]
    [TestCase("cidr", "10.0.0.0/33", false)]
    [TestCase("mac", "00:1a:2b:3c:4d:5e", true)]
    [TestCase("date", "2024-02-29", true)]
    [TestCase("date", "2024-02-30", false)]
    [TestCase("datetime", "2024-02-29T10:00:00Z", true)]
    [TestCase("datetime", "yesterday", false)]
    [TestCase("byte", "aGVsbG8=", true)]
    [TestCase("byte", "not base64!", false)]
    [TestCase("hexcolor", "#a0b1c2", true)]
    [TestCase("isbn10", "0306406152", true)]
    [TestCase("isbn13", "9780306406157", true)]
    [TestCase("isbn13", "9780306406158", false)]
    [TestCase("duration", "1h30m", true)]
    [TestCase("duration", "soon", false)]
    [TestCase("hostname", "example.com", true)]
    [TestCase("hostname", "-bad-.com", false)]
    [TestCase("email", "a@b.c", true)]
    [TestCase("password", "anything goes", true)]
    [TestCase("int32", "not even a number", true)] // not enforced
    public void Enforced_formats(string format, string value, bool valid)
    {
        var errors = Messages(Spec($$""" "v":{"type":"string","format":"{{format}}"} """), $$$"""{"spec":{"v":"{{{value}}}"}}""");
        errors.Count.ShouldBe(valid ? 0 : 1, string.Join("\n", errors));
    }

    [Test]
    public void Invalid_patterns_are_compile_problems_and_not_enforced()
    {
        var schema = StructuralSchema.Compile(JsonNode.Parse(Spec(""" "a":{"type":"string","pattern":"(a"} """))!.AsObject());
        schema.Problems.Count.ShouldBe(1);
        schema.Problems[0].Path.ShouldBe("openAPIV3Schema.properties[spec].properties[a].pattern");
    }

    [Test]
    public void Update_ratchets_errors_on_unchanged_values()
    {
        var schema = StructuralSchema.Compile(JsonNode.Parse(Spec(""" "a":{"type":"integer","maximum":1},"b":{"type":"integer","maximum":1},"l":{"type":"array","items":{"type":"integer","maximum":1}} """))!.AsObject());
        var old = JsonNode.Parse("""{"spec":{"a":5,"b":0,"l":[7]}}""")!.AsObject();
        schema.ValidateUpdate(JsonNode.Parse("""{"spec":{"a":5,"b":3,"l":[7]}}""")!.AsObject(), old).Select(e => e.Field).ShouldBe(["spec.b"]);
        schema.ValidateUpdate(JsonNode.Parse("""{"spec":{"a":5,"b":0,"l":[7,0]}}""")!.AsObject(), old).Select(e => e.Field).ShouldBe(["spec.l[0]"]);
    }

    [Test]
    public void Causes_carry_reason_field_and_body()
    {
        var error = StructuralSchema.Compile(JsonNode.Parse(Spec(""" "r":{"type":"integer","maximum":10} """))!.AsObject())
            .Validate(JsonNode.Parse("""{"spec":{"r":15}}""")!.AsObject()).Single();
        error.Reason.ShouldBe("FieldValueInvalid");
        error.Field.ShouldBe("spec.r");
        error.Body.ShouldBe("Invalid value: 15: spec.r in body should be less than or equal to 10");
    }
}
