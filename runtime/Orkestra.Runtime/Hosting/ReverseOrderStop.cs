namespace Orkestra.Runtime.Hosting;

/// <summary>
/// Runs every operator's workers at once and stops them in reverse dependency order: when <c>leading</c> is cancelled,
/// an operator is told to stop only once every operator that depends on it (<c>dependsOn</c>) has stopped, so a
/// dependent never reconciles against a dependency that is already gone. <c>drainEnd</c> (the shutdown budget's drain
/// mark) stops every operator still running, whatever its dependents do. Dependencies are acyclic (checked at load).
/// </summary>
internal static class ReverseOrderStop
{
    public static async Task RunAsync<T>(IReadOnlyList<T> nodes, Func<T, IEnumerable<T>> dependencies,
        Func<T, CancellationToken, Task> run, CancellationToken leading, CancellationToken drainEnd) where T : notnull
    {
        var dependents = nodes.ToDictionary(n => n, _ => new List<T>());
        foreach (var node in nodes)
        {
            foreach (var dependency in dependencies(node))
                if (dependents.TryGetValue(dependency, out var list)) list.Add(node);
        }
        var stops = nodes.ToDictionary(n => n, _ => new CancellationTokenSource());
        using var finished = new CancellationTokenSource();
        var runs = nodes.ToDictionary(n => n, n => run(n, stops[n].Token));
        var order = nodes.Select(async node =>
        {
            await Task.WhenAny(Cancelled(leading), Cancelled(finished.Token)).ConfigureAwait(false);
            if (!leading.IsCancellationRequested) return;
            var after = Task.WhenAll(dependents[node].Select(d => runs[d]));
            await Task.WhenAny(after, Cancelled(drainEnd), Cancelled(finished.Token)).ConfigureAwait(false);
            await stops[node].CancelAsync().ConfigureAwait(false);
        }).ToArray();
        try
        {
            await Task.WhenAll(runs.Values).ConfigureAwait(false);
        }
        finally
        {
            // Every run ended (after the stop, or each on its own): the order tasks still waiting end too.
            await finished.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(order).ConfigureAwait(false);
            foreach (var stop in stops.Values) stop.Dispose();
        }
    }

    /// <summary>Completes (never faults) when <paramref name="token"/> is cancelled.</summary>
    private static Task Cancelled(CancellationToken token) =>
        Task.Delay(Timeout.Infinite, token).ContinueWith(static _ => { }, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
