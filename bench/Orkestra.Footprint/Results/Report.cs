using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orkestra.Footprint.Results;

/// <summary>Where and how a run was made: machine, commit, the exact command.</summary>
internal sealed record RunContext(string Machine, string Commit, string Command, DateTimeOffset Started);

/// <summary>
/// The result file (JSON) and the markdown section appended to docs/benchmarks.md: one row per system and scenario,
/// the baseline ratio per scenario, and the derived memory per cached object (marginal, and over idle).
/// </summary>
internal static class Report
{
    /// <summary>Objects an operator caches per CR: the CR and its children.</summary>
    public const int ObjectsPerCr = 1 + Runs.Workload.ChildrenPerCr;

    /// <summary>
    /// Marginal memory per cached object: (steady RSS of the loaded scenario − steady RSS of the next smaller loaded
    /// scenario with the same CRD count) / the objects it adds — the slope, free of what any amount of work costs once
    /// (code paged back in, the threads a ramp starts). Null unless both ran; <paramref name="reference"/> names the
    /// smaller scenario.
    /// </summary>
    public static double? MarginalBytesPerObject(IReadOnlyList<RunResult> results, string system, Scenario loaded, out Scenario? reference)
    {
        reference = null;
        var full = Ok(results, system, loaded);
        var smaller = results.Where(r => r.System == system && r.Error is null && r.Steady is not null && r.Scenario.Crds == loaded.Crds
                && r.Scenario.Webhooks == loaded.Webhooks && r.Scenario.CrsPerCrd > 0 && r.Scenario.CrsPerCrd < loaded.CrsPerCrd)
            .MaxBy(r => r.Scenario.CrsPerCrd);
        if (full?.Steady is null || smaller?.Steady is null) return null;
        reference = smaller.Scenario;
        return (full.Steady.RssKb - smaller.Steady.RssKb) * 1024.0 / ((loaded.TotalCrs - smaller.Scenario.TotalCrs) * ObjectsPerCr);
    }

    /// <summary>
    /// (steady RSS of the loaded scenario − steady RSS with 0 CRs, same CRD count) / cached objects: the per-object
    /// figure including the one-time cost of the first work. Null unless both ran.
    /// </summary>
    public static double? BytesPerObjectOverIdle(IReadOnlyList<RunResult> results, string system, Scenario loaded)
    {
        var empty = Ok(results, system, loaded with { CrsPerCrd = 0 });
        var full = Ok(results, system, loaded);
        if (empty?.Steady is null || full?.Steady is null || loaded.TotalCrs == 0) return null;
        return (full.Steady.RssKb - empty.Steady.RssKb) * 1024.0 / (loaded.TotalCrs * ObjectsPerCr);
    }

    static RunResult? Ok(IReadOnlyList<RunResult> results, string system, Scenario scenario) =>
        results.FirstOrDefault(r => r.System == system && r.Scenario == scenario && r.Error is null);

    /// <summary>Baseline ÷ ork for a scenario, on summed RSS and on summed PSS; null unless both succeeded.</summary>
    public static (double Rss, double Pss)? Ratio(IReadOnlyList<RunResult> results, Scenario scenario)
    {
        var ork = results.FirstOrDefault(r => r.System == "ork" && r.Scenario == scenario && r.Error is null)?.Steady;
        var baseline = results.FirstOrDefault(r => r.System == "baseline" && r.Scenario == scenario && r.Error is null)?.Steady;
        if (ork is null || baseline is null) return null;
        return ((double)baseline.RssKb / ork.RssKb, (double)baseline.PssKb / ork.PssKb);
    }

    public static JsonObject ToJson(RunContext context, IReadOnlyList<RunResult> results)
    {
        var scenarios = results.Select(r => r.Scenario).Distinct().ToArray();
        return new JsonObject
        {
            ["machine"] = context.Machine,
            ["commit"] = context.Commit,
            ["command"] = context.Command,
            ["started"] = context.Started.ToString("u", CultureInfo.InvariantCulture),
            ["results"] = new JsonArray(results.Select(r => (JsonNode?)r.ToJson()).ToArray()),
            ["ratios"] = new JsonArray(scenarios.Select(s => Ratio(results, s) is { } q
                ? (JsonNode?)new JsonObject { ["scenario"] = s.Name, ["rss"] = Math.Round(q.Rss, 2), ["pss"] = Math.Round(q.Pss, 2) }
                : null).Where(n => n is not null).ToArray()),
            ["marginalBytesPerObject"] = new JsonArray(results.Where(r => r.Scenario.CrsPerCrd > 0)
                .Select(r => MarginalBytesPerObject(results, r.System, r.Scenario, out var over) is { } b
                    ? (JsonNode?)new JsonObject { ["system"] = r.System, ["scenario"] = r.Scenario.Name, ["over"] = over!.Name, ["bytes"] = Math.Round(b) }
                    : null).Where(n => n is not null).ToArray()),
            ["bytesPerObjectOverIdle"] = new JsonArray(results.Where(r => r.Scenario.CrsPerCrd > 0)
                .Select(r => BytesPerObjectOverIdle(results, r.System, r.Scenario) is { } b
                    ? (JsonNode?)new JsonObject { ["system"] = r.System, ["scenario"] = r.Scenario.Name, ["bytes"] = Math.Round(b) }
                    : null).Where(n => n is not null).ToArray()),
        };
    }

    public static string Serialize(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    public static string Markdown(RunContext context, IReadOnlyList<RunResult> results)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"### Footprint run of {context.Started:yyyy-MM-dd HH:mm} UTC");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Machine: {context.Machine}. Commit: `{context.Commit}`. Command (from the repository root):");
        sb.AppendLine();
        sb.AppendLine("```sh");
        sb.AppendLine(context.Command);
        sb.AppendLine("```");
        sb.AppendLine();
        sb.AppendLine("| Scenario | System | Procs | Steady RSS MiB | Peak RSS MiB | Private / shared MiB | Anon / file MiB | PSS MiB | GC heap MiB | Threads | Start → synced ms | Apply → all Ready s | Writes after Ready (settled in s) | Reconciles/s | API requests / reconcile | Writes while idle | Writes in a full resync |");
        sb.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            if (r.Error is not null)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario.Name} | {r.Label} | failed: {Escape(r.Error)} |||||||||||||||");
                continue;
            }
            var m = r.Steady;
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Scenario.Name} | {r.Label} | {r.Processes} | {Mib(m?.RssKb)} | {Mib(m?.PeakRssKb)} | {Mib(m?.PrivateKb)} / {Mib(m?.SharedKb)} | {Mib(m?.AnonKb)} / {Mib(m?.FileKb)} | {Mib(m?.PssKb)} | " +
                $"{(r.GcHeapBytes is { } g ? (g / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) : "n/a")} | {m?.Threads} | {F(r.StartToSyncedMs, "0")} | " +
                $"{F(r.ApplyToReadyMs / 1000, "0.00")} | {r.TailWrites} ({F(r.SettleMs / 1000, "0.0")}) | {F(r.ReconcilesPerSecond, "0")} | {F(r.RequestsPerReconcile, "0.0")} | {r.IdleWrites} | {(r.ResyncWrites is { } w ? w.ToString(CultureInfo.InvariantCulture) : "n/a")} |");
        }
        sb.AppendLine();
        foreach (var s in results.Select(r => r.Scenario).Distinct())
        {
            if (Ratio(results, s) is { } q)
                sb.AppendLine(CultureInfo.InvariantCulture, $"- {s.Name}: the baseline uses {q.Rss:0.0}× the RSS (summed) and {q.Pss:0.0}× the PSS (summed; shared pages counted once) of ork.");
        }
        foreach (var r in results.Where(r => r.Scenario.CrsPerCrd > 0 && r.Error is null))
        {
            if (MarginalBytesPerObject(results, r.System, r.Scenario, out var over) is { } b)
                sb.AppendLine(CultureInfo.InvariantCulture, $"- {r.Label}, marginal memory per cached object ({r.Scenario.Name} vs {over!.Name}, {ObjectsPerCr} objects per CR): {b:0} bytes.");
            if (BytesPerObjectOverIdle(results, r.System, r.Scenario) is { } idle)
                sb.AppendLine(CultureInfo.InvariantCulture, $"- {r.Label}, memory per cached object over idle, with the one-time cost of the first work ({r.Scenario.Name} vs {r.Scenario.Crds}x0): {idle:0} bytes.");
        }
        foreach (var r in results.Where(r => r.Notes.Count > 0))
            sb.AppendLine(CultureInfo.InvariantCulture, $"- {r.Label} {r.Scenario.Name}: {string.Join("; ", r.Notes.Distinct())}.");
        sb.AppendLine();
        return sb.ToString();
    }

    static string Mib(long? kb) => kb is { } v ? (v / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) : "n/a";

    static string F(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
