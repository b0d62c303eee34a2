using System.Globalization;

namespace Orkestra.Footprint.Runs;

/// <summary>
/// The baseline: one <c>bench/Orkestra.Baseline</c> process per CRD (JIT, KubernetesClient, default runtime
/// settings), started together. Synced = every process printed <c>synced</c>. Reconcile counts are printed on exit.
/// </summary>
internal sealed class BaselineOperators(string baselineDll, IReadOnlyList<WidgetType> types, string kubeconfig) : IOperatorsUnderTest
{
    readonly List<ChildProcess> _processes = [];

    public string System => "baseline";
    public IReadOnlyList<int> Pids => _processes.Select(p => p.Pid).ToArray();

    public async Task<TimeSpan> StartAsync(CancellationToken cancellation)
    {
        foreach (var t in types)
        {
            _processes.Add(ChildProcess.Start($"baseline {t.Kind}", "dotnet",
                [baselineDll, "--kubeconfig", kubeconfig, "--group", Workload.Group, "--version", Workload.Version, "--plural", t.Plural, "--kind", t.Kind]));
        }
        var first = _processes[0];
        foreach (var p in _processes)
            await p.WaitForLineAsync(l => l == "synced", TimeSpan.FromSeconds(120), cancellation).ConfigureAwait(false);
        return first.SinceStart;
    }

    public Task<long?> ReconcilesAsync(CancellationToken cancellation) => Task.FromResult<long?>(null);

    public Task<(long Bytes, string Source)?> GcHeapAsync(CancellationToken cancellation) => Task.FromResult<(long, string)?>(null);

    public async Task<(long? Reconciles, bool CleanExit)> StopAsync()
    {
        var codes = await Task.WhenAll(_processes.Select(p => p.StopAsync(TimeSpan.FromSeconds(10)))).ConfigureAwait(false);
        long total = 0;
        foreach (var p in _processes)
        {
            var line = p.Lines.LastOrDefault(l => l.StartsWith("reconciles=", StringComparison.Ordinal));
            if (line is null) return (null, false);
            total += long.Parse(line.Split(' ')[0]["reconciles=".Length..], NumberStyles.None, CultureInfo.InvariantCulture);
        }
        return (total, codes.All(c => c == 0));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _processes) await p.DisposeAsync().ConfigureAwait(false);
    }
}
