using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Schema;

namespace Orkestra.ApiMachinery.Tests.Schema;

/// <summary>Values in messages are printed as Go's fmt prints them (%v for numbers, %q for strings, %#v for the rest).</summary>
[Parallelizable(ParallelScope.All)]
public sealed class GoRenderingTests
{
    [TestCase(10.0, "10")]
    [TestCase(0.5, "0.5")]
    [TestCase(0.0001, "0.0001")]
    [TestCase(0.00001, "1e-05")]
    [TestCase(1e20, "100000000000000000000")]
    [TestCase(1e21, "1e+21")]
    [TestCase(-2.5e-7, "-2.5e-07")]
    [TestCase(123456.789, "123456.789")]
    public void Floats_print_like_go_percent_v(double value, string expected) => JsonValues.GoFloat(value).ShouldBe(expected);

    [TestCase("\"plain\"", "\"plain\"")]
    [TestCase("\"tab\\there \\\"q\\\"\"", "\"tab\\there \\\"q\\\"\"")]
    [TestCase("\"\\u0001\"", "\"\\x01\"")]
    [TestCase("\"héllo\"", "\"héllo\"")]
    [TestCase("15", "15")]
    [TestCase("1.5", "1.5")]
    [TestCase("true", "true")]
    [TestCase("null", "\"null\"")]
    [TestCase("[1,\"a\"]", "[]interface {}{1, \"a\"}")]
    [TestCase("{\"b\":1,\"a\":{\"c\":null}}", "map[string]interface {}{\"a\":map[string]interface {}{\"c\":interface {}(nil)}, \"b\":1}")]
    public void Bad_values_render_like_field_errors(string json, string expected) => JsonValues.Render(JsonNode.Parse(json)).ShouldBe(expected);
}
