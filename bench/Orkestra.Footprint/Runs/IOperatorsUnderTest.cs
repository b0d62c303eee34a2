namespace Orkestra.Footprint.Runs;

/// <summary>
/// The operator process(es) a scenario measures: <c>ork run</c> (one process, every CRD) or the baseline (one
/// conventional process per CRD). Started against a sandbox whose CRDs are already Established.
/// </summary>
internal interface IOperatorsUnderTest : IAsyncDisposable
{
    /// <summary>"ork" or "baseline".</summary>
    string System { get; }

    IReadOnlyList<int> Pids { get; }

    /// <summary>Starts the process(es) and returns when every informer cache is synced; the time from the first process start.</summary>
    Task<TimeSpan> StartAsync(CancellationToken cancellation);

    /// <summary>Reconciles finished so far (any result), or null when the system only reports it on exit.</summary>
    Task<long?> ReconcilesAsync(CancellationToken cancellation);

    /// <summary>Managed heap size and the metric it came from, or null when not exposed.</summary>
    Task<(long Bytes, string Source)?> GcHeapAsync(CancellationToken cancellation);

    /// <summary>Stops gracefully (SIGTERM); returns reconciles reported on exit (baseline) and whether every process exited 0.</summary>
    Task<(long? Reconciles, bool CleanExit)> StopAsync();
}
