using static Orkestra.Templating.Tests.Functions.FunctionTestKit;

namespace Orkestra.Templating.Tests.Functions;

/// <summary>Conditional, types, collections and safe-access notes (orkestra-schema.md §8.2).</summary>
public class GeneralFunctionTests
{
    private static readonly object Map = Json("""{"b":2,"a":1}""");
    private static readonly object List = Json("[1,2,3]");
    private static readonly object EmptyMap = Json("{}");
    private static readonly object EmptyList = Json("[]");

    public static IEnumerable<TestCaseData> Rows()
    {
        // default: FALLBACK first; empty = nil, "", 0, false, empty list/map, "<no value>"
        yield return Row("x", "default", "x", Nil);
        yield return Row("x", "default", "x", "");
        yield return Row("x", "default", "x", 0);
        yield return Row("x", "default", "x", false);
        yield return Row("x", "default", "x", EmptyList);
        yield return Row("x", "default", "x", EmptyMap);
        yield return Row("x", "default", "x", "<no value>");
        yield return Row("set", "default", "x", "set");
        yield return Row("5", "default", 2, 5);
        yield return Row("true", "default", false, true);
        yield return Row("debug", "ternary", true, "debug", "info");
        yield return Row("info", "ternary", 0, "debug", "info");
        yield return Row("custom", "ternary", "img", "custom", "default");
        yield return Row("default", "ternary", "", "custom", "default");
        yield return Row("Suspended", "boolTernary", true, "Suspended", "Active");
        yield return Row("Active", "boolTernary", false, "Suspended", "Active");
        yield return Row("Active", "boolTernary", 1, "Suspended", "Active");
        yield return Row("true", "boolDefault", true, false);
        yield return Row("false", "boolDefault", Nil, false);
        yield return Row("false", "boolDefault", "true", false);
        yield return Row("ready", "eqTernary", "true", "true", "ready", "waiting");
        yield return Row("waiting", "eqTernary", "false", "true", "ready", "waiting");
        yield return Row("three", "eqTernary", 3, "3", "three", "other");
        yield return Row("b", "coalesce", Nil, "", "b", "c");
        yield return Row("", "coalesce", Nil, "", 0);
        yield return Row("true", "empty", Nil);
        yield return Row("true", "empty", "<no value>");
        yield return Row("true", "empty", EmptyMap);
        yield return Row("false", "empty", "a");
        yield return Row("false", "empty", List);
        yield return Row("true", "notEmpty", List);
        yield return Row("false", "notEmpty", 0);
        yield return Row("true", "Empty", EmptyMap);

        // types
        yield return Row("3", "toInt", "3");
        yield return Row("3", "toInt", 3.7);
        yield return Row("-3", "toInt", -3.7);
        yield return Row("1", "toInt", true);
        yield return Row("0", "toInt", false);
        yield return Row("0", "toInt", "");
        yield return Row("0", "toInt", Nil);
        yield return Row("12", "toInt", " 12 ");
        yield return Row("0.75", "toFloat", "0.75");
        yield return Row("3", "toFloat", 3);
        yield return Row("1", "toFloat", true);
        yield return Row("true", "toBool", "yes");
        yield return Row("true", "toBool", "TRUE");
        yield return Row("true", "toBool", "on");
        yield return Row("true", "toBool", "1");
        yield return Row("false", "toBool", "no");
        yield return Row("false", "toBool", "OFF");
        yield return Row("false", "toBool", "");
        yield return Row("false", "toBool", Nil);
        yield return Row("true", "toBool", 2);
        yield return Row("3", "toString", 3);
        yield return Row("true", "toString", true);
        yield return Row("3.14", "toString", 3.14);
        yield return Row("", "toString", Nil);
        yield return Row("map[a:1 b:2]", "toString", Map);
        yield return Row("""{"a":1,"b":2}""", "toJson", Map);
        yield return Row("[1,2,3]", "toJSON", List);
        yield return Row("\"x\\\"y\"", "toJson", "x\"y");
        yield return Row("null", "toJson", Nil);
        yield return Row("1.5", "toJson", 1.5);
        yield return Row("[a b c]", "toList", "a, b ,c");
        yield return Row("[]", "toList", "");
        yield return Row("[foo]", "toList", "foo");
        yield return Row("map", "typeOf", Map);
        yield return Row("slice", "typeOf", List);
        yield return Row("string", "typeOf", "s");
        yield return Row("int", "typeOf", 1);
        yield return Row("float64", "typeOf", 1.5);
        yield return Row("bool", "typeOf", true);
        yield return Row("nil", "typeOf", Nil);
        yield return Row("true", "typeMap", Map);
        yield return Row("false", "typeMap", List);
        yield return Row("true", "typeList", List);
        yield return Row("true", "typeString", "");
        yield return Row("true", "typeNumber", 2);
        yield return Row("false", "typeNumber", "2");
        yield return Row("true", "typeBool", false);
        yield return Row("true", "typeNull", Nil);
        yield return Row("false", "typeNull", "");
        yield return Row("true", "isScalar", 1);
        yield return Row("false", "isScalar", Map);
        yield return Row("true", "isComposite", List);
        yield return Row("false", "isComposite", Nil);

        // collections
        yield return Row("[1 2 3]", "asList", List);
        yield return Row("[us-east-1]", "asList", "[\"us-east-1\"]");
        yield return Row("[a b]", "asList", "- a\n- b");
        yield return Row("[]", "asList", Nil);
        yield return Row("[]", "asList", "not a list");
        yield return Row("map[a:1 b:2]", "asMap", Map);
        yield return Row("map[x:1]", "asMap", "{\"x\":1}");
        yield return Row("map[k:v]", "asMap", "k: v");
        yield return Row("map[]", "asMap", Nil);
        yield return Row("3", "asString", 3);
        yield return Row("true", "asString", true);
        yield return Row("""{"a":1,"b":2}""", "asString", Map);
        yield return Row("[1,2,3]", "asString", List);
        yield return Row("2", "listGet", List, 1);
        yield return Row("", "listGet", List, 9);
        yield return Row("", "listGet", List, -1);
        yield return Row("", "listGet", Nil, 0);
        yield return Row("true", "listHas", List, 2);
        yield return Row("false", "listHas", List, 9);
        yield return Row("false", "listHas", List, "2");
        yield return Row("true", "listHas", Json("""["us-east-1"]"""), "us-east-1");
        yield return Row("3", "listLen", List);
        yield return Row("0", "listLen", "abc");
        yield return Row("2", "mapGet", Map, "b");
        yield return Row("", "mapGet", Map, "zz");
        yield return Row("", "mapGet", Nil, "a");
        yield return Row("[a b]", "mapKeys", Map);
        yield return Row("[]", "mapKeys", List);
        yield return Row("[1 2]", "mapValues", Map);
        yield return Row("[]", "mapValues", Nil);
        yield return Row("map[a:1]", "mapPick", Map, "a", "zz");
        yield return Row("map[b:2]", "mapOmit", Map, "a");
        yield return Row("true", "hasKey", Map, "a");
        yield return Row("false", "hasKey", Map, "c");

        // safe access
        yield return Row("3", "getOr", 3, 1);
        yield return Row("1", "getOr", Nil, 1);
        yield return Row("1", "getOr", 0, 1);
        yield return Row("d", "getOr", "", "d");
        yield return Row("busybox", "getStringOr", "busybox", "nginx");
        yield return Row("nginx", "getStringOr", "", "nginx");
        yield return Row("nginx", "getStringOr", 3, "nginx");
        yield return Row("3", "getIntOr", 3, 1);
        yield return Row("3", "getIntOr", 3.0, 1);
        yield return Row("3", "getIntOr", 3.7, 1);
        yield return Row("1", "getIntOr", "3", 1);
        yield return Row("1", "getIntOr", Nil, 1);
        yield return Row("true", "getBoolOr", true, false);
        yield return Row("false", "getBoolOr", "true", false);
        yield return Row("false", "getBoolOr", Nil, false);
    }

    public static IEnumerable<TestCaseData> Errors()
    {
        yield return Error("cannot convert \"abc\" to int", "toInt", "abc");
        yield return Error("cannot convert \"x\" to float", "toFloat", "x");
        yield return Error("cannot convert \"maybe\" to bool", "toBool", "maybe");
        yield return Error("cannot convert", "toInt", Json("[1]"));
        yield return Error("cannot convert", "asMap", 5);
    }

    [TestCaseSource(nameof(Rows))]
    public void Returns(string name, object?[] args, string expected) => AssertRow(name, args, expected);

    [TestCaseSource(nameof(Errors))]
    public void Fails(string name, object?[] args, string fragment) => AssertError(name, args, fragment);

    [Test]
    public void ToIntAndFriendsReturnNumbersNotStrings()
    {
        Orkestra.Templating.Values.GoValues.Kind(Call("toInt", "7")).ShouldBe(Orkestra.Templating.Values.GoKind.Number);
        Orkestra.Templating.Values.GoValues.Kind(Call("default", "x", Json("[1]"))).ShouldBe(Orkestra.Templating.Values.GoKind.List);
        Orkestra.Templating.Values.GoValues.Kind(Call("listGet", Json("[{\"a\":1}]"), 0)).ShouldBe(Orkestra.Templating.Values.GoKind.Map);
    }
}
