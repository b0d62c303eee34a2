using System.Text.Json.Nodes;
using Orkestra.Footprint.Measurement;

namespace Orkestra.Footprint.Results;

/// <summary>A scenario shape: <c>CRDSxCRS</c>, e.g. 15x100; <c>+webhooks</c> (e.g. 15x20+webhooks) gives every CRD
/// validation (5 rules) and mutation webhooks, registered with the sandbox, so each CR create is admitted through ork.</summary>
internal sealed record Scenario(int Crds, int CrsPerCrd, bool Webhooks = false)
{
    public const string WebhooksSuffix = "+webhooks";

    public string Name => $"{Crds}x{CrsPerCrd}{(Webhooks ? WebhooksSuffix : "")}";
    public int TotalCrs => Crds * CrsPerCrd;

    public static Scenario Parse(string text)
    {
        var webhooks = text.EndsWith(WebhooksSuffix, StringComparison.Ordinal);
        var parts = (webhooks ? text[..^WebhooksSuffix.Length] : text).Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], out var crds) && int.TryParse(parts[1], out var crs)
            && crds is > 0 and <= 99 && crs is >= 0 and <= 10_000)
            return new Scenario(crds, crs, webhooks);
        throw new FormatException(
            $"scenario '{text}' is not CRDSxCRS[+webhooks] with 1–99 CRDs and 0–10000 CRs per CRD (e.g. 15x100, 15x20+webhooks)");
    }
}

/// <summary>Memory of the measured process(es), summed over processes (kB as /proc reports).</summary>
/// <remarks>Anonymous (heaps, stacks, the rehydrated type data) and file-backed (the executable's and libraries' pages)
/// split RSS the other way than private/shared.</remarks>
internal sealed record MemoryFigures(long RssKb, long PeakRssKb, long PssKb, long PrivateKb, long SharedKb, int Threads, long AnonKb = 0, long FileKb = 0)
{
    public static MemoryFigures Sum(IEnumerable<(ProcStatus Status, SmapsRollup Smaps)> processes)
    {
        long rss = 0, hwm = 0, pss = 0, priv = 0, shared = 0, anon = 0, file = 0;
        var threads = 0;
        foreach (var (s, m) in processes)
        {
            rss += s.VmRssKb; hwm += s.VmHwmKb; pss += m.PssKb; priv += m.PrivateKb; shared += m.SharedKb; threads += s.Threads;
            anon += s.RssAnonKb; file += s.RssFileKb;
        }
        return new MemoryFigures(rss, hwm, pss, priv, shared, threads, anon, file);
    }

    public JsonObject ToJson() => new()
    {
        ["rssKb"] = RssKb, ["peakRssKb"] = PeakRssKb, ["pssKb"] = PssKb, ["privateKb"] = PrivateKb, ["sharedKb"] = SharedKb,
        ["anonKb"] = AnonKb, ["fileKb"] = FileKb, ["threads"] = Threads,
    };
}

/// <summary>Everything measured for one system (ork or baseline) in one scenario. Null = not measured (see notes).</summary>
internal sealed class RunResult(string system, Scenario scenario)
{
    public string System { get; } = system;
    public Scenario Scenario { get; } = scenario;
    public string? Error { get; set; }
    public IReadOnlyDictionary<string, string> Environment { get; set; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Arguments { get; set; } = [];
    public int Processes { get; set; }
    public double? StartToSyncedMs { get; set; }
    public double? ApplyToReadyMs { get; set; }
    public long? Reconciles { get; set; }
    public double? ReconcilesPerSecond { get; set; }
    public long? RampRequests { get; set; }
    public long? RampWrites { get; set; }
    public double? RequestsPerReconcile { get; set; }
    /// <summary>From all Ready to the operator's last write before a quiet period (events, rate-limited children).</summary>
    public double? SettleMs { get; set; }
    public long? TailWrites { get; set; }
    public long? IdleWrites { get; set; }
    public long? ResyncWrites { get; set; }
    public MemoryFigures? Steady { get; set; }
    public long? GcHeapBytes { get; set; }
    public string? GcHeapSource { get; set; }
    public bool? CleanExit { get; set; }
    public List<string> Notes { get; } = [];

    /// <summary>"ork", "ork [NAME=VALUE … --flag value …]" when run with extra settings, or "baseline".</summary>
    public string Label => Environment.Count == 0 && Arguments.Count == 0
        ? System
        : $"{System} [{string.Join(' ', Environment.Select(p => $"{p.Key}={p.Value}").Concat(Arguments))}]";

    public double? SteadyRssMiB => Steady is null ? null : Steady.RssKb / 1024.0;

    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["system"] = System,
            ["scenario"] = Scenario.Name,
            ["crds"] = Scenario.Crds,
            ["crsPerCrd"] = Scenario.CrsPerCrd,
            ["ok"] = Error is null,
        };
        if (Error is not null) o["error"] = Error;
        o["environment"] = new JsonObject(Environment.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        o["arguments"] = new JsonArray(Arguments.Select(a => (JsonNode?)a).ToArray());
        o["processes"] = Processes;
        o["startToSyncedMs"] = StartToSyncedMs;
        o["applyToReadyMs"] = ApplyToReadyMs;
        o["reconciles"] = Reconciles;
        o["reconcilesPerSecond"] = ReconcilesPerSecond;
        o["rampRequests"] = RampRequests;
        o["rampWrites"] = RampWrites;
        o["requestsPerReconcile"] = RequestsPerReconcile;
        o["settleMs"] = SettleMs;
        o["tailWrites"] = TailWrites;
        o["idleWrites"] = IdleWrites;
        o["resyncWrites"] = ResyncWrites;
        o["steady"] = Steady?.ToJson();
        o["gcHeapBytes"] = GcHeapBytes;
        o["gcHeapSource"] = GcHeapSource;
        o["cleanExit"] = CleanExit;
        o["notes"] = new JsonArray(Notes.Select(n => (JsonNode?)n).ToArray());
        return o;
    }
}
