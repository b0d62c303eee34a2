using System.Globalization;
using System.Text.Json.Nodes;

namespace Orkestra.Footprint.Gate;

/// <summary>One committed budget: the largest acceptable value of a measurement, and why it has that value.</summary>
internal sealed record BudgetEntry(string Name, double Max, string Unit, string Basis);

internal enum Verdict { Ok, Exceeded, Missing }

/// <summary>One budget checked: the limit is <c>Max × (1 + tolerance)</c>; a missing measurement fails.</summary>
internal sealed record GateFinding(BudgetEntry Budget, double Limit, double? Measured, Verdict Verdict, string? Why);

/// <summary>
/// bench/budget.json: <c>{"tolerance": 0.10, "budgets": [{"name", "max", "unit", "basis"}]}</c>. The gate fails when
/// any measurement exceeds its budget by more than the tolerance, or is missing. Budgets only ever go down, in a
/// commit that shows the new measurement (see bench/README.md).
/// </summary>
internal sealed record Budget(double Tolerance, IReadOnlyList<BudgetEntry> Entries)
{
    public static Budget Parse(string json)
    {
        var root = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("budget file must be a JSON object");
        var tolerance = root["tolerance"]?.GetValue<double>() ?? throw new FormatException("budget file lacks tolerance");
        if (tolerance is < 0 or > 1) throw new FormatException($"tolerance must be between 0 and 1, not {tolerance}");
        var entries = new List<BudgetEntry>();
        foreach (var node in root["budgets"] as JsonArray ?? throw new FormatException("budget file lacks budgets[]"))
        {
            var name = node?["name"]?.GetValue<string>() ?? throw new FormatException("a budget lacks name");
            var max = node["max"]?.GetValue<double>() ?? throw new FormatException($"budget {name} lacks max");
            if (max < 0) throw new FormatException($"budget {name}: max must not be negative");
            if (entries.Any(e => e.Name == name)) throw new FormatException($"budget {name} appears twice");
            entries.Add(new BudgetEntry(name, max, node["unit"]?.GetValue<string>() ?? "", node["basis"]?.GetValue<string>() ?? ""));
        }
        return new Budget(tolerance, entries);
    }

    /// <summary>Checks every budget against <paramref name="measured"/>; <paramref name="missingWhy"/> explains absent ones.</summary>
    public IReadOnlyList<GateFinding> Check(IReadOnlyDictionary<string, double> measured, IReadOnlyDictionary<string, string>? missingWhy = null) =>
        Entries.Select(b =>
        {
            var limit = b.Max * (1 + Tolerance);
            if (!measured.TryGetValue(b.Name, out var value))
                return new GateFinding(b, limit, null, Verdict.Missing, missingWhy?.GetValueOrDefault(b.Name) ?? "not measured");
            return new GateFinding(b, limit, value, value > limit ? Verdict.Exceeded : Verdict.Ok, null);
        }).ToArray();

    public static string Table(IReadOnlyList<GateFinding> findings)
    {
        var lines = new List<string> { "| budget | max | limit (+tolerance) | measured | verdict |", "| --- | ---: | ---: | ---: | --- |" };
        foreach (var f in findings)
        {
            var measured = f.Measured is { } m ? N(m) : "—";
            var verdict = f.Verdict switch { Verdict.Ok => "ok", Verdict.Exceeded => "EXCEEDED", _ => $"MISSING ({f.Why})" };
            lines.Add($"| {f.Budget.Name} | {N(f.Budget.Max)} {f.Budget.Unit} | {N(f.Limit)} | {measured} | {verdict} |");
        }
        return string.Join('\n', lines);
    }

    static string N(double v) => v.ToString(v == Math.Floor(v) ? "0" : "0.##", CultureInfo.InvariantCulture);
}
