using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Orkestra.Host.Commands;
using Orkestra.Katalog.Compilation;
using Orkestra.Kube.Connection;
using Orkestra.Runtime.Cluster;
using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Hosting;
using Orkestra.Runtime.Observability;
using Orkestra.Sandbox;
using Prometheus;

namespace Orkestra.Operators.Tests.Support;

/// <summary>How a test runs <c>ork run</c>.</summary>
public enum Launch
{
    /// <summary><c>ork run</c>'s <see cref="OperatorHost"/> inside the test process, with exactly the options <c>ork run</c>
    /// resolves from its command line (<see cref="RunCommand.Resolve"/>: leader election on, idle trim, …), so a test can
    /// wrap reconcilers and read <see cref="RunningOperators.Host"/>.</summary>
    InProcess,

    /// <summary>A real <c>ork run</c> process (<see cref="OrkProcess"/>) with its command-line defaults: the whole CLI
    /// path, signals and exit code included.</summary>
    Process,
}

/// <summary>
/// One test's world: its own sandbox (random loopback port, kubectl with a fresh cache dir) and <c>ork run</c> for the
/// given Katalogs, connected over HTTPS with the sandbox's kubeconfig and started with <c>ork run</c>'s own defaults
/// except where a test environment needs otherwise: <c>--port 0 --bind 127.0.0.1</c>, debug logs, and a resync of
/// <see cref="TestResync"/> — longer than any wait here, so every reconcile a test waits for is caused by an event,
/// never rescued by the periodic resync (a test about resync sets its own). Logs are kept in memory and printed when a
/// test fails. Dispose stops <c>ork run</c> (graceful drain) and the sandbox.
/// </summary>
internal sealed class RunningOperators : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The resync every test runs with unless it names one.</summary>
    public static readonly TimeSpan TestResync = TimeSpan.FromMinutes(10);

    private readonly CancellationTokenSource _stop = new();
    private readonly StringWriter _log = new();
    private readonly bool _ownsSandbox;
    private readonly Start _start;
    private Task<int>? _run;
    private OrkProcess? _process;
    private int? _exitCode;

    private RunningOperators(TestSandbox sandbox, bool ownsSandbox, Start start)
    {
        Sandbox = sandbox;
        _ownsSandbox = ownsSandbox;
        _start = start;
    }

    /// <summary>What a run was started with (a peer on the same sandbox starts the same way).</summary>
    private sealed record Start(string[] KatalogFiles, RuntimeDefaults Defaults, ApplyMode Apply, Launch Launch,
        IReadOnlyDictionary<string, string> Environment, string[] Arguments);

    public TestSandbox Sandbox { get; }

    /// <summary>The in-process host (<see cref="Launch.InProcess"/> only).</summary>
    public OperatorHost Host => _host ?? throw new InvalidOperationException("a separate ork run process has no in-process host");

    private OperatorHost? _host;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public string Logs
    {
        get
        {
            if (_process is { } process) return process.Output;
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>Starts a sandbox and <c>ork run</c> for <paramref name="katalogFiles"/> (paths relative to the repository root).</summary>
    /// <param name="environment">Environment variables <c>ork run</c> reads (<c>LEASE_DURATION</c>, …).</param>
    /// <param name="arguments">More <c>ork run</c> flags (<c>--shutdown-timeout 4s</c>, …).</param>
    public static async Task<RunningOperators> StartAsync(string[] katalogFiles, RuntimeDefaults? defaults = null, SandboxOptions? sandbox = null,
        ApplyMode apply = ApplyMode.Auto, Func<string, IReconciler, IReconciler>? wrap = null, Launch launch = Launch.InProcess,
        IReadOnlyDictionary<string, string>? environment = null, string[]? arguments = null)
    {
        var start = new Start(katalogFiles, defaults ?? new RuntimeDefaults { Resync = TestResync }, apply, launch,
            environment ?? new Dictionary<string, string>(), arguments ?? []);
        return await StartOnAsync(await TestSandbox.StartAsync(sandbox), ownsSandbox: true, start, wrap);
    }

    /// <summary><c>ork run</c> (in process) on a sandbox the caller prepared and disposes (objects that exist before the start).</summary>
    public static Task<RunningOperators> StartOnAsync(TestSandbox sandbox, string[] katalogFiles, Func<string, IReconciler, IReconciler>? wrap) =>
        StartOnAsync(sandbox, ownsSandbox: false, new Start(katalogFiles, new RuntimeDefaults { Resync = TestResync }, ApplyMode.Auto,
            Launch.InProcess, new Dictionary<string, string>(), []), wrap);

    /// <summary>A second <c>ork run</c> of the same Katalogs, options and environment on this run's sandbox (the same
    /// Lease): a replica. Disposing it leaves the sandbox running.</summary>
    public Task<RunningOperators> StartPeerAsync(Func<string, IReconciler, IReconciler>? wrap = null) =>
        StartOnAsync(Sandbox, ownsSandbox: false, _start, wrap);

    private static async Task<RunningOperators> StartOnAsync(TestSandbox sandbox, bool ownsSandbox, Start start,
        Func<string, IReconciler, IReconciler>? wrap)
    {
        var world = new RunningOperators(sandbox, ownsSandbox, start);
        try
        {
            if (start.Launch == Launch.Process)
            {
                if (wrap is not null) throw new ArgumentException("a separate ork run process cannot wrap reconcilers", nameof(wrap));
                await world.StartProcessAsync();
            }
            else await world.StartInProcessAsync(wrap);
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    /// <summary><c>ork run</c>'s arguments after <c>run</c>, Katalogs excluded.</summary>
    private string[] Arguments()
    {
        List<string> args =
        [
            "--kubeconfig", Sandbox.KubeconfigPath, "--port", "0", "--bind", "127.0.0.1", "--log-level", "debug", "--webhook-port", "0",
        ];
        if (_start.Apply != ApplyMode.Auto) args.AddRange(["--apply", _start.Apply.ToString().ToLowerInvariant()]);
        args.AddRange(_start.Arguments);
        return [.. args];
    }

    private async Task StartInProcessAsync(Func<string, IReconciler, IReconciler>? wrap)
    {
        var settings = RunCommand.Resolve(Arguments(), k => _start.Environment.GetValueOrDefault(k), out var error)
                       ?? throw new InvalidOperationException("ork run refused the test's arguments: " + error);
        var compiled = KomposerLoad.Compile(_start.KatalogFiles.Select(Repo.Path).ToArray(),
            k => _start.Environment.GetValueOrDefault(k) ?? System.Environment.GetEnvironmentVariable(k));
        compiled.Diagnostics.Where(d => d.Severity == Katalog.Diagnostics.DiagnosticSeverity.Error).ShouldBeEmpty();
        RuntimeSupport.Diagnose(compiled).Where(d => d.Severity == Katalog.Diagnostics.DiagnosticSeverity.Error).ShouldBeEmpty();
        var metrics = new RuntimeMetrics(new CollectorRegistry(), settings.MetricNames);
        var connection = KubeConnection.Create(new KubeConnectionOptions
        {
            KubeconfigPath = settings.Kubeconfig,
            Qps = settings.Qps,
            Burst = settings.Burst,
            RequestTimeout = settings.RequestTimeout,
            Metrics = new KubeMetricsBridge(metrics),
        });
        var logs = LoggerFactory.Create(b => b.SetMinimumLevel(settings.Level)
            .AddProvider(new LineLoggerProvider(TextWriter.Synchronized(_log), settings.Format, settings.Level)));
        var host = new OperatorHost(compiled.Katalogs, connection, settings.Runtime with
        {
            Defaults = _start.Defaults,
            Logs = logs,
            WrapReconciler = wrap,
        }, metrics);
        _host = host;
        _run = Task.Run(async () =>
        {
            try
            {
                return await host.RunAsync(_stop.Token);
            }
            finally
            {
                connection.Dispose();
                logs.Dispose();
            }
        });
        await Task.WhenAny(host.Started, _run).WaitAsync(Timeout);
        if (_run.IsCompleted) Assert.Fail($"ork run ended at start (exit {await _run}):\n{Logs}");
        Http.BaseAddress = host.Address;
    }

    private async Task StartProcessAsync()
    {
        var environment = new Dictionary<string, string>(_start.Environment)
        {
            ["DEFAULT_WORKERS"] = _start.Defaults.Workers.ToString(CultureInfo.InvariantCulture),
            ["DEFAULT_RESYNC"] = $"{(long)_start.Defaults.Resync.TotalMilliseconds}ms",
            ["FAILURE_THRESHOLD"] = _start.Defaults.FailureThreshold.ToString(CultureInfo.InvariantCulture),
        };
        if (_start.Defaults.ReconcileTimeout != new RuntimeDefaults().ReconcileTimeout)
            throw new ArgumentException("ork run has no setting for the reconcile timeout; run such a test in process");
        string[] args = ["run", .. _start.KatalogFiles.SelectMany(f => new[] { "-k", Repo.Path(f) }), .. Arguments()];
        var process = OrkProcess.Start(args, environment);
        _process = process;
        await Bounded.UntilAsync(() => process.Address is not null || process.HasExited, "ork run to serve HTTP", Timeout,
            () => process.Output);
        if (process.Address is null) Assert.Fail($"ork run ended at start:\n{process.Output}");
        Http.BaseAddress = process.Address;
    }

    /// <summary>Starts <c>ork run</c> for <c>samples/NAME/katalog.yaml</c>, waits until it is ready, applies the sample's
    /// <c>cr.yaml</c> with kubectl and, when <paramref name="ready"/> names CRs (<c>website/hello</c>), waits until they are Ready.</summary>
    public static async Task<RunningOperators> SampleAsync(string name, params string[] ready) =>
        await SampleAsync(name, Launch.InProcess, null, ready);

    public static async Task<RunningOperators> SampleAsync(string name, Launch launch, RuntimeDefaults? defaults, params string[] ready)
    {
        var ork = await StartAsync([$"samples/{name}/katalog.yaml"], defaults, launch: launch);
        try
        {
            await ork.WaitReadyAsync();
            await ork.OkAsync($"apply -f {Repo.Path($"samples/{name}/cr.yaml")}");
            if (ready.Length > 0) await ork.OkAsync($"wait --for=condition=Ready {string.Join(' ', ready)} --timeout=60s");
            return ork;
        }
        catch
        {
            await ork.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until every operator's caches are synced (/readyz answers 200).</summary>
    public Task WaitReadyAsync() => EventuallyAsync(async () => (await Http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "/readyz to answer 200");

    /// <summary>Whether this <c>ork run</c> holds the Lease (/katalog's <c>leader</c>); null when it does not answer.</summary>
    public async Task<bool?> LeadingAsync()
    {
        try
        {
            return (bool?)JsonNode.Parse(await Http.GetStringAsync("/katalog"))?["leader"];
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    public Task<KubectlResult> KubectlAsync(string arguments, string? stdin = null) => Sandbox.KubectlAsync(arguments, stdin, Timeout);

    /// <summary>kubectl that must succeed; returns stdout.</summary>
    public async Task<string> OkAsync(string arguments, string? stdin = null)
    {
        var result = await KubectlAsync(arguments, stdin);
        if (result.ExitCode != 0) Assert.Fail($"kubectl {arguments} failed: {result}\n--- ork logs ---\n{Logs}");
        return result.Stdout;
    }

    /// <summary>The object as JSON via kubectl, or null when it does not exist.</summary>
    public async Task<JsonNode?> GetAsync(string resource, string name, string? ns = "default")
    {
        var result = await KubectlAsync($"get {resource} {name} {(ns is null ? "" : "-n " + ns)} -o json");
        if (result.ExitCode != 0)
        {
            if (result.Stderr.Contains("NotFound", StringComparison.Ordinal)) return null;
            Assert.Fail($"kubectl get {resource} {name}: {result}");
        }
        return JsonNode.Parse(result.Stdout);
    }

    /// <summary>The Ready condition of a CR (status, reason, message), or null.</summary>
    public async Task<JsonNode?> ReadyAsync(string resource, string name, string ns = "default") =>
        (await GetAsync(resource, name, ns))?["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c?["type"] == "Ready");

    /// <summary>Polls <paramref name="condition"/> (bounded, default <see cref="Timeout"/>); fails with the logs.</summary>
    public Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        Bounded.UntilAsync(condition, what, timeout ?? Timeout, () => "--- ork logs ---\n" + Logs);

    public async Task<string> MetricsAsync() => await Http.GetStringAsync("/metrics");

    /// <summary>Stops <c>ork run</c> like SIGTERM does (a process gets SIGTERM) and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (_exitCode is { } done) return done;
        if (_process is { } process) _exitCode = await process.TerminateAsync(Timeout);
        else
        {
            await _stop.CancelAsync();
            _exitCode = _run is null ? 0 : await _run.WaitAsync(Timeout);
        }
        return _exitCode.Value;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
                TestContext.Out.WriteLine("--- ork logs ---\n" + Logs);
            Http.Dispose();
            _process?.Dispose();
            if (_ownsSandbox) await Sandbox.DisposeAsync();
        }
    }
}
