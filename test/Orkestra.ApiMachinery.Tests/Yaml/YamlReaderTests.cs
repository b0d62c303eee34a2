using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Yaml;

namespace Orkestra.ApiMachinery.Tests.Yaml;

/// <summary>Each rule of kube's YAML reading (sigs.k8s.io/yaml over go-yaml v2), pinned value by value.</summary>
public sealed class YamlReaderTests
{
    private static string Json(string yaml) => YamlReader.ReadOne(yaml)!.ToJsonString();

    private static string Value(string scalar) => YamlReader.ReadOne("v: " + scalar)!["v"]?.ToJsonString() ?? "null";

    // YAML 1.1 booleans, every spelling go-yaml v2 knows, and look-alikes that stay strings.
    [TestCase("y", "true")]
    [TestCase("Y", "true")]
    [TestCase("yes", "true")]
    [TestCase("Yes", "true")]
    [TestCase("YES", "true")]
    [TestCase("on", "true")]
    [TestCase("On", "true")]
    [TestCase("ON", "true")]
    [TestCase("true", "true")]
    [TestCase("True", "true")]
    [TestCase("TRUE", "true")]
    [TestCase("n", "false")]
    [TestCase("N", "false")]
    [TestCase("no", "false")]
    [TestCase("No", "false")]
    [TestCase("NO", "false")]
    [TestCase("off", "false")]
    [TestCase("Off", "false")]
    [TestCase("OFF", "false")]
    [TestCase("false", "false")]
    [TestCase("False", "false")]
    [TestCase("FALSE", "false")]
    [TestCase("yEs", "\"yEs\"")]
    [TestCase("tRUE", "\"tRUE\"")]
    [TestCase("'yes'", "\"yes\"")]
    [TestCase("\"n\"", "\"n\"")]
    public void Booleans_are_yaml_1_1(string scalar, string json) => Value(scalar).ShouldBe(json);

    [TestCase("", "null")]
    [TestCase("~", "null")]
    [TestCase("null", "null")]
    [TestCase("Null", "null")]
    [TestCase("NULL", "null")]
    [TestCase("nULL", "\"nULL\"")]
    [TestCase("'~'", "\"~\"")]
    public void Nulls(string scalar, string json) => Value(scalar).ShouldBe(json);

    // Integers as Go's ParseInt(s, 0, 64) reads them after go-yaml drops every '_'.
    [TestCase("7", "7")]
    [TestCase("-12", "-12")]
    [TestCase("+12", "12")]
    [TestCase("007", "7")]
    [TestCase("010", "8")]
    [TestCase("0", "0")]
    [TestCase("00", "0")]
    [TestCase("0x1F", "31")]
    [TestCase("0X1f", "31")]
    [TestCase("-0x10", "-16")]
    [TestCase("0o17", "15")]
    [TestCase("0b101", "5")]
    [TestCase("1_000", "1000")]
    [TestCase("-_1", "-1")]
    [TestCase("9223372036854775807", "9223372036854775807")]
    [TestCase("-9223372036854775808", "-9223372036854775808")]
    [TestCase("18446744073709551615", "18446744073709551615")]
    public void Integers_follow_go_s_base_prefixes(string scalar, string json) => Value(scalar).ShouldBe(json);

    [TestCase("1.5", 1.5)]
    [TestCase(".5", 0.5)]
    [TestCase("-.5", -0.5)]
    [TestCase("1.", 1.0)]
    [TestCase("1e3", 1000.0)]
    [TestCase("1E-2", 0.01)]
    [TestCase("1_000.5", 1000.5)]
    [TestCase("08", 8.0)]
    [TestCase("+9223372036854775808", 9223372036854775808.0)]
    [TestCase("99999999999999999999", 1e20)]
    public void Floats_are_the_decimal_forms(string scalar, double value) =>
        YamlReader.ReadOne("v: " + scalar)!["v"]!.GetValue<double>().ShouldBe(value);

    [TestCase("_1")]
    [TestCase("0x")]
    [TestCase("0o")]
    [TestCase("0xZZ")]
    [TestCase("1.2.3")]
    [TestCase("12abc")]
    [TestCase("1e400")]
    [TestCase("0x1p-2")]
    [TestCase("-x")]
    [TestCase("2001-12-14")]
    [TestCase("2001-12-14T21:59:43.10Z")]
    [TestCase("v1")]
    [TestCase("<<")]
    public void Other_plain_scalars_are_strings(string scalar) =>
        YamlReader.ReadOne("v: " + scalar)!["v"]!.GetValue<string>().ShouldBe(scalar);

    [TestCase(".inf")]
    [TestCase("-.Inf")]
    [TestCase("+.INF")]
    [TestCase(".nan")]
    public void Infinity_and_nan_have_no_json_form(string scalar) =>
        Should.Throw<YamlReadException>(() => YamlReader.ReadOne("v: " + scalar)).Message.ShouldContain("quote it");

    [TestCase("'1'", "\"1\"")]
    [TestCase("\"true\"", "\"true\"")]
    [TestCase("!!str 5", "\"5\"")]
    [TestCase("! 5", "\"5\"")]
    [TestCase("!custom 5", "\"5\"")]
    [TestCase("|\n  7\n", "\"7\\n\"")]
    [TestCase("!!int \"5\"", "5")]
    [TestCase("!!float 1", "1")]
    [TestCase("!!bool yes", "true")]
    [TestCase("!!null ''", "null")]
    [TestCase("!!binary aGk=", "\"hi\"")]
    public void Quotes_and_tags_decide_before_resolution(string scalar, string json) => Value(scalar).ShouldBe(json);

    [TestCase("!!int abc", "cannot decode !!str `abc` as a !!int")]
    [TestCase("!!bool 1", "cannot decode !!int `1` as a !!bool")]
    [TestCase("!!binary '@@@'", "invalid base64")]
    public void A_tag_the_text_does_not_fit_is_an_error(string scalar, string message) =>
        Should.Throw<YamlReadException>(() => YamlReader.ReadOne("v: " + scalar)).Message.ShouldContain(message);

    [TestCase("007: a", "7")]
    [TestCase("yes: a", "true")]
    [TestCase("1.5: a", "1.5")]
    [TestCase("1e+36: a", "1e+36")]
    [TestCase("1000000000000000000000000000000000000: a", "1e+36")]
    [TestCase("1000000: a", "1000000")]
    [TestCase("1e6: a", "1e+06")]
    [TestCase("0.0001: a", "0.0001")]
    [TestCase("0.00001: a", "1e-05")]
    [TestCase("'007': a", "007")]
    public void Keys_print_as_go_yaml_resolved_them(string yaml, string key) =>
        YamlReader.ReadOne(yaml)!.AsObject().Single().Key.ShouldBe(key);

    [TestCase("a: 1\na: 2\n", 2, "duplicate key \"a\"")]
    [TestCase("a: 1\n'a': 2\n", 2, "duplicate key \"a\"")]
    [TestCase("7: x\n007: y\n", 2, "duplicate key \"7\"")]
    [TestCase("m:\n  x: 1\n  x: 1\n", 3, "duplicate key \"x\"")]
    [TestCase("~: a\n", 1, "null key")]
    [TestCase("[a]: b\n", 1, "must be a scalar")]
    [TestCase("base: &b {x: 1}\nc:\n  <<: *b\n", 3, "merge keys")]
    [TestCase("x: *nope\n", 1, "unknown alias *nope")]
    [TestCase("a: [1, 2\n", 2, "")]
    public void Malformed_documents_are_errors_at_their_position(string yaml, int line, string message)
    {
        var error = Should.Throw<YamlReadException>(() => YamlReader.ReadAll(yaml));
        error.Line.ShouldBe(line);
        error.Message.ShouldContain(message);
    }

    [Test]
    public void Aliases_are_copies_of_their_anchor() =>
        Json("base: &b {x: [1]}\ncopy: *b\n").ShouldBe("""{"base":{"x":[1]},"copy":{"x":[1]}}""");

    [Test]
    public void Json_reads_as_itself() =>
        Json("""{"a": [true, null, "s", 1.5, 10], "b": {"c": "007"}}""").ShouldBe("""{"a":[true,null,"s",1.5,10],"b":{"c":"007"}}""");

    [Test]
    public void Every_document_is_read_with_its_start()
    {
        var documents = YamlReader.ReadAll("a: 1\n---\n---\nb: 2\n");
        documents.Select(d => d.Content?.ToJsonString()).ShouldBe(["""{"a":1}""", null, """{"b":2}"""]);
        documents.Select(d => d.Line).ShouldBe([1, 2, 3]);
        YamlReader.ReadAll("").ShouldBeEmpty();
    }

    [Test]
    public void ReadOne_refuses_a_second_document()
    {
        YamlReader.ReadOne("").ShouldBeNull();
        Should.Throw<YamlReadException>(() => YamlReader.ReadOne("a: 1\n---\nb: 2\n")).Line.ShouldBe(2);
    }

    [Test]
    public void Depth_is_bounded()
    {
        var deep = new string('[', 300) + new string(']', 300);
        Should.Throw<YamlReadException>(() => YamlReader.ReadOne(deep)).Message.ShouldContain("deeper than 256");
        YamlReader.ReadOne(new string('[', 200) + new string(']', 200)).ShouldBeOfType<JsonArray>();
    }

    // Pathological nesting stops at the depth bound, located, in bounded time: no stack overflow, no quadratic scan.
    [TestCase("[", 32_000)]
    [TestCase("{a: ", 20_000)]
    [TestCase("- ", 20_000)]
    [TestCase("a:\n", 2_000)]
    [CancelAfter(10_000)]
    public void Pathological_nesting_is_refused_at_its_position_quickly(string opening, int depth)
    {
        var text = opening.Contains('\n')
            ? string.Concat(Enumerable.Range(0, depth).Select(i => new string(' ', i) + "a:\n"))
            : string.Concat(Enumerable.Repeat(opening, depth)) + "x";
        var error = Should.Throw<YamlReadException>(() => YamlReader.ReadOne(text));
        error.Message.ShouldContain("deeper than 256");
        error.Line.ShouldBeGreaterThan(0);
        error.Column.ShouldBeGreaterThan(0);
    }

    [Test]
    public void Control_characters_from_the_input_are_escaped_in_errors()
    {
        var error = Should.Throw<YamlReadException>(() => YamlReader.ReadOne("\"k\\u0007\\n\": 1\n\"k\\u0007\\n\": 2\n"));
        error.Message.ShouldBe("duplicate key \"k\\u0007\\n\"");
    }

    [Test]
    public void Alias_expansion_is_bounded()
    {
        // Each level doubles: 2^30 values if expanded, from 40 lines.
        var lines = new List<string> { "l0: &l0 [x, x]" };
        for (var i = 1; i <= 30; i++) lines.Add($"l{i}: &l{i} [*l{i - 1}, *l{i - 1}]");
        var error = Should.Throw<YamlReadException>(() => YamlReader.ReadOne(string.Join('\n', lines)));
        error.Message.ShouldContain("expands to more than");
    }
}
