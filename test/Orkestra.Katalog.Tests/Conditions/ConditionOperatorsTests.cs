using System.Text.Json;
using Fluid.Values;
using Orkestra.Katalog.Conditions;
using Orkestra.Templating.Values;

namespace Orkestra.Katalog.Tests.Conditions;

public class ConditionOperatorsTests
{
    private static FluidValue V(string json) => JsonValues.From(JsonDocument.Parse(json).RootElement.Clone());

    [TestCase("equals", "\"prod\"", "prod", true)]
    [TestCase("eq", "\"prod\"", "dev", false)]
    [TestCase("notEquals", "\"prod\"", "dev", true)]
    [TestCase("neq", "3", "3", false)]
    [TestCase("equals", "3", "3", true)]
    [TestCase("equals", "true", "true", true)]
    [TestCase("contains", "\"nginx:1.27\"", ":1", true)]
    [TestCase("notContains", "\"nginx\"", "x:", true)]
    [TestCase("prefix", "\"myorg/app\"", "myorg/", true)]
    [TestCase("notPrefix", "\"other/app\"", "myorg/", true)]
    [TestCase("suffix", "\"x-build\"", "-build", true)]
    [TestCase("notSuffix", "\"x-build\"", "-build", false)]
    [TestCase("regex", "\"v1.2.3\"", "^v[0-9]+\\.", true)]
    [TestCase("regex", "\"v1.2.3\"", "([", false)]
    [TestCase("gt", "5", "3", true)]
    [TestCase("greaterThan", "\"5\"", "5", false)]
    [TestCase("gte", "5", "5", true)]
    [TestCase("min", "4", "5", false)]
    [TestCase("lt", "\"2.5\"", "3", true)]
    [TestCase("max", "3", "3", true)]
    [TestCase("gt", "\"abc\"", "1", false)]
    [TestCase("between", "5", "1,10", true)]
    [TestCase("between", "10", "1,10", true)]
    [TestCase("notBetween", "11", "1,10", true)]
    [TestCase("in", "\"b\"", "a, b ,c", true)]
    [TestCase("in", "\"\"", ",Pending", true)]
    [TestCase("notIn", "\"d\"", "a,b", true)]
    [TestCase("typeOf", "{}", "map", true)]
    [TestCase("typeOf", "[1]", "slice", true)]
    [TestCase("typeOf", "1.5", "number", true)]
    [TestCase("typeMap", "[]", "", false)]
    [TestCase("typeList", "[]", "", true)]
    [TestCase("typeString", "\"x\"", "", true)]
    [TestCase("typeNumber", "1", "", true)]
    [TestCase("typeBool", "false", "", true)]
    [TestCase("typeNull", "null", "", true)]
    [TestCase("unique", "\"x\"", "", true)]
    public void Evaluates_a_present_field(string op, string actualJson, string expected, bool result)
    {
        ConditionOperators.TryParse(op, out var parsed).ShouldBeTrue();
        ConditionOperators.Evaluate(parsed, V(actualJson), present: true, expected).ShouldBe(result);
    }

    [TestCase("exists", false)]
    [TestCase("notExists", true)]
    [TestCase("equals", false)]
    [TestCase("gte", true)]   // absent counts as 0
    [TestCase("gt", false)]
    [TestCase("in", true)]    // ",x": the empty element matches the empty field
    public void Treats_an_absent_field_as_empty_and_zero(string op, bool result)
    {
        ConditionOperators.TryParse(op, out var parsed).ShouldBeTrue();
        var expected = op == "in" ? ",x" : op is "gte" or "gt" ? "0" : "x";
        ConditionOperators.Evaluate(parsed, NilValue.Instance, present: false, expected).ShouldBe(result);
    }

    [Test]
    public void Exists_is_false_for_an_explicit_null() =>
        ConditionOperators.Evaluate(ConditionOperator.Exists, NilValue.Instance, present: true, "").ShouldBeFalse();

    [TestCase("regex", "([", "invalid regular expression \"([\"")]
    [TestCase("between", "5", "\"5\" is not a range \"min,max\" of two numbers")]
    [TestCase("between", "9,1", "\"9,1\" is not a range \"min,max\" of two numbers")]
    [TestCase("gt", "lots", "\"lots\" is not a number")]
    [TestCase("typeOf", "object", "\"object\" is not a type name (map, slice, string, int, float64, bool, nil)")]
    public void Rejects_literals_that_can_never_work(string op, string expected, string message)
    {
        ConditionOperators.TryParse(op, out var parsed).ShouldBeTrue();
        ConditionOperators.CheckExpected(parsed, expected).ShouldBe(message);
    }

    [Test]
    public void Knows_every_shorthand_and_rejects_unknown_names()
    {
        ConditionOperators.ShorthandKeys.Keys.ShouldBe(
            ["equals", "notEquals", "eq", "neq", "contains", "notContains", "regex", "prefix", "notPrefix", "suffix", "notSuffix",
             "exists", "notExists", "greaterThan", "lessThan", "greaterThanOrEqual", "lessThanOrEqual", "min", "max",
             "between", "notBetween", "in", "notIn"], ignoreOrder: true);
        ConditionOperators.TryParse("hasPrefix", out _).ShouldBeFalse();
        ConditionOperators.TryParse("matches", out _).ShouldBeFalse();
    }
}
