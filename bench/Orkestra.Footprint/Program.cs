using System.Globalization;
using Orkestra.Footprint.Gate;
using Orkestra.Footprint.Host;
using Orkestra.Footprint.Results;
using Orkestra.Footprint.Runs;
using Orkestra.Footprint.Webhooks;

namespace Orkestra.Footprint;

/// <summary>
/// <c>footprint</c>: the footprint scenarios for ork and the baseline, a JSON result file and a markdown section in
/// docs/benchmarks.md. <c>gate</c>: the short CI regression gate against bench/budget.json. See README.md.
/// </summary>
public static class Program
{
    const string Usage = """
        Usage:
          footprint [--scenario 15x0,15x10,15x100,1x1000] [--systems ork,baseline] [--idle SECONDS] [--resync SECONDS]
                    [--ork-env NAME=VALUE[,NAME=VALUE]] [--ork-qps N] [--json PATH] [--docs PATH | --no-docs]
          gate      [--budget bench/budget.json] [--json PATH] [--skip-micro]
          webhooks  [--duration SECONDS] [--ork-env NAME=VALUE[,NAME=VALUE]] [--json PATH]
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(60));
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        try
        {
            var options = new Options(args[1..]);
            return args[0] switch
            {
                "footprint" => await FootprintAsync(options, args, cancel.Token).ConfigureAwait(false),
                "gate" => await GateCommand.RunAsync(options, args, cancel.Token).ConfigureAwait(false),
                "webhooks" => await WebhooksAsync(options, args, cancel.Token).ConfigureAwait(false),
                _ => Fail($"unknown command '{args[0]}'"),
            };
        }
        catch (FormatException e)
        {
            return Fail(e.Message);
        }
    }

    static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        Console.Error.WriteLine(Usage);
        return 2;
    }

    static async Task<int> FootprintAsync(Options options, string[] args, CancellationToken cancellation)
    {
        var scenarios = (options.Value("--scenario") ?? "15x0,15x10,15x100,1x1000").Split(',').Select(Scenario.Parse).ToArray();
        var systems = (options.Value("--systems") ?? "ork,baseline").Split(',');
        if (systems.Any(s => s is not ("ork" or "baseline"))) throw new FormatException("--systems takes ork and/or baseline");
        var run = new RunOptions(TimeSpan.FromSeconds(options.Int("--idle", 10)), TimeSpan.FromSeconds(options.Int("--resync", 30)))
        {
            OrkEnvironment = ParseEnvironment(options.Value("--ork-env")),
            OrkArguments = options.Value("--ork-qps") is null ? [] : QpsArguments(options.Int("--ork-qps", 100)),
        };
        var repo = Repository.Find();
        var started = DateTimeOffset.UtcNow;
        var json = options.Value("--json") ?? Path.Combine(repo.Root, "bench", "results", $"footprint-{started:yyyyMMdd-HHmm}.json");
        var docs = options.Flag("--no-docs") ? null : options.Value("--docs") ?? Path.Combine(repo.Root, "docs", "benchmarks.md");
        options.Finish();

        var loadBefore = Repository.LoadAverage();
        var results = await RunScenariosAsync(repo, scenarios, systems, run, Console.Out, cancellation).ConfigureAwait(false);
        var machine = $"{Repository.Machine()}; 1-min load average {loadBefore} at start, {Repository.LoadAverage()} at end";
        var context = new RunContext(machine, repo.Commit(), Command("footprint", args), started);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
        await File.WriteAllTextAsync(json, Report.Serialize(Report.ToJson(context, results)), cancellation).ConfigureAwait(false);
        var markdown = Report.Markdown(context, results);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"result: {json}");
        if (docs is not null)
        {
            await File.AppendAllTextAsync(docs, Environment.NewLine + markdown, cancellation).ConfigureAwait(false);
            Console.WriteLine($"appended to {docs}");
        }
        return results.All(r => r.Error is null) ? 0 : 1;
    }

    /// <summary><c>webhooks</c>: wrk against ork's <c>/validate</c> and <c>/convert</c> (Webhooks/WebhookLatency.cs); a JSON result file.</summary>
    static async Task<int> WebhooksAsync(Options options, string[] args, CancellationToken cancellation)
    {
        var duration = TimeSpan.FromSeconds(options.Int("--duration", 10));
        var environment = ParseEnvironment(options.Value("--ork-env"));
        var repo = Repository.Find();
        var started = DateTimeOffset.UtcNow;
        var json = options.Value("--json") ?? Path.Combine(repo.Root, "bench", "results", $"webhooks-{started:yyyyMMdd-HHmm}.json");
        options.Finish();
        var loadBefore = Repository.LoadAverage();
        var runs = await WebhookLatency.RunAsync(repo, duration, environment, Console.Out, cancellation).ConfigureAwait(false);
        var report = new System.Text.Json.Nodes.JsonObject
        {
            ["machine"] = $"{Repository.Machine()}; 1-min load average {loadBefore} at start, {Repository.LoadAverage()} at end",
            ["commit"] = repo.Commit(),
            ["command"] = Command("webhooks", args),
            ["runs"] = new System.Text.Json.Nodes.JsonArray(runs.Select(r => (System.Text.Json.Nodes.JsonNode?)r.ToJson()).ToArray()),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
        await File.WriteAllTextAsync(json, Report.Serialize(report), cancellation).ConfigureAwait(false);
        Console.WriteLine($"result: {json}");
        return runs.All(r => r.Error is null) ? 0 : 1;
    }

    /// <summary>Runs each scenario for each system, each in a fresh sandbox process; a failing run is recorded, not fatal.</summary>
    internal static async Task<List<RunResult>> RunScenariosAsync(Repository repo, IReadOnlyList<Scenario> scenarios, IReadOnlyList<string> systems,
        RunOptions run, TextWriter log, CancellationToken cancellation)
    {
        var ork = repo.EnsureOrk(log);
        var missingRun = systems.Contains("ork") ? OrkOperators.MissingRunCommand(ork) : null;
        var baselineDll = systems.Contains("baseline") ? repo.EnsureBaseline(log) : null;
        var work = Path.Combine(Path.GetTempPath(), $"ork-footprint-{Environment.ProcessId}");
        var results = new List<RunResult>();
        try
        {
            foreach (var scenario in scenarios)
            {
                foreach (var system in systems)
                {
                    if (system == "ork" && missingRun is not null)
                    {
                        results.Add(new RunResult("ork", scenario) { Error = missingRun });
                        log.WriteLine($"[ork {scenario.Name}] FAILED: {missingRun}");
                        continue;
                    }
                    Func<IReadOnlyList<WidgetType>, string, IOperatorsUnderTest> create = system == "ork"
                        ? (types, kubeconfig) => new OrkOperators(ork,
                            Workload.WriteFiles(Path.Combine(work, $"katalog-{scenario.Name}"), types, run.Resync, scenario.Webhooks),
                            kubeconfig, run.OrkEnvironment, run.OrkArguments)
                        : (types, kubeconfig) => new BaselineOperators(baselineDll!, types, kubeconfig);
                    results.Add(await ScenarioRunner.RunAsync(ork, create, system, scenario, run, work, log, cancellation).ConfigureAwait(false));
                }
            }
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
        return results;
    }

    /// <summary>NAME=VALUE[,NAME=VALUE]: runtime settings for the ork process (e.g. DOTNET_GCgen0size=0x400000), to measure their effect.</summary>
    internal static IReadOnlyDictionary<string, string> ParseEnvironment(string? text)
    {
        var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(text)) return env;
        foreach (var pair in text.Split(','))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new FormatException($"--ork-env takes NAME=VALUE pairs separated by commas, got '{pair}'");
            env[pair[..eq]] = pair[(eq + 1)..];
        }
        return env;
    }

    /// <summary>ork's client-side rate limit for the run: QPS N with a burst of 2N (ork's defaults are 100 and 200).</summary>
    internal static string[] QpsArguments(int qps) =>
        ["--kube-api-qps", qps.ToString(CultureInfo.InvariantCulture), "--kube-api-burst", (2 * qps).ToString(CultureInfo.InvariantCulture)];

    static string Command(string command, string[] args) =>
        Environment.GetEnvironmentVariable("ORK_BENCH_COMMAND") is { Length: > 0 } fromBuildScript
            ? fromBuildScript
            : $"dotnet run -c Release --project bench/Orkestra.Footprint -- {string.Join(' ', args)}";
}

/// <summary>--name value options; every option must be consumed (<see cref="Finish"/>), so a typo is an error.</summary>
internal sealed class Options(string[] args)
{
    readonly HashSet<int> _used = [];

    public string? Value(string name)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] != name) continue;
            if (i + 1 >= args.Length) throw new FormatException($"{name} needs a value");
            _used.Add(i);
            _used.Add(i + 1);
            return args[i + 1];
        }
        return null;
    }

    public bool Flag(string name)
    {
        var i = Array.IndexOf(args, name);
        if (i >= 0) _used.Add(i);
        return i >= 0;
    }

    public int Int(string name, int fallback) =>
        Value(name) is not { } text ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
        : throw new FormatException($"{name} must be a positive whole number, got '{text}'");

    public void Finish()
    {
        var unused = Enumerable.Range(0, args.Length).Where(i => !_used.Contains(i)).Select(i => args[i]).ToArray();
        if (unused.Length > 0) throw new FormatException($"unknown or misplaced option(s): {string.Join(' ', unused)}");
    }
}
