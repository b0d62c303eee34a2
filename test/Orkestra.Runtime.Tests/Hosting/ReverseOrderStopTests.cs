using Orkestra.Runtime.Hosting;

namespace Orkestra.Runtime.Tests.Hosting;

/// <summary>Operators stop in reverse dependency order: a dependency is told to stop only after its dependents ended.</summary>
public sealed class ReverseOrderStopTests
{
    private static readonly Dictionary<string, string[]> Chain = new()
    {
        ["database"] = [], ["backend"] = ["database"], ["frontend"] = ["backend"], ["cache"] = [],
    };

    [Test]
    public async Task Dependents_stop_before_the_operators_they_depend_on()
    {
        var stopped = new List<string>();
        using var leading = new CancellationTokenSource();
        var started = 0;
        var run = ReverseOrderStop.RunAsync(Chain.Keys.ToArray(), n => Chain[n], async (name, stop) =>
        {
            Interlocked.Increment(ref started);
            await Task.Delay(Timeout.Infinite, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            lock (stopped) stopped.Add(name);
        }, leading.Token, CancellationToken.None);
        started.ShouldBe(4, "every operator runs at once");
        stopped.ShouldBeEmpty();

        await leading.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        stopped.IndexOf("frontend").ShouldBeLessThan(stopped.IndexOf("backend"));
        stopped.IndexOf("backend").ShouldBeLessThan(stopped.IndexOf("database"));
        stopped.Count.ShouldBe(4);
    }

    [Test]
    public async Task The_drain_mark_stops_a_dependency_whose_dependent_does_not_end()
    {
        using var leading = new CancellationTokenSource();
        using var drainEnd = new CancellationTokenSource();
        using var release = new CancellationTokenSource();
        var databaseStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = ReverseOrderStop.RunAsync(["database", "backend"], n => n == "backend" ? ["database"] : [], async (name, stop) =>
        {
            if (name == "backend")
            {
                await Task.Delay(Timeout.Infinite, release.Token).ContinueWith(_ => { }, TaskScheduler.Default);   // ignores its stop
                return;
            }
            await Task.Delay(Timeout.Infinite, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            databaseStopped.TrySetResult();
        }, leading.Token, drainEnd.Token);

        await leading.CancelAsync();
        (await Task.WhenAny(databaseStopped.Task, Task.Delay(200))).ShouldNotBe(databaseStopped.Task,
            "the database waits for its dependent");
        await drainEnd.CancelAsync();
        await databaseStopped.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await release.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Test]
    public async Task Runs_that_end_on_their_own_end_the_whole_run_without_a_stop()
    {
        using var leading = new CancellationTokenSource();
        await ReverseOrderStop.RunAsync(Chain.Keys.ToArray(), n => Chain[n], (_, _) => Task.CompletedTask, leading.Token,
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
    }
}
