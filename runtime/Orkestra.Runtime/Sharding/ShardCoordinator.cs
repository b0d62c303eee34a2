using System.Globalization;
using Microsoft.Extensions.Logging;
using Orkestra.Kube;
using Orkestra.Kube.Client;
using Orkestra.Runtime.Cluster;
using Orkestra.Runtime.Leadership;
using Orkestra.Runtime.Observability;

namespace Orkestra.Runtime.Sharding;

/// <summary>One sharded CRD: the prefix of its bucket Lease names, its gate, and what to do when a bucket is gained.</summary>
internal sealed record ShardedCrd(string Crd, string LeasePrefix, ShardGate Gate, Action<int> Gained);

/// <summary>
/// The sharding of one <c>ork run --shards N</c> replica. It announces itself with a membership heartbeat (a Lease
/// <c>&lt;group&gt;-member-&lt;hash of identity&gt;</c> it holds and renews like a leader), lists the heartbeats of the group
/// every retry period (<see cref="ShardMembers"/>), computes the fair share (<see cref="FairShare"/>) and campaigns for
/// each bucket of each CRD — a Lease <c>&lt;katalog&gt;-&lt;crd&gt;-shard-&lt;i&gt;</c> — with one <see cref="LeaderElector"/> per
/// bucket, on the leader election's timings: it takes the buckets the fair share gives it (a free one at once, one
/// held by a dead replica once that Lease expired) and yields the others (workers fenced first, then the Lease
/// released). Load: one LIST and N × CRDs + 1 Lease requests per retry period per replica.
/// </summary>
internal sealed class ShardCoordinator
{
    /// <summary>Label on every shard Lease: the group (the replicas of the same Katalogs).</summary>
    public const string GroupLabel = "orkestra.orkspace.io/shard-group";

    /// <summary>Label on every shard Lease: <c>member</c> (a heartbeat) or <c>bucket</c>.</summary>
    public const string RoleLabel = "orkestra.orkspace.io/shard-role";

    private readonly IKubeClient _client;
    private readonly string _namespace;
    private readonly string _group;
    private readonly LeaderElectionOptions _election;
    private readonly IReadOnlyList<ShardedCrd> _crds;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ShardMembers _members;
    private readonly (LeaderElector Elector, KubeLeaseStore Store) _heartbeat;
    private readonly List<(ShardedCrd Crd, int Bucket, LeaderElector Elector, KubeLeaseStore Store)> _buckets = [];
    private volatile bool[][] _wanted;      // by CRD, by bucket; all false until the members were listed once
    private volatile IReadOnlyList<string> _live = [];

    public ShardCoordinator(IKubeClient client, string @namespace, string group, LeaderElectionOptions election, int shards,
        IReadOnlyList<ShardedCrd> crds, RuntimeMetrics metrics, ILogger log, TimeProvider time)
    {
        _client = client;
        _namespace = @namespace;
        _group = group;
        _election = election;
        _crds = crds;
        _time = time;
        _log = log;
        Shards = shards;
        _members = new ShardMembers(election.Identity, election.LeaseDuration, time);
        _wanted = [.. crds.Select(_ => new bool[shards])];
        var member = LeaseNames.Valid($"{group}-member-{ShardHash.Fnv1a(election.Identity):x8}");
        var heartbeat = new KubeLeaseStore(client, @namespace, member, Labels("member"));
        _heartbeat = (new LeaderElector(heartbeat, election, time), heartbeat);
        foreach (var crd in crds)
        {
            for (var bucket = 0; bucket < shards; bucket++)
            {
                var store = new KubeLeaseStore(client, @namespace, BucketLease(crd.LeasePrefix, bucket), Labels("bucket"));
                _buckets.Add((crd, bucket, new LeaderElector(store, election, time), store));
            }
            metrics.ShardBucketsHeld.WithLabels(crd.Crd).Set(0);
        }
        _metrics = metrics;
    }

    private readonly RuntimeMetrics _metrics;

    public int Shards { get; }

    public string Identity => _election.Identity;

    /// <summary>The replicas this one saw alive at its last look.</summary>
    public IReadOnlyList<string> Members => _live;

    public static string BucketLease(string prefix, int bucket) =>
        LeaseNames.Valid($"{prefix}-shard-{bucket.ToString(CultureInfo.InvariantCulture)}");

    private Dictionary<string, string> Labels(string role) => new() { [GroupLabel] = _group, [RoleLabel] = role };

    /// <summary>Heartbeat, members and bucket campaigns until <paramref name="stop"/>; the Leases stay held (bucket workers
    /// fenced) until <see cref="ReleaseAsync"/>.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        Log.Sharding(_log, Shards, _namespace, _group, Identity);
        var tasks = new List<Task>
        {
            _heartbeat.Elector.RunAsync(held => Task.Delay(Timeout.InfiniteTimeSpan, _time, held), stop, releaseOnStop: false),
            WatchMembersAsync(stop),
        };
        for (var i = 0; i < _crds.Count; i++)
        {
            var index = i;
            foreach (var (crd, bucket, elector, _) in _buckets.Where(b => b.Crd == _crds[index]))
            {
                tasks.Add(elector.RunAsync(held => crd.Gate.HoldAsync(bucket, gained => Changed(crd, bucket, gained), held,
                        _election.LeaseDuration, _time), stop, releaseOnStop: false,
                    wanted: () => _wanted[index][bucket]));
            }
        }
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private void Changed(ShardedCrd crd, int bucket, bool gained)
    {
        _metrics.ShardBucketsHeld.WithLabels(crd.Crd).Set(crd.Gate.HeldCount);
        Log.ShardBucket(_log, crd.Crd, bucket, gained ? "held" : "released (workers fenced)");
        if (gained) crd.Gained(bucket);
    }

    private async Task WatchMembersAsync(CancellationToken stop)
    {
        var selector = new ListOptions { LabelSelector = $"{GroupLabel}={_group},{RoleLabel}=member" };
        var listed = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var bound = CancellationTokenSource.CreateLinkedTokenSource(stop);
                bound.CancelAfter(_election.RetryPeriod);
                var list = await _client.ListAsync(KubeLeaseStore.Leases, _namespace, selector, bound.Token).ConfigureAwait(false);
                _members.Observe(list.Items.Select(l => (LeaseJson.FromLease(l).HolderIdentity, ObjectMeta.ResourceVersion(l) ?? "")));
                listed = true;
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or TimeoutException or OperationCanceledException)
            {
                // Keep the last view: members age out of it, and no bucket changes hands before its own Lease expired.
            }
            if (listed) Rebalance();
            try
            {
                await Task.Delay(_election.RetryPeriod, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Rebalance()
    {
        var live = _members.Live();
        if (!live.SequenceEqual(_live)) Log.ShardMembers(_log, string.Join(", ", live));
        _live = live;
        _wanted = [.. _crds.Select(c =>
        {
            var mine = FairShare.BucketsOf(c.LeasePrefix, Shards, live, Identity);
            return Enumerable.Range(0, Shards).Select(mine.Contains).ToArray();
        })];
    }

    /// <summary>After <see cref="RunAsync"/> returned: releases and deletes every bucket Lease this replica holds and its
    /// heartbeat, all at once, bounded by <paramref name="bound"/>. Best effort: what fails expires.</summary>
    public async Task ReleaseAsync(CancellationToken bound)
    {
        var all = _buckets.Select(b => (b.Elector, b.Store)).Append(_heartbeat);
        var failures = await Task.WhenAll(all.Select(p => p.Store.ReleaseAndDeleteAsync(p.Elector, bound))).ConfigureAwait(false);
        foreach (var failure in failures.OfType<string>().Distinct()) Log.LeaseNotDeleted(_log, _group + " shard Leases", failure);
    }
}
