using Fluid.Values;
using Orkestra.Templating.Values;
using static Orkestra.Templating.Functions.Library.Args;

namespace Orkestra.Templating.Functions.Library;

/// <summary>Cron schedules as strings ("*/5 0 * * 1") or maps ({minute, hour, dayOfMonth, month, dayOfWeek}).</summary>
internal static class Cron
{
    private const string C = "cron";
    private const string Every = "* * * * *";

    public static void Register(FunctionRegistry r)
    {
        r.Add(C, "cronFromAny", "cronFromAny V",
            "a five-field cron string from a schedule map (absent keys → *) or a cron string (normalised); " +
            "nil or anything else → \"* * * * *\"", 1, 1, ValueShape.String,
            (a, in _) => Str(GoValues.Kind(a[0]) switch
            {
                GoKind.Map => FromMap(a[0]),
                GoKind.String => Normalize(a[0].ToStringValue()),
                _ => Every,
            }));
        r.Add(C, "cronFromMap", "cronFromMap M",
            "a five-field cron string from the keys minute, hour, dayOfMonth, month, dayOfWeek of M (absent → *); " +
            "an error when M is not a map", 1, 1, ValueShape.String,
            (a, in _) => GoValues.Kind(a[0]) == GoKind.Map ? Str(FromMap(a[0]))
                : throw new TemplateFunctionException($"cronFromMap: expected a map, got {Describe(a[0])}"));
        r.Add(C, "cronToMap", "cronToMap V",
            "the schedule map {minute, hour, dayOfMonth, month, dayOfWeek} of a cron string (macros expanded; " +
            "a map is returned as is; \"\" or nil → all *)", 1, 1, ValueShape.Map, (a, in _) =>
        {
            if (GoValues.Kind(a[0]) == GoKind.Map) return a[0];
            var fields = FieldsOf("cronToMap", a[0]);
            return Map(CronExpression.FieldNames.Select((n, i) => new KeyValuePair<string, FluidValue>(n, Str(fields[i]))));
        });
        r.Add(C, "cronNormalize", "cronNormalize S",
            "S with @-macros expanded and white space collapsed; \"* * * * *\" when S is empty or not five fields", 1, 1, ValueShape.String,
            (a, in _) => Str(Normalize(Str(a[0]))));
        r.Add(C, "cronExpr", "cronExpr MIN HOUR DOM MONTH DOW",
            "a cron string from five parts; empty parts become *", 5, 5, ValueShape.String,
            (a, in _) => Str(string.Join(' ', a.ToArray().Select(v => Part(Str(v))))));
        r.Add(C, "cronField", "cronField S I",
            "field I (0 minute … 4 day-of-week) of cron string S; * for an empty S; an error when S is not five fields", 2, 2,
            ValueShape.String, (a, in _) =>
        {
            var i = Int("cronField", a[1]);
            if (i is < 0 or > 4) throw new TemplateFunctionException($"cronField: index {i} is out of range 0..4");
            return Str(FieldsOf("cronField", a[0])[i]);
        });
        string[] names = ["cronMinute", "cronHour", "cronDom", "cronMonth", "cronDow"];
        for (var i = 0; i < names.Length; i++)
        {
            var index = i;
            var name = names[i];
            r.Add(C, name, $"{name} S",
                $"the {CronExpression.FieldNames[i]} field of cron string S; * for an empty S; an error when S is not five fields", 1, 1,
                ValueShape.String,
                (a, in _) => Str(FieldsOf(name, a[0])[index]));
        }
        r.Add(C, "cronValid", "cronValid S", "true when S is a valid five-field cron expression (or @-macro) with values in range", 1, 1,
            ValueShape.Bool,
            (a, in _) => Bool(CronExpression.TryParse(Str(a[0]), out var _, out var _)));
        r.Add(C, "cronDescribe", "cronDescribe S",
            "an English description of cron expression S (e.g. \"at 02:00 on Monday through Friday\"); an error when S is invalid", 1, 1,
            ValueShape.String,
            (a, in _) => CronExpression.TryParse(Str(a[0]), out var e, out var error) ? Str(e.Describe())
                : throw new TemplateFunctionException($"cronDescribe: {error}"));
    }

    private static string Part(string s) => s.Trim().Length == 0 ? "*" : s.Trim();

    private static string FromMap(FluidValue map) =>
        string.Join(' ', CronExpression.FieldNames.Select(n => Part(GoValues.TryGetMember(map, n, out var v) ? Str(v) : "")));

    public static string Normalize(string s) => CronExpression.Split(s) is { } fields ? string.Join(' ', fields) : Every;

    private static string[] FieldsOf(string fn, FluidValue v)
    {
        var s = Str(v);
        if (s.Trim().Length == 0) return ["*", "*", "*", "*", "*"];
        return CronExpression.Split(s) ?? throw new TemplateFunctionException($"{fn}: \"{s}\" is not a five-field cron expression");
    }
}
