using System.Diagnostics;
using Orkestra.Operators.Tests.Support;

namespace Orkestra.Operators.Tests;

/// <summary>
/// SIGTERM while the API server answers every request after one second and Events are piling up: the stop keeps to
/// its one deadline (<c>--shutdown-timeout</c>) and exits 0. Without the deadline it took the drain, then one second
/// per pending Event, then the Lease (29 s in issue 15). The bound asserted is the deadline plus slack for a loaded
/// machine, far below what an unbounded flush of the pending Events costs.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ShutdownTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(4);

    [Test]
    public async Task A_stop_under_one_second_of_API_latency_exits_zero_within_the_shutdown_timeout()
    {
        await using var ork = await RunningOperators.StartAsync(["test/Orkestra.Operators.Tests/Katalogs/resilience/katalog.yaml"],
            arguments: ["--shutdown-timeout", $"{Deadline.TotalSeconds}s"]);
        await ork.WaitReadyAsync();
        var sandbox = ork.Sandbox;
        sandbox.Server.Faults.SetLatency(TimeSpan.FromSeconds(1), "events");
        for (var i = 0; i < 20; i++)
        {
            var body = $$$"""{"apiVersion":"test.orkestra.io/v1","kind":"Item","metadata":{"name":"item-{{{i}}}","namespace":"default"},"spec":{"value":"v"}}""";
            var (code, response, _) = await sandbox.SendAsync(HttpMethod.Post, "/apis/test.orkestra.io/v1/namespaces/default/items", body);
            code.ShouldBe(201, response?.ToJsonString());
        }
        // Every Item is reconciled at once; its Events queue up behind the one-second writes.
        await ork.EventuallyAsync(() => Task.FromResult(sandbox.Server.RequestLog.Records.Count(r => r.Resource == "configmaps") >= 20),
            "every Item's ConfigMap to be applied");
        sandbox.Server.Faults.SetLatency(TimeSpan.FromSeconds(1));

        var clock = Stopwatch.StartNew();
        var exit = await ork.StopAsync();
        clock.Stop();
        sandbox.Server.Faults.Reset();

        exit.ShouldBe(0);
        clock.Elapsed.ShouldBeLessThan(Deadline + TimeSpan.FromSeconds(4), ork.Logs);
    }
}
