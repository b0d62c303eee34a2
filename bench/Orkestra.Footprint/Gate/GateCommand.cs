using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Orkestra.Footprint.Host;
using Orkestra.Footprint.Results;
using Orkestra.Footprint.Runs;
using Orkestra.Footprint.Webhooks;

namespace Orkestra.Footprint.Gate;

/// <summary>
/// <c>./build.sh bench gate</c>: a short footprint run of ork (15 CRDs × 0, × 20 and × 100 CRs), the hot-path micro
/// benchmarks in BenchmarkDotNet's short job, and a comparison with bench/budget.json. Exit 0 = every budget holds.
/// Memory per cached object is gated at 15 × 100 (6,000 objects), where a 1 MiB wobble of RSS moves it by 175 B; at
/// 15 × 20 (1,200 objects) the same wobble moves it by 874 B, more than the 10 % tolerance.
/// </summary>
internal static class GateCommand
{
    static readonly Scenario Empty = new(15, 0);
    static readonly Scenario Loaded = new(15, 20);
    static readonly Scenario LoadedWithWebhooks = new(15, 20, Webhooks: true);
    static readonly Scenario Large = new(15, 100);
    static readonly TimeSpan WebhookDuration = TimeSpan.FromSeconds(8);
    const int WebhookAttempts = 3;
    const string MicroFilter = "*ReconcileBenchmarks*";
    const string MicroFilterTemplates = "*TemplateBenchmarks.Render*";

    public static async Task<int> RunAsync(Options options, string[] args, CancellationToken cancellation)
    {
        var repo = Repository.Find();
        var budgetPath = options.Value("--budget") ?? Path.Combine(repo.Root, "bench", "budget.json");
        var json = options.Value("--json") ?? Path.Combine(repo.Root, ".build", "gate", "gate.json");
        var skipMicro = options.Flag("--skip-micro");
        options.Finish();
        var budget = Budget.Parse(await File.ReadAllTextAsync(budgetPath, cancellation).ConfigureAwait(false));
        var clock = Stopwatch.StartNew();

        var measured = new Dictionary<string, double>(StringComparer.Ordinal);
        var why = new Dictionary<string, string>(StringComparer.Ordinal);
        var results = await Program.RunScenariosAsync(repo, [Empty, Loaded, LoadedWithWebhooks, Large], ["ork"],
            new RunOptions(Idle: TimeSpan.FromSeconds(5), Resync: TimeSpan.FromSeconds(15)), Console.Out, cancellation).ConfigureAwait(false);
        foreach (var r in results)
        {
            var prefix = $"footprint.{r.Scenario.Name}";
            if (r.Error is not null)
            {
                foreach (var b in budget.Entries.Where(b => b.Name.StartsWith(prefix + ".", StringComparison.Ordinal))) why[b.Name] = r.Error;
                continue;
            }
            if (r.SteadyRssMiB is { } rss) measured[$"{prefix}.steadyRssMiB"] = Math.Round(rss, 2);
            if (r.ResyncWrites is { } w) measured[$"{prefix}.resyncWrites"] = w;
            if (r.StartToSyncedMs is { } s) measured[$"{prefix}.startToSyncedMs"] = Math.Round(s, 1);
            if (Report.MarginalBytesPerObject(results, "ork", r.Scenario, out _) is { } perObject) measured[$"{prefix}.marginalBytesPerObject"] = Math.Round(perObject);
            if (Report.BytesPerObjectOverIdle(results, "ork", r.Scenario) is { } overIdle) measured[$"{prefix}.bytesPerObjectOverIdle"] = Math.Round(overIdle);
        }

        // What declaring admission webhooks costs: the same 15 x 20 with every CR admitted through ork's listener.
        if (measured.TryGetValue($"footprint.{LoadedWithWebhooks.Name}.steadyRssMiB", out var withHooks)
            && measured.TryGetValue($"footprint.{Loaded.Name}.steadyRssMiB", out var without))
            measured[$"footprint.{LoadedWithWebhooks.Name}.webhookCostMiB"] = Math.Round(withHooks - without, 2);

        // Latency on a shared 2-core machine: one busy neighbour moves a p99 by 10x. A real regression shows in every
        // attempt; interference does not — so up to WebhookAttempts runs, each figure the best (lowest) seen, stopping
        // as soon as every webhook budget holds. Every attempt is kept in the JSON.
        var webhookAttempts = new List<IReadOnlyList<WebhookRun>>();
        var webhookKeys = budget.Entries.Where(b => b.Name.StartsWith("webhooks.", StringComparison.Ordinal)).ToArray();
        for (var attempt = 1; attempt <= WebhookAttempts; attempt++)
        {
            var runs = await WebhookLatency.RunAsync(repo, WebhookDuration, new Dictionary<string, string>(), Console.Out, cancellation)
                .ConfigureAwait(false);
            webhookAttempts.Add(runs);
            foreach (var run in runs)
            {
                if (run.Figures is not { } f) continue;
                Best(measured, $"{run.Key}.p50Ms", Math.Round(f.P50Ms, 3), Math.Min);
                Best(measured, $"{run.Key}.p99Ms", Math.Round(f.P99Ms, 3), Math.Min);
                Best(measured, $"{run.Key}.requestsPerSecond", Math.Round(f.RequestsPerSecond), Math.Max);
            }
            var failing = budget.Check(measured).Where(f => webhookKeys.Contains(f.Budget) && f.Verdict != Verdict.Ok).ToArray();
            if (failing.Length == 0) break;
            if (attempt < WebhookAttempts)
                Console.WriteLine($"webhooks: {string.Join(", ", failing.Select(f => f.Budget.Name))} over budget; measuring again");
        }
        foreach (var run in webhookAttempts[^1].Where(r => r.Figures is null))
        {
            foreach (var b in webhookKeys.Where(b => b.Name.StartsWith(run.Key + ".", StringComparison.Ordinal) && !measured.ContainsKey(b.Name)))
                why[b.Name] = run.Error!;
        }

        IReadOnlyList<BenchmarkFigure> micro = [];
        if (!skipMicro)
        {
            try
            {
                micro = await RunMicroAsync(repo, cancellation).ConfigureAwait(false);
                foreach (var m in micro.Where(m => m.AllocatedBytes is not null)) measured[$"{m.Key}.allocatedBytes"] = m.AllocatedBytes!.Value;
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or FormatException)
            {
                foreach (var b in budget.Entries.Where(b => b.Name.StartsWith("micro.", StringComparison.Ordinal))) why[b.Name] = e.Message;
            }
        }
        else foreach (var b in budget.Entries.Where(b => b.Name.StartsWith("micro.", StringComparison.Ordinal))) why[b.Name] = "--skip-micro";

        var findings = budget.Check(measured, why);
        Console.WriteLine();
        Console.WriteLine(Budget.Table(findings));
        var passed = findings.All(f => f.Verdict == Verdict.Ok);
        Console.WriteLine();
        Console.WriteLine($"gate: {(passed ? "passed" : "FAILED")} in {clock.Elapsed.TotalSeconds:0} s (tolerance {budget.Tolerance:P0})");

        var report = new JsonObject
        {
            ["machine"] = $"{Repository.Machine()}; 1-min load average {Repository.LoadAverage()} at end",
            ["commit"] = repo.Commit(),
            ["command"] = Environment.GetEnvironmentVariable("ORK_BENCH_COMMAND") ?? "gate " + string.Join(' ', args),
            ["passed"] = passed,
            ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds),
            ["measured"] = new JsonObject(measured.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["footprint"] = new JsonArray(results.Select(r => (JsonNode?)r.ToJson()).ToArray()),
            ["webhooks"] = new JsonArray(webhookAttempts.Select(a => (JsonNode?)new JsonArray(a.Select(r => (JsonNode?)r.ToJson()).ToArray()))
                .ToArray()),
            ["micro"] = new JsonArray(micro.Select(m => (JsonNode?)new JsonObject
            {
                ["name"] = m.Key, ["meanNs"] = Math.Round(m.MeanNs, 1), ["allocatedBytes"] = m.AllocatedBytes,
            }).ToArray()),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
        await File.WriteAllTextAsync(json, Report.Serialize(report), cancellation).ConfigureAwait(false);
        Console.WriteLine($"result: {json}");
        return passed ? 0 : 1;
    }

    /// <summary>The better (by <paramref name="pick"/>) of the figure already measured under <paramref name="key"/> and
    /// <paramref name="value"/>.</summary>
    static void Best(Dictionary<string, double> measured, string key, double value, Func<double, double, double> pick) =>
        measured[key] = measured.TryGetValue(key, out var seen) ? pick(seen, value) : value;

    /// <summary>BenchmarkDotNet short job, in-process, JSON exporter, into a fresh folder; bounded to 10 minutes.</summary>
    static async Task<IReadOnlyList<BenchmarkFigure>> RunMicroAsync(Repository repo, CancellationToken cancellation)
    {
        var artifacts = Path.Combine(repo.Root, ".build", "gate", "bdn");
        if (Directory.Exists(artifacts)) Directory.Delete(artifacts, recursive: true);
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = repo.Root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "run", "-c", "Release", "--project", "bench/Orkestra.Benchmarks", "--", "--filter", MicroFilter, MicroFilterTemplates,
                     "--job", "short", "--inProcess", "--exporters", "json", "--artifacts", artifacts })
            info.ArgumentList.Add(a);
        Console.WriteLine($"micro: dotnet {string.Join(' ', info.ArgumentList)}");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellation);
        var stderr = process.StandardError.ReadToEndAsync(cancellation);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("micro benchmarks took longer than 10 minutes");
        }
        var output = await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"micro benchmarks failed ({process.ExitCode}): {string.Join('\n', output.Split('\n').TakeLast(20))}");
        var reports = Directory.Exists(Path.Combine(artifacts, "results"))
            ? Directory.GetFiles(Path.Combine(artifacts, "results"), "*.json")
            : [];
        if (reports.Length == 0) throw new InvalidOperationException("micro benchmarks wrote no JSON report");
        var figures = new List<BenchmarkFigure>();
        foreach (var file in reports) figures.AddRange(BenchmarkResults.Parse(await File.ReadAllTextAsync(file, cancellation).ConfigureAwait(false)));
        foreach (var f in figures)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"micro: {f.Key}: {f.MeanNs:0} ns, {f.AllocatedBytes:0} B"));
        return figures;
    }
}
