using System.Globalization;
using Fluid.Values;
using Orkestra.Templating.Values;
using static Orkestra.Templating.Functions.Library.Args;
using static Orkestra.Templating.Functions.Library.ObjectAccess;

namespace Orkestra.Templating.Functions.Library;

/// <summary>
/// Reads of a Prometheus instant-query result: an <c>external</c> call result (its <c>body</c>, a map or JSON text),
/// the API response <c>{status, data: {resultType, result}}</c>, or its <c>data</c>. Results are strings, as in Orkestra;
/// an empty or malformed result reads as "" (value helpers), "0" (counts) or "false" (threshold gates).
/// </summary>
internal static class Prometheus
{
    private const string C = "prometheus";

    public static void Register(FunctionRegistry r)
    {
        r.ObjString(C, "promValue", "the value of a scalar result, or of the first series of a vector result; \"\" when empty",
            o => First(o) is { } v ? Print(v) : "");
        r.ObjString(C, "promSum", "the sum of every series value of a vector result (\"0\" when empty)", o => Print(Values(o).Sum()));
        r.ObjString(C, "promMax", "the largest series value of a vector result, or \"\" when empty",
            o => Values(o).ToList() is { Count: > 0 } l ? Print(l.Max()) : "");
        r.ObjString(C, "promSeriesCount", "the number of series in a vector result, as a string", o => Invariant(Series(o).Count()));
        r.Add(C, "promLabelValues", "promLabelValues RESULT LABEL",
            "the values of LABEL across the series, comma-separated", 2, 2, ValueShape.String,
            (a, in _) =>
            {
                var label = Str(a[1]);
                return Str(Csv(Series(a[0]).Select(s => Text(s, "metric", label))));
            });
        Threshold(r, "promAboveThreshold", "\"true\" when the first value is strictly greater than THRESHOLD, else \"false\"", c => c > 0);
        Threshold(r, "promBelowThreshold", "\"true\" when the first value is strictly less than THRESHOLD, else \"false\"", c => c < 0);
    }

    private static void Threshold(FunctionRegistry r, string name, string description, Func<int, bool> test) =>
        r.Add(C, name, $"{name} RESULT THRESHOLD", description, 2, 2, ValueShape.String,
            (a, in _) => Str(First(a[0]) is { } v && TryNumber(a[1], out var t) && test(v.CompareTo((double)t)) ? "true" : "false"));

    private static FluidValue Data(FluidValue o)
    {
        if (GoValues.TryGetMember(o, "body", out var body))
        {
            o = GoValues.Kind(body) == GoKind.String ? Types.ParseJson(body.ToStringValue()) ?? NilValue.Instance : body;
        }
        return GoValues.TryGetMember(o, "data", out var data) ? data : o;
    }

    private static IEnumerable<FluidValue> Series(FluidValue o)
    {
        var data = Data(o);
        return Text(data, "resultType") == "scalar" ? [] : Items(data, "result");
    }

    private static IEnumerable<double> Values(FluidValue o) =>
        Series(o).Select(s => Sample(Path(s, "value"))).Where(v => v.HasValue).Select(v => v!.Value);

    private static double? First(FluidValue o)
    {
        var data = Data(o);
        if (Text(data, "resultType") == "scalar") return Sample(Path(data, "result"));
        return Series(o).Select(s => Sample(Path(s, "value"))).FirstOrDefault();
    }

    /// <summary>A sample is [timestamp, "value"].</summary>
    private static double? Sample(FluidValue pair) =>
        double.TryParse(GoValues.Format(GoValues.ListItem(pair, 1)), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && double.IsFinite(d) ? d : null;

    private static string Print(double d) =>
        d == Math.Truncate(d) && Math.Abs(d) < 1e15 ? ((long)d).ToString(CultureInfo.InvariantCulture)
        : d.ToString("R", CultureInfo.InvariantCulture);
}
