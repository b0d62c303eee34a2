using System.Text.Json.Nodes;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Rendering;

namespace Orkestra.Katalog.Tests.Rendering;

public class StatusValuesTests
{
    [TestCase("", "string")]
    [TestCase("str", "string")]
    [TestCase("Integer", "int")]
    [TestCase("boolean", "bool")]
    [TestCase("float", "float")]
    [TestCase("auto", "auto")]
    public void Normalizes_the_type_names_Orkestra_accepts(string declared, string expected)
    {
        StatusFieldTypes.TryNormalize(declared, out var type).ShouldBeTrue();
        type.ShouldBe(expected);
    }

    [Test]
    public void Rejects_an_unknown_type() => StatusFieldTypes.TryNormalize("date", out _).ShouldBeFalse();

    [TestCase("\"3\"", "int", "3")]
    [TestCase("3", "int", "3")]
    [TestCase("2.9", "int", "2")]
    [TestCase("null", "int", "0")]
    [TestCase("\"\"", "int", "0")]
    [TestCase("\"1.5\"", "float", "1.5")]
    [TestCase("\"true\"", "bool", "true")]
    [TestCase("true", "bool", "true")]
    [TestCase("\"\"", "bool", "false")]
    [TestCase("3", "string", "\"3\"")]
    [TestCase("true", "string", "\"true\"")]
    [TestCase("\"42\"", "auto", "42")]
    [TestCase("\"4.5\"", "auto", "4.5")]
    [TestCase("\"false\"", "auto", "false")]
    [TestCase("\"Ready\"", "auto", "\"Ready\"")]
    [TestCase("{\"a\":1}", "auto", "{\"a\":1}")]
    public void Coerces_rendered_values(string json, string type, string expected)
    {
        StatusValues.TryCoerce(JsonNode.Parse(json), type, out var result, out var error).ShouldBeTrue(error);
        (result?.ToJsonString() ?? "null").ShouldBe(expected);
    }

    [TestCase("\"three\"", "int", "\"three\" is not an integer")]
    [TestCase("\"x\"", "float", "\"x\" is not a number")]
    [TestCase("\"maybe\"", "bool", "\"maybe\" is not a bool")]
    public void Reports_values_that_cannot_be_coerced(string json, string type, string message)
    {
        StatusValues.TryCoerce(JsonNode.Parse(json), type, out _, out var error).ShouldBeFalse();
        error.ShouldBe(message);
    }

    [Test]
    public void Sets_nested_paths_creating_objects_and_refuses_to_descend_into_scalars()
    {
        var status = new JsonObject { ["phase"] = "x" };
        StatusValues.TrySet(status, "db.host", "h", out _).ShouldBeTrue();
        StatusValues.TrySet(status, "db.port", 5432, out _).ShouldBeTrue();
        status.ToJsonString().ShouldBe("""{"phase":"x","db":{"host":"h","port":5432}}""");
        StatusValues.TrySet(status, "phase.sub", 1, out var error).ShouldBeFalse();
        error.ShouldBe("status path \"phase.sub\": \"phase\" is not an object");
        StatusValues.TrySet(status, "a..b", 1, out error).ShouldBeFalse();
        error.ShouldBe("status path \"a..b\" has an empty segment");
    }
}
