using System.Text.RegularExpressions;

namespace Orkestra.Operators.Tests.Support;

/// <summary>
/// The metric names a PromQL expression selects — enough of PromQL for dashboard queries: string literals, label
/// matchers <c>{…}</c>, ranges <c>[…]</c>, grouping clauses (<c>by (…)</c>, <c>without</c>, <c>on</c>, <c>ignoring</c>,
/// <c>group_left</c>/<c>group_right</c>) and numbers are removed; of what is left, an identifier followed by <c>(</c>
/// is a function or aggregation, a keyword is a keyword, a lone Grafana variable (<c>$x</c>) is skipped, anything else is
/// a metric name — one built from a variable (<c>${x}_total</c>) keeps its <c>$</c>, so no exported metric matches it. Also parses the Prometheus text exposition into families and label names.
/// </summary>
internal static partial class PromQl
{
    private static readonly HashSet<string> Keywords =
        ["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan"];

    public static IReadOnlySet<string> MetricNames(string expr)
    {
        var text = BracedVariable().Replace(expr, "$$$1$$");
        text = StringLiteral().Replace(text, " ");
        text = Matchers().Replace(text, " ");
        text = Range().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Identifier().Matches(text))
        {
            var name = m.Groups["name"].Value;
            if (m.Groups["call"].Success || Keywords.Contains(name.ToLowerInvariant()) || LoneVariable().IsMatch(name)) continue;
            names.Add(name);
        }
        return names;
    }

    /// <summary>Every sample's series name in a text exposition (<c>x_bucket</c>, <c>x_sum</c>, <c>x_count</c> as written),
    /// with the label names each carries (<c>le</c> and <c>quantile</c> left out).</summary>
    public static IReadOnlyDictionary<string, HashSet<string>> Series(string exposition)
    {
        var series = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in exposition.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var m = Sample().Match(line);
            if (!m.Success) continue;
            if (!series.TryGetValue(m.Groups["name"].Value, out var labels)) series[m.Groups["name"].Value] = labels = [];
            foreach (Match label in LabelName().Matches(m.Groups["labels"].Value))
            {
                if (label.Groups[1].Value is not ("le" or "quantile")) labels.Add(label.Groups[1].Value);
            }
        }
        return series;
    }

    /// <summary>The families a text exposition declares (<c># TYPE name kind</c>).</summary>
    public static IReadOnlyDictionary<string, string> Families(string exposition) =>
        exposition.Split('\n').Select(l => TypeLine().Match(l)).Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\[[^\[\]]*\]")]
    private static partial Regex Range();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", RegexOptions.IgnoreCase)]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\$\{(\w+)[^}]*\}")]
    private static partial Regex BracedVariable();

    [GeneratedRegex(@"^\$\w+\$?$")]
    private static partial Regex LoneVariable();

    [GeneratedRegex(@"(?<![\w.$])(?<name>[A-Za-z_:$][\w:$]*)(?<call>\s*\()?")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^(?<name>[A-Za-z_:][A-Za-z0-9_:]*)(?:\{(?<labels>.*)\})?\s")]
    private static partial Regex Sample();

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=""")]
    private static partial Regex LabelName();

    [GeneratedRegex(@"^# TYPE (\S+) (\S+)")]
    private static partial Regex TypeLine();
}
