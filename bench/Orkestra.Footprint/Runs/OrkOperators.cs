using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Orkestra.Footprint.Measurement;

namespace Orkestra.Footprint.Runs;

/// <summary>
/// The AOT <c>ork run</c> serving every CRD of the Katalog in one process, with <c>--apply never</c> (the harness
/// created the CRDs), <c>--leader-elect=false</c>, warning-level logs and HTTP on 127.0.0.1 only, plus any
/// <see cref="RunOptions.OrkArguments"/>. Synced = <c>/readyz</c> answers 200.
/// </summary>
internal sealed class OrkOperators(string ork, string katalog, string kubeconfig, IReadOnlyDictionary<string, string> environment,
    IReadOnlyList<string> extraArguments) : IOperatorsUnderTest
{
    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    ChildProcess? _process;
    int _port;

    public string System => "ork";
    public IReadOnlyList<int> Pids => _process is null ? [] : [_process.Pid];

    /// <summary>The HTTPS webhook port given to <c>ork run</c> (served only when the Katalog declares webhooks).</summary>
    public int WebhookPort { get; private set; }

    /// <summary>Null when this ork has a run command; otherwise why the scenario cannot run.</summary>
    public static string? MissingRunCommand(string ork)
    {
        using var help = Process.Start(new ProcessStartInfo(ork, "--help") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var text = help.StandardOutput.ReadToEnd();
        if (!help.WaitForExit(10_000)) help.Kill();
        return text.Split('\n').Any(l => l.StartsWith("  run ", StringComparison.Ordinal))
            ? null
            : $"`ork run` is not in this build ({ork} --help lists no run command); the ork side of the scenario cannot run";
    }

    public async Task<TimeSpan> StartAsync(CancellationToken cancellation)
    {
        _port = FreePort();
        WebhookPort = FreePort();
        // The webhook port is used only when the Katalog declares webhooks (then ork registers it with the sandbox).
        _process = ChildProcess.Start("ork run", ork,
            ["run", "-k", katalog, "--kubeconfig", kubeconfig, "--port", _port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
             "--webhook-port", WebhookPort.ToString(CultureInfo.InvariantCulture),
             "--leader-elect=false", "--apply", "never", "--log-level", "warning", .. extraArguments], environment);
        var timeout = TimeSpan.FromSeconds(60);
        while (_process.SinceStart < timeout)
        {
            if (_process.HasExited) throw new InvalidOperationException($"ork run exited with {_process.ExitCode} before /readyz was 200:\n{_process.Tail()}");
            try
            {
                using var response = await _http.GetAsync(Url("/readyz"), cancellation).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK) return _process.SinceStart;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(2, cancellation).ConfigureAwait(false);
        }
        throw new TimeoutException($"ork run: /readyz not 200 after {timeout.TotalSeconds:0} s:\n{_process.Tail()}");
    }

    public async Task<long?> ReconcilesAsync(CancellationToken cancellation)
    {
        var samples = await MetricsAsync(cancellation).ConfigureAwait(false);
        var total = PrometheusText.Sum(samples, "controller_reconcile_total")
            ?? throw new InvalidOperationException("ork /metrics has no controller_reconcile_total");
        return (long)total;
    }

    public async Task<(long Bytes, string Source)?> GcHeapAsync(CancellationToken cancellation)
    {
        var samples = await MetricsAsync(cancellation).ConfigureAwait(false);
        return PrometheusText.First(samples, "dotnet_gc_heap_size_bytes", "dotnet_total_memory_bytes", "process_runtime_dotnet_gc_heap_size_bytes") is { } found
            ? ((long)found.Value, found.Name)
            : null;
    }

    async Task<IReadOnlyList<MetricSample>> MetricsAsync(CancellationToken cancellation) =>
        PrometheusText.Parse(await _http.GetStringAsync(Url("/metrics"), cancellation).ConfigureAwait(false));

    public async Task<(long? Reconciles, bool CleanExit)> StopAsync()
    {
        if (_process is null) return (null, true);
        var code = await _process.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        return (null, code == 0);
    }

    Uri Url(string path) => new($"http://127.0.0.1:{_port}{path}");

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_process is not null) await _process.DisposeAsync().ConfigureAwait(false);
    }
}
