using System.Diagnostics;
using Orkestra.Footprint.Cluster;
using Orkestra.Footprint.Measurement;
using Orkestra.Footprint.Results;

namespace Orkestra.Footprint.Runs;

/// <summary>How long each phase may take or lasts.</summary>
internal sealed record RunOptions(TimeSpan Idle, TimeSpan Resync, int ApplyParallelism = 8)
{
    /// <summary>Extra environment for the ork process (runtime settings under test); empty = the shipped defaults.</summary>
    public IReadOnlyDictionary<string, string> OrkEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Extra <c>ork run</c> arguments (e.g. a client QPS); empty = its defaults.</summary>
    public IReadOnlyList<string> OrkArguments { get; init; } = [];

    public TimeSpan ReadyTimeout(Scenario s) => TimeSpan.FromSeconds(60 + s.TotalCrs * 0.1);
    public TimeSpan ResyncTimeout => Resync * 2 + TimeSpan.FromSeconds(20);
}

/// <summary>
/// One measurement: a fresh sandbox process with the scenario's CRDs Established, the system under test started
/// against it, M CRs per CRD applied, every CR Ready, an idle period, then memory from /proc, writes while idle,
/// and (when the system resyncs) the writes of one full resync. Every wait is bounded; failures are recorded in
/// <see cref="RunResult.Error"/>, never hidden.
/// </summary>
internal static class ScenarioRunner
{
    public static async Task<RunResult> RunAsync(string ork, Func<IReadOnlyList<WidgetType>, string, IOperatorsUnderTest> create,
        string system, Scenario scenario, RunOptions options, string workDirectory, TextWriter log, CancellationToken cancellation)
    {
        var result = new RunResult(system, scenario);
        if (system == "ork")
        {
            result.Environment = options.OrkEnvironment;
            result.Arguments = options.OrkArguments;
        }
        var directory = Path.Combine(workDirectory, $"{system}-{scenario.Name}");
        Directory.CreateDirectory(directory);
        var types = Workload.Types(scenario.Crds);
        log.WriteLine($"[{system} {scenario.Name}] starting sandbox");
        await using var sandbox = await Sandbox.StartAsync(ork, directory, cancellation).ConfigureAwait(false);
        foreach (var t in types) await sandbox.CreateAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Workload.Crd(t), cancellation).ConfigureAwait(false);
        foreach (var t in types) await sandbox.WaitEstablishedAsync(t.CrdName, TimeSpan.FromSeconds(30), cancellation).ConfigureAwait(false);

        await using var operators = create(types, sandbox.KubeconfigPath);
        TimeSpan? ramp = null;
        try
        {
            var synced = await operators.StartAsync(cancellation).ConfigureAwait(false);
            result.Processes = operators.Pids.Count;
            result.StartToSyncedMs = synced.TotalMilliseconds;
            log.WriteLine($"[{system} {scenario.Name}] {operators.Pids.Count} process(es) synced in {synced.TotalMilliseconds:0} ms");

            var r0 = await operators.ReconcilesAsync(cancellation).ConfigureAwait(false);
            var c0 = await sandbox.OperatorRequestsAsync(cancellation).ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            await ApplyAsync(sandbox, types, scenario, options, cancellation).ConfigureAwait(false);
            await WaitAllReadyAsync(sandbox, types, scenario, options.ReadyTimeout(scenario), cancellation).ConfigureAwait(false);
            ramp = clock.Elapsed;
            var c1 = await sandbox.OperatorRequestsAsync(cancellation).ConfigureAwait(false);
            var r1 = await operators.ReconcilesAsync(cancellation).ConfigureAwait(false);
            if (scenario.TotalCrs > 0) result.ApplyToReadyMs = ramp.Value.TotalMilliseconds;
            result.RampRequests = (c1 - c0).Total;
            result.RampWrites = (c1 - c0).Writes;
            if (r0 is not null && r1 is not null && scenario.TotalCrs > 0) SetRampRates(result, r1.Value - r0.Value, ramp.Value);
            var (settle, tailWrites, c1Settled) = await SettleAsync(sandbox, c1, cancellation).ConfigureAwait(false);
            result.SettleMs = settle.TotalMilliseconds;
            result.TailWrites = tailWrites;
            c1 = c1Settled;
            log.WriteLine($"[{system} {scenario.Name}] {scenario.TotalCrs} CRs Ready in {ramp.Value.TotalMilliseconds:0} ms; " +
                          $"writes settled {settle.TotalMilliseconds:0} ms later ({tailWrites} more); idling {options.Idle.TotalSeconds:0} s");

            await Task.Delay(options.Idle, cancellation).ConfigureAwait(false);
            var c2 = await sandbox.OperatorRequestsAsync(cancellation).ConfigureAwait(false);
            result.IdleWrites = (c2 - c1).Writes;
            if (r1 is null) result.Notes.Add("resync: this system has no periodic resync (a conventional Watch loop only re-lists after 410)");
            else if (scenario.TotalCrs == 0) result.ResyncWrites = (c2 - c1).Writes;
            else
            {
                await MeasureResyncAsync(sandbox, operators, scenario, options, result, log, cancellation).ConfigureAwait(false);
                // The steady state includes the periodic work: memory is read after a full resync and another idle
                // period, so whatever a resync touches (code paged back in after ork's start-up release, buffers) counts.
                await Task.Delay(options.Idle, cancellation).ConfigureAwait(false);
            }

            result.Steady = MemoryFigures.Sum(operators.Pids.Select(pid => (ProcFs.ReadStatus(pid), ProcFs.ReadSmapsRollup(pid))));
            var heap = await operators.GcHeapAsync(cancellation).ConfigureAwait(false);
            if (heap is null) result.Notes.Add("GC heap: not exposed by this system's process (no metrics endpoint)");
            else if (heap.Value.Bytes == 0) result.Notes.Add($"GC heap: {heap.Value.Source} is 0 — the heap size after the last GC, and no GC has run yet");
            else
            {
                result.GcHeapBytes = heap.Value.Bytes;
                result.GcHeapSource = heap.Value.Source;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            result.Error = e.Message;
            log.WriteLine($"[{system} {scenario.Name}] FAILED: {e.Message}");
        }
        finally
        {
            var (reconciles, clean) = await operators.StopAsync().ConfigureAwait(false);
            result.CleanExit = clean;
            if (reconciles is not null && ramp is not null && scenario.TotalCrs > 0 && result.Error is null)
            {
                SetRampRates(result, reconciles.Value, ramp.Value);
                result.Notes.Add("reconciles: as reported by the processes on exit (the whole run; none are expected while idle)");
            }
            if (!clean) result.Notes.Add("a process did not exit 0 on SIGTERM within 10 s");
        }
        return result;
    }

    /// <summary>
    /// Once every CR is Ready an operator may still be writing (events, children behind a client rate limit): waits
    /// until no write has been seen for <see cref="QuietPeriod"/> (bounded by <see cref="SettleTimeout"/>), so the
    /// idle period that follows measures a steady state. Returns the time to the last write, the writes after Ready,
    /// and the counts at the end.
    /// </summary>
    static async Task<(TimeSpan Settle, long TailWrites, ApiCounts Counts)> SettleAsync(Sandbox sandbox, ApiCounts ready, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var last = ready;
        var lastChange = TimeSpan.Zero;
        while (clock.Elapsed < SettleTimeout)
        {
            await Task.Delay(500, cancellation).ConfigureAwait(false);
            var now = await sandbox.OperatorRequestsAsync(cancellation).ConfigureAwait(false);
            if (now.Writes != last.Writes) lastChange = clock.Elapsed;
            last = now;
            if (clock.Elapsed - lastChange >= QuietPeriod) return (lastChange, last.Writes - ready.Writes, last);
        }
        throw new TimeoutException($"the operator kept writing for {SettleTimeout.TotalSeconds:0} s after every CR was Ready ({last.Writes - ready.Writes} writes)");
    }

    /// <summary>Longer than ork's Event count-update interval (EventRecorder.MinUpdateInterval, 10 s): an Event repeated
    /// during the ramp has its count written up to 10 s after the repeat, and that write belongs to the ramp, not to
    /// the idle period or the resync measured after it.</summary>
    static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(11);
    static readonly TimeSpan SettleTimeout = TimeSpan.FromMinutes(3);

    static void SetRampRates(RunResult result, long reconciles, TimeSpan ramp)
    {
        result.Reconciles = reconciles;
        result.ReconcilesPerSecond = reconciles / ramp.TotalSeconds;
        if (reconciles > 0 && result.RampRequests is { } requests) result.RequestsPerReconcile = (double)requests / reconciles;
    }

    static async Task ApplyAsync(Sandbox sandbox, IReadOnlyList<WidgetType> types, Scenario scenario, RunOptions options, CancellationToken cancellation)
    {
        // Interleave CRDs so every operator ramps at once, as a cluster full of tenants would.
        var work = Enumerable.Range(0, scenario.CrsPerCrd).SelectMany(i => types.Select(t => (t, i)));
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = options.ApplyParallelism, CancellationToken = cancellation },
            async (item, ct) => await sandbox.CreateAsync(item.t.CreatePath(Workload.Namespace), Workload.Cr(item.t, item.i), ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    static async Task WaitAllReadyAsync(Sandbox sandbox, IReadOnlyList<WidgetType> types, Scenario scenario, TimeSpan timeout, CancellationToken cancellation)
    {
        if (scenario.TotalCrs == 0) return;
        var clock = Stopwatch.StartNew();
        var ready = 0;
        while (clock.Elapsed < timeout)
        {
            ready = 0;
            foreach (var t in types) ready += (await sandbox.CountReadyAsync(t.ListPath, cancellation).ConfigureAwait(false)).Ready;
            if (ready == scenario.TotalCrs) return;
            await Task.Delay(100, cancellation).ConfigureAwait(false);
        }
        throw new TimeoutException($"{ready} of {scenario.TotalCrs} CRs Ready after {timeout.TotalSeconds:0} s");
    }

    /// <summary>
    /// Waits (bounded) until the reconcile counter has grown by at least one reconcile per CR — one full resync of a
    /// converged cluster — and records the writes the operator sent meanwhile (must be 0).
    /// </summary>
    static async Task MeasureResyncAsync(Sandbox sandbox, IOperatorsUnderTest operators, Scenario scenario, RunOptions options, RunResult result, TextWriter log, CancellationToken cancellation)
    {
        var before = await sandbox.OperatorRequestsAsync(cancellation).ConfigureAwait(false);
        var start = await operators.ReconcilesAsync(cancellation).ConfigureAwait(false) ?? 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < options.ResyncTimeout)
        {
            var now = await operators.ReconcilesAsync(cancellation).ConfigureAwait(false) ?? 0;
            if (now - start >= scenario.TotalCrs)
            {
                // Let the last reconciles' writes (if any) land before counting.
                await Task.Delay(500, cancellation).ConfigureAwait(false);
                var after = await sandbox.OperatorRequestsAsync(cancellation).ConfigureAwait(false);
                result.ResyncWrites = (after - before).Writes;
                if (result.ResyncWrites > 0)
                {
                    var writes = await sandbox.RecentWritesAsync((int)Math.Min(result.ResyncWrites.Value, 10), cancellation).ConfigureAwait(false);
                    result.Notes.Add($"writes during the resync (last {writes.Count}): {string.Join(", ", writes)}");
                }
                log.WriteLine($"[{result.System} {scenario.Name}] full resync: {now - start} reconciles, {result.ResyncWrites} writes");
                return;
            }
            await Task.Delay(250, cancellation).ConfigureAwait(false);
        }
        result.Notes.Add($"resync: fewer than {scenario.TotalCrs} reconciles within {options.ResyncTimeout.TotalSeconds:0} s; resync writes not measured");
    }
}
