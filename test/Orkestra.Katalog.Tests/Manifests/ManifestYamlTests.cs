using System.Text.Json.Nodes;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Manifests;

namespace Orkestra.Katalog.Tests.Manifests;

public class ManifestYamlTests
{
    private static IReadOnlyList<ManifestDocument> Parse(string yaml, out DiagnosticBag diagnostics)
    {
        diagnostics = new DiagnosticBag();
        return ManifestYaml.Parse(yaml, "m.yaml", diagnostics);
    }

    [TestCase("a: 1", """{"a":1}""")]
    [TestCase("a: -12", """{"a":-12}""")]
    [TestCase("a: 1.5", """{"a":1.5}""")]
    [TestCase("a: 0x1f", """{"a":31}""")]
    [TestCase("a: true\nb: yes\nc: off", """{"a":true,"b":true,"c":false}""")]
    [TestCase("a: y\nb: N\nc: 007\nd: 010\ne: 1_000", """{"a":true,"b":false,"c":7,"d":8,"e":1000}""")]
    [TestCase("a: ~\nb:\nc: null", """{"a":null,"b":null,"c":null}""")]
    [TestCase("a: '1'\nb: \"true\"\nc: !!str 5", """{"a":"1","b":"true","c":"5"}""")]
    [TestCase("a: 1.2.3\nb: 12abc\nc: v1", """{"a":"1.2.3","b":"12abc","c":"v1"}""")]
    [TestCase("a: [1, x]\nb: {c: d}", """{"a":[1,"x"],"b":{"c":"d"}}""")]
    [TestCase("base: &b {x: 1}\ncopy: *b", """{"base":{"x":1},"copy":{"x":1}}""")]
    [TestCase("{\"json\": [true, null, \"s\"]}", """{"json":[true,null,"s"]}""")]
    public void Types_scalars_like_kubectl(string yaml, string json)
    {
        var docs = Parse(yaml, out var diagnostics);
        diagnostics.Items.ShouldBeEmpty();
        docs.Count.ShouldBe(1);
        docs[0].Content!.ToJsonString().ShouldBe(json);
    }

    [Test]
    public void Reads_every_document_with_its_line_and_skips_empty_ones()
    {
        var docs = Parse("a: 1\n---\n---\nb: 2\n", out var diagnostics);
        diagnostics.Items.ShouldBeEmpty();
        docs.Select(d => d.Content!.ToJsonString()).ShouldBe(["""{"a":1}""", """{"b":2}"""]);
        docs[1].Location.Line.ShouldBe(3, "a document starts at its --- line");
    }

    [TestCase("a: [1, 2\n", 2)]
    [TestCase("a: 1\na: 2\n", 2)]
    [TestCase("a:\n  - x\n b: y\n", 3)]
    [TestCase("x: *nope\n", 1)]
    public void Reports_a_syntax_error_at_its_position_instead_of_throwing(string yaml, int line)
    {
        Parse(yaml, out var diagnostics);
        diagnostics.Items.Count.ShouldBe(1);
        diagnostics.Items[0].Location.File.ShouldBe("m.yaml");
        diagnostics.Items[0].Location.Line.ShouldBe(line);
        diagnostics.Items[0].ToString().ShouldStartWith($"m.yaml:{line}:");
    }

    [Test]
    public void A_missing_file_is_a_diagnostic_at_the_reference()
    {
        var diagnostics = new DiagnosticBag();
        ManifestYaml.Load("/nonexistent/x.yaml", diagnostics, new SourceLocation("k.yaml", 7, 3)).ShouldBeEmpty();
        diagnostics.Items.Single().ToString().ShouldStartWith("k.yaml:7:3: error: cannot read /nonexistent/x.yaml");
    }

    [Test]
    public void Writes_values_built_in_code_not_only_parsed_ones()
    {
        var built = new JsonObject { ["s"] = "text", ["n"] = 3L, ["d"] = 1.5, ["b"] = true, ["q"] = "8080", ["list"] = new JsonArray(JsonValue.Create("a")) };
        ManifestYamlWriter.ToYaml(built).ShouldBe("---\ns: text\n\"n\": 3\nd: 1.5\nb: true\nq: \"8080\"\nlist:\n- a\n");
    }

    [Test]
    public void Writing_and_reading_back_gives_the_same_json()
    {
        var original = JsonNode.Parse("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","labels":{"a":"true","b":"8080","c":""}},
             "data":{"multi":"line1\nline2\n","colon":"a: b","hash":"#x","list":"[1]","n":"null","y":"yes"},
             "spec":{"replicas":3,"ratio":0.5,"on":true,"none":null,"items":[1,"2",{"k":"v"}],"empty":{},"emptyList":[]}}
            """)!;
        var yaml = ManifestYamlWriter.ToYaml(original);
        var back = Parse(yaml, out var diagnostics);
        diagnostics.Items.ShouldBeEmpty(yaml);
        JsonNode.DeepEquals(back[0].Content, original).ShouldBeTrue(yaml);
    }
}
