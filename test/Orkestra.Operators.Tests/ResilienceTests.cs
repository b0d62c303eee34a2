using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Operators.Tests.Support;
using Orkestra.Runtime;
using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Hosting;

namespace Orkestra.Operators.Tests;

/// <summary>
/// 500 CR changes while the sandbox drops watches, expires its history (410 on resume), answers bursts of 429 and
/// 500, and pauses like a restarting API server: every CR converges to its last spec, and no key is ever reconciled
/// by two workers at once (checked on every call through a reconciler wrapper).
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ResilienceTests
{
    private const int Items = 100;
    private const int Rounds = 5;   // 100 creates + 400 updates = 500 changes

    [Test]
    public async Task Every_CR_converges_through_watch_drops_410s_429_and_500_bursts_and_a_paused_server()
    {
        var guard = new ExclusiveGuard();
        await using var ork = await RunningOperators.StartAsync(["test/Orkestra.Operators.Tests/Katalogs/resilience/katalog.yaml"],
            new RuntimeDefaults { Resync = TimeSpan.FromSeconds(2) }, wrap: (_, inner) => new GuardedReconciler(inner, guard));
        await ork.WaitReadyAsync();
        var sandbox = ork.Sandbox;
        var faults = sandbox.Server.Faults;

        var changes = 0;
        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < Items; i++)
            {
                var body = $$$"""{"apiVersion":"test.orkestra.io/v1","kind":"Item","metadata":{"name":"item-{{{i}}}","namespace":"default"},"spec":{"value":"v{{{round}}}"}}""";
                var (code, response, _) = round == 0
                    ? await sandbox.SendAsync(HttpMethod.Post, "/apis/test.orkestra.io/v1/namespaces/default/items", body)
                    : await sandbox.SendAsync(HttpMethod.Patch, $"/apis/test.orkestra.io/v1/namespaces/default/items/item-{i}",
                        $$$"""{"spec":{"value":"v{{{round}}}"}}""", "application/merge-patch+json");
                code.ShouldBeInRange(200, 201, response?.ToJsonString());
                if (++changes % 50 == 0) await InjectAsync(changes / 50, faults);
            }
        }
        faults.Reset();

        await ork.EventuallyAsync(async () => await ConvergedAsync(sandbox, $"v{Rounds - 1}"), "every Item and its ConfigMap to hold the last value",
            TimeSpan.FromSeconds(120));
        guard.Violations.ShouldBeEmpty("a key was reconciled by two workers at once");
        // The faults reached the operator: it saw throttling, server errors and restarted watches, and still converged.
        var metrics = await ork.MetricsAsync();
        metrics.ShouldContain("code=\"429\"");
        metrics.ShouldContain("code=\"500\"");
        metrics.ShouldMatch(@"orkestra_watch_restarts_total\{resource=""test.orkestra.io/v1/items""\} [1-9]");
        guard.Calls.ShouldBeGreaterThanOrEqualTo(Items);
    }

    /// <summary>The n-th fault, round robin over every kind the sandbox can inject.</summary>
    private static async Task InjectAsync(int n, Sandbox.Faults.FaultInjector faults)
    {
        switch (n % 5)
        {
            case 0: faults.CloseWatches(); break;
            case 1: faults.ExpireHistory(); faults.CloseWatches(); break;
            // Bursts aimed at the operator's own traffic (the test's writes go to items): applies and list/watch of
            // the child kind, and the CR watch.
            case 2: faults.FailNext(20, 429, resource: "configmaps"); break;
            case 3:
                faults.FailNext(10, 500, resource: "configmaps");
                faults.FailNext(5, 500, verb: "watch", resource: "items");
                break;
            case 4:
                faults.Pause();
                await Task.Delay(300);   // the outage itself, not a wait for a condition
                faults.Resume();
                break;
        }
    }

    private static async Task<bool> ConvergedAsync(TestSandbox sandbox, string value)
    {
        var (itemsCode, items, _) = await sandbox.GetAsync("/apis/test.orkestra.io/v1/namespaces/default/items");
        var (mapsCode, maps, _) = await sandbox.GetAsync("/api/v1/namespaces/default/configmaps?labelSelector=orkestra.orkspace.io%2Fmanaged%3Dtrue");
        if (itemsCode != 200 || mapsCode != 200) return false;
        var cms = maps!["items"]!.AsArray().ToDictionary(m => (string)m!["metadata"]!["name"]!, m => (string?)m!["data"]?["value"]);
        var crs = items!["items"]!.AsArray();
        return crs.Count == Items && crs.All(cr =>
        {
            var status = cr!["status"];
            var ready = status?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == "Ready");
            return (string?)status?["value"] == value && (string?)ready?["status"] == "True"
                   && (long?)status?["observedGeneration"] == (long?)cr["metadata"]!["generation"]
                   && cms.GetValueOrDefault((string)cr["metadata"]!["name"]!) == value;
        });
    }

    private sealed class ExclusiveGuard
    {
        private readonly ConcurrentDictionary<ObjectKey, int> _inFlight = new();
        private long _calls;

        public ConcurrentQueue<string> Violations { get; } = new();

        public long Calls => Interlocked.Read(ref _calls);

        public void Enter(ObjectKey key)
        {
            Interlocked.Increment(ref _calls);
            if (_inFlight.AddOrUpdate(key, 1, (_, n) => n + 1) > 1) Violations.Enqueue($"{key} entered while already in flight");
        }

        public void Leave(ObjectKey key) => _inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
    }

    private sealed class GuardedReconciler(IReconciler inner, ExclusiveGuard guard) : IReconciler
    {
        public async ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellation)
        {
            guard.Enter(key);
            try
            {
                return await inner.ReconcileAsync(key, cancellation);
            }
            finally
            {
                guard.Leave(key);
            }
        }
    }
}
