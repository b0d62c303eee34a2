using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Operators.Tests.Support;
using Orkestra.Runtime;
using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Sharding;

namespace Orkestra.Operators.Tests;

/// <summary>Three <c>ork run --shards 4</c> replicas (in process, one sandbox): the buckets are split fairly and
/// disjointly, every CR is reconciled, never by two replicas at once, and the buckets of a replica that stops move to
/// the others; when the last one stops no shard Lease is left.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ShardingTests
{
    private const int Buckets = 4;
    private static readonly Dictionary<string, string> ShortLease = new() { ["LEASE_DURATION"] = "3" };   // retry 1 s

    [Test]
    public async Task Replicas_share_the_buckets_fairly_reconcile_each_CR_exclusively_and_take_over_a_stopped_replicas_buckets()
    {
        var exclusion = new Exclusion();
        await using var a = await RunningOperators.StartAsync(["samples/hello-website/katalog.yaml"], environment: ShortLease,
            arguments: ["--leader-elect=true", "--shards", "4", "--lease-name", "shard-test"], wrap: (_, inner) => exclusion.Wrap(inner, 0));
        await using var b = await a.StartPeerAsync((_, inner) => exclusion.Wrap(inner, 1));
        await using var c = await a.StartPeerAsync((_, inner) => exclusion.Wrap(inner, 2));
        RunningOperators[] all = [a, b, c];

        await a.EventuallyAsync(async () => Fair(await Task.WhenAll(all.Select(HeldAsync)), members: 3),
            "the 4 buckets to be split 2/1/1 over the 3 replicas, disjointly", TimeSpan.FromSeconds(45));

        // Twelve CRs whose names cover every bucket (the hash is fixed by definition, so this is deterministic).
        var names = Enumerable.Range(0, 12).Select(i => $"shard-{i}").ToArray();
        names.Select(n => ShardHash.BucketOf(new ObjectKey("default", n), Buckets)).Distinct().Count().ShouldBe(Buckets);
        await a.OkAsync("apply -f -", string.Join("\n---\n", names.Select(Website)));
        foreach (var name in names)
            await a.EventuallyAsync(async () => await a.GetAsync("deployment", name) is not null, $"deployment {name}");
        exclusion.Replicas.Count.ShouldBeGreaterThanOrEqualTo(2, "the CRs were reconciled by one replica only");

        // c stops gracefully: its buckets are released, a and b take them (2 each) and reconcile what is new there.
        var ofC = await HeldAsync(c);
        ofC.ShouldNotBeEmpty();
        (await c.StopAsync()).ShouldBe(0);
        await a.EventuallyAsync(async () => Fair(await Task.WhenAll(new[] { a, b }.Select(HeldAsync)), members: 2),
            "the 4 buckets to be split 2/2 over the 2 remaining replicas", TimeSpan.FromSeconds(45));
        var moved = Enumerable.Range(0, 100).Select(i => $"moved-{i}")
            .First(n => ofC.Contains(ShardHash.BucketOf(new ObjectKey("default", n), Buckets)));
        await a.OkAsync("apply -f -", Website(moved));
        await a.EventuallyAsync(async () => await a.GetAsync("deployment", moved) is not null,
            $"deployment {moved} (a bucket the stopped replica held)");

        exclusion.Violations.ShouldBeEmpty();
        (await a.StopAsync()).ShouldBe(0);
        (await b.StopAsync()).ShouldBe(0);
        var leases = await a.OkAsync("get leases -o name");
        leases.Trim().ShouldBeEmpty("every bucket Lease and membership heartbeat is deleted by the replica that held it");
    }

    private static string Website(string name) => $$"""
        apiVersion: demo.orkestra.io/v1alpha1
        kind: Website
        metadata: {name: {{name}}, namespace: default}
        spec: {image: "nginx:1.27", replicas: 1}
        """;

    /// <summary>The buckets this replica holds (its /katalog), null when it does not answer.</summary>
    private static async Task<int[]?> HeldAsync(RunningOperators replica)
    {
        try
        {
            var katalog = JsonNode.Parse(await replica.Http.GetStringAsync("/katalog"))!;
            if (katalog["shardMembers"]?.AsArray().Count is not { } seen) return null;
            var held = katalog["crds"]![0]!["shards"]?["held"]?.AsArray().Select(n => (int)n!).ToArray();
            return held is null ? null : [seen, .. held];   // the first element: how many members it sees
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Every replica sees <paramref name="members"/> members and holds ⌊4/R⌋ or ⌈4/R⌉ buckets; together
    /// they hold each bucket exactly once.</summary>
    private static bool Fair(int[]?[] seenAndHeld, int members)
    {
        if (seenAndHeld.Any(h => h is null || h[0] != members)) return false;
        var held = seenAndHeld.Select(h => h![1..]).ToArray();
        if (held.Any(h => h.Length < Buckets / members || h.Length > (Buckets + members - 1) / members)) return false;
        var union = held.SelectMany(h => h).ToArray();
        return union.Length == Buckets && union.Distinct().Count() == Buckets;
    }

    /// <summary>Wraps each replica's reconciler: a reconcile of a key while another replica's reconcile of it has not
    /// ended is a violation (all replicas run in this process, so the check is exact).</summary>
    private sealed class Exclusion
    {
        private readonly ConcurrentDictionary<ObjectKey, int> _running = new();

        public ConcurrentQueue<string> Violations { get; } = new();
        public ConcurrentDictionary<int, bool> Replicas { get; } = new();

        public IReconciler Wrap(IReconciler inner, int replica) => new Recording(inner, replica, this);

        private sealed class Recording(IReconciler inner, int replica, Exclusion owner) : IReconciler
        {
            public async ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellation)
            {
                var holder = owner._running.GetOrAdd(key, -1);
                if (holder != -1 || !owner._running.TryUpdate(key, replica, -1))
                    owner.Violations.Enqueue($"{key} reconciled by replica {replica} while replica {owner._running[key]} was");
                if (key.Name.StartsWith("shard-", StringComparison.Ordinal)) owner.Replicas[replica] = true;
                try
                {
                    return await inner.ReconcileAsync(key, cancellation);
                }
                finally
                {
                    owner._running.TryUpdate(key, -1, replica);
                }
            }
        }
    }
}
