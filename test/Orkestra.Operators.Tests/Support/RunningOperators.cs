using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Orkestra.Katalog.Compilation;
using Orkestra.Kube.Connection;
using Orkestra.Runtime.Cluster;
using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Hosting;
using Orkestra.Runtime.Observability;
using Orkestra.Sandbox;
using Prometheus;

namespace Orkestra.Operators.Tests.Support;

/// <summary>
/// One test's world: its own sandbox (random loopback port, kubectl with a fresh cache dir) and the real
/// <see cref="OperatorHost"/> of <c>ork run</c> for the given Katalogs, connected over HTTPS with the sandbox's kubeconfig.
/// Logs are kept in memory and printed when a test fails. Dispose stops the host (graceful drain) and the sandbox.
/// </summary>
internal sealed class RunningOperators : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _stop = new();
    private readonly StringWriter _log = new();
    private Task<int>? _run;

    private RunningOperators(TestSandbox sandbox) => Sandbox = sandbox;

    public TestSandbox Sandbox { get; }

    public OperatorHost Host { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public string Logs
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>Starts a sandbox and <c>ork run</c> for <paramref name="katalogFiles"/> (paths relative to the repository root).</summary>
    public static async Task<RunningOperators> StartAsync(string[] katalogFiles, RuntimeDefaults? defaults = null, SandboxOptions? sandbox = null,
        ApplyMode apply = ApplyMode.Always, Func<string, IReconciler, IReconciler>? wrap = null)
    {
        var world = new RunningOperators(await TestSandbox.StartAsync(sandbox));
        try
        {
            var compiled = KatalogCompiler.CompileFiles(katalogFiles.Select(Repo.Path).ToArray());
            compiled.Diagnostics.Where(d => d.Severity == Katalog.Diagnostics.DiagnosticSeverity.Error).ShouldBeEmpty();
            compiled.Katalogs.SelectMany(RuntimeSupport.Check).ShouldBeEmpty();
            var metrics = new RuntimeMetrics(new CollectorRegistry());
            var connection = KubeConnection.Create(new KubeConnectionOptions
            {
                KubeconfigPath = world.Sandbox.KubeconfigPath,
                Qps = 0,
                Metrics = new KubeMetricsBridge(metrics),
            });
            var logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug)
                .AddProvider(new LineLoggerProvider(TextWriter.Synchronized(world._log), LogFormat.Text, LogLevel.Debug)));
            world.Host = new OperatorHost(compiled.Katalogs, connection, new RuntimeOptions
            {
                Port = 0,
                BindAddress = IPAddress.Loopback,
                Apply = apply,
                Defaults = defaults ?? new RuntimeDefaults(),
                Drain = TimeSpan.FromSeconds(5),
                Logs = logs,
                WrapReconciler = wrap,
            }, metrics);
            world._run = Task.Run(async () =>
            {
                try
                {
                    return await world.Host.RunAsync(world._stop.Token);
                }
                finally
                {
                    connection.Dispose();
                    logs.Dispose();
                }
            });
            await Task.WhenAny(world.Host.Started, world._run).WaitAsync(Timeout);
            if (world._run.IsCompleted) Assert.Fail($"ork run ended at start (exit {await world._run}):\n{world.Logs}");
            world.Http.BaseAddress = world.Host.Address;
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts <c>ork run</c> for <c>samples/NAME/katalog.yaml</c>, waits until it is ready, applies the sample's
    /// <c>cr.yaml</c> with kubectl and, when <paramref name="ready"/> names CRs (<c>website/hello</c>), waits until they are Ready.</summary>
    public static async Task<RunningOperators> SampleAsync(string name, params string[] ready) => await SampleAsync(name, null, ready);

    public static async Task<RunningOperators> SampleAsync(string name, RuntimeDefaults? defaults, params string[] ready)
    {
        var ork = await StartAsync([$"samples/{name}/katalog.yaml"], defaults);
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

    public async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        Assert.Fail($"timed out waiting for {what}\n--- ork logs ---\n{Logs}");
    }

    public async Task<string> MetricsAsync() => await Http.GetStringAsync("/metrics");

    /// <summary>Stops <c>ork run</c> like SIGTERM does and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return _run is null ? 0 : await _run.WaitAsync(Timeout);
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
            await Sandbox.DisposeAsync();
        }
    }
}
