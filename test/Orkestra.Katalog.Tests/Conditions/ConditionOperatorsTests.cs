using System.Text.Json;
using Orkestra.Katalog.Conditions;
using Orkestra.Templating.Values;

namespace Orkestra.Katalog.Tests.Conditions;

public class ConditionOperatorsTests
{
    private static TemplateValue V(string json) => TemplateValue.FromJson(JsonDocument.Parse(json).RootElement.Clone());

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
    [TestCase("equals", "1.5", "1.5", true)]
    [TestCase("equals", "null", "", true)]
    [TestCase("notEquals", "\"Prod\"", "prod", true)]
    [TestCase("contains", "12345", "234", true)]
    [TestCase("regex", "8080", "^80[0-9]{2}$", true)]
    [TestCase("regex", "\"aa\"", "(a)\\1", false)]
    [TestCase("regex", "\"abc\"", "(?=a)abc", false)]
    [TestCase("regex", "\"ABC\"", "(?i)abc", true)]
    [TestCase("gt", "\"1e3\"", "999", true)]
    [TestCase("lt", "-2", "-1", true)]
    [TestCase("lte", "\" 7 \"", "7", true)]
    [TestCase("gt", "true", "0", false)]
    [TestCase("gt", "{}", "0", false)]
    [TestCase("gt", "5", "five", false)]
    [TestCase("between", "0", "0,0", true)]
    [TestCase("between", "\"5\"", " 1 , 10 ", true)]
    [TestCase("between", "0.5", "1,10", false)]
    [TestCase("between", "\"x\"", "1,10", false)]
    [TestCase("between", "5", "10,1", false)]
    [TestCase("notBetween", "5", "1,10", false)]
    [TestCase("notBetween", "\"x\"", "1,10", false)]
    [TestCase("in", "\"\"", "a,b", false)]
    [TestCase("in", "\"b \"", "a,b", false)]
    [TestCase("in", "3", "1,2,3", true)]
    [TestCase("notIn", "\"\"", "a,,b", false)]
    [TestCase("notIn", "\"c\"", "", true)]
    [TestCase("typeOf", "3", "int", true)]
    [TestCase("typeOf", "3.5", "float64", true)]
    [TestCase("typeOf", "3", "string", false)]
    [TestCase("typeOf", "null", "null", true)]
    [TestCase("typeOf", "[]", "list", true)]
    [TestCase("typeNumber", "\"3\"", "", false)]
    [TestCase("typeString", "3", "", false)]
    [TestCase("typeMap", "{\"a\":1}", "", true)]
    [TestCase("typeList", "{}", "", false)]
    [TestCase("typeBool", "\"true\"", "", false)]
    [TestCase("typeNull", "\"\"", "", false)]
    [TestCase("exists", "\"\"", "", true)]
    [TestCase("exists", "0", "", true)]
    [TestCase("notExists", "false", "", false)]
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
    [TestCase("notIn", false)]
    [TestCase("lte", true)]
    [TestCase("between", true)] // "-1,1" contains 0
    [TestCase("notEquals", true)]
    [TestCase("contains", false)]
    [TestCase("typeNull", true)]
    public void Treats_an_absent_field_as_empty_and_zero(string op, bool result)
    {
        ConditionOperators.TryParse(op, out var parsed).ShouldBeTrue();
        var expected = op switch
        {
            "in" or "notIn" => ",x",
            "gte" or "gt" or "lte" => "0",
            "between" => "-1,1",
            _ => "x",
        };
        ConditionOperators.Evaluate(parsed, TemplateValue.Nil, present: false, expected).ShouldBe(result);
    }

    [Test]
    public void Exists_is_false_for_an_explicit_null() =>
        ConditionOperators.Evaluate(ConditionOperator.Exists, TemplateValue.Nil, present: true, "").ShouldBeFalse();

    [TestCase("regex", "([", "invalid regular expression \"([\"")]
    [TestCase("regex", "(a)\\1", "invalid regular expression \"(a)\\1\"")]
    [TestCase("between", "a,b", "\"a,b\" is not a range \"min,max\" of two numbers")]
    [TestCase("between", "1,2,3", "\"1,2,3\" is not a range \"min,max\" of two numbers")]
    [TestCase("notBetween", "", "\"\" is not a range \"min,max\" of two numbers")]
    [TestCase("lte", "", "\"\" is not a number")]
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

    [TestCase("regex", "^a+$")]
    [TestCase("between", "1.5,2")]
    [TestCase("gte", "-3")]
    [TestCase("in", ",a,b")]
    [TestCase("equals", "anything")]
    [TestCase("typeOf", "map")]
    public void Accepts_literals_that_can_work(string op, string expected)
    {
        ConditionOperators.TryParse(op, out var parsed).ShouldBeTrue();
        ConditionOperators.CheckExpected(parsed, expected).ShouldBeNull();
    }

    [Test]
    public void Every_operator_name_parses_to_its_enum_and_shorthands_agree()
    {
        var expected = new Dictionary<string, ConditionOperator>
        {
            ["equals"] = ConditionOperator.Equals, ["eq"] = ConditionOperator.Equals, ["notEquals"] = ConditionOperator.NotEquals, ["neq"] = ConditionOperator.NotEquals,
            ["contains"] = ConditionOperator.Contains, ["notContains"] = ConditionOperator.NotContains, ["prefix"] = ConditionOperator.Prefix,
            ["notPrefix"] = ConditionOperator.NotPrefix, ["suffix"] = ConditionOperator.Suffix, ["notSuffix"] = ConditionOperator.NotSuffix,
            ["regex"] = ConditionOperator.Regex, ["exists"] = ConditionOperator.Exists, ["notExists"] = ConditionOperator.NotExists,
            ["gt"] = ConditionOperator.GreaterThan, ["greaterThan"] = ConditionOperator.GreaterThan, ["lt"] = ConditionOperator.LessThan,
            ["lessThan"] = ConditionOperator.LessThan, ["gte"] = ConditionOperator.GreaterThanOrEqual, ["greaterThanOrEqual"] = ConditionOperator.GreaterThanOrEqual,
            ["min"] = ConditionOperator.GreaterThanOrEqual, ["lte"] = ConditionOperator.LessThanOrEqual, ["lessThanOrEqual"] = ConditionOperator.LessThanOrEqual,
            ["max"] = ConditionOperator.LessThanOrEqual, ["between"] = ConditionOperator.Between, ["notBetween"] = ConditionOperator.NotBetween,
            ["in"] = ConditionOperator.In, ["notIn"] = ConditionOperator.NotIn, ["unique"] = ConditionOperator.Unique, ["typeOf"] = ConditionOperator.TypeOf,
            ["typeMap"] = ConditionOperator.TypeMap, ["typeList"] = ConditionOperator.TypeList, ["typeString"] = ConditionOperator.TypeString,
            ["typeNumber"] = ConditionOperator.TypeNumber, ["typeBool"] = ConditionOperator.TypeBool, ["typeNull"] = ConditionOperator.TypeNull,
        };
        foreach (var (name, op) in expected)
        {
            ConditionOperators.TryParse(name, out var parsed).ShouldBeTrue(name);
            parsed.ShouldBe(op, name);
        }
        ConditionOperators.Names.ShouldBe(expected.Keys, ignoreOrder: true);
        foreach (var (key, op) in ConditionOperators.ShorthandKeys) op.ShouldBe(expected[key], key);
        Enum.GetValues<ConditionOperator>().ShouldAllBe(op => expected.ContainsValue(op));
        ConditionOperators.TryParse("Equals", out _).ShouldBeFalse("names are case-sensitive, as in Go");
    }

    [Test]
    public void Regex_evaluation_is_safe_from_many_threads()
    {
        var failures = 0;
        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var pattern = $"^item-{i % 50}$";
            if (!ConditionOperators.Evaluate(ConditionOperator.Regex, V($"\"item-{i % 50}\""), true, pattern)
                || ConditionOperators.Evaluate(ConditionOperator.Regex, V("\"other\""), true, pattern))
                Interlocked.Increment(ref failures);
        });
        failures.ShouldBe(0);
    }

    /// <summary>Bounded: a backtracking engine would take exponential time here, and the test must fail, not hang.</summary>
    [Test]
    public async Task A_catastrophic_pattern_finishes_in_linear_time()
    {
        var input = new string('a', 5000) + "!";
        var match = Task.Run(() => ConditionOperators.Evaluate(ConditionOperator.Regex, V($"\"{input}\""), true, "^(a+)+$"));
        (await match.Within(TimeSpan.FromSeconds(10))).ShouldBeFalse();
    }
}
