using Orkestra.ApiMachinery.Meta;
using Orkestra.Runtime.Sharding;

namespace Orkestra.Runtime.Tests.Sharding;

/// <summary>The pure shard model: the bucket of a key is FNV-1a over UTF-8 (pinned values, so a change of the hash
/// fails here), the fair share gives every live replica floor or ceil of N / R with every bucket held exactly once,
/// and membership follows heartbeats on the injected clock.</summary>
public class ShardModelTests
{
    [TestCase("", 0x811c9dc5u)]
    [TestCase("a", 0xe40c292cu)]
    [TestCase("foobar", 0xbf9cf968u)]
    [TestCase("default/hello", 0x3f583541u)]
    [TestCase("straße/ünï", 0xeda4ee26u)]
    public void The_hash_is_FNV_1a_over_UTF_8(string text, uint expected) => ShardHash.Fnv1a(text).ShouldBe(expected);

    [Test]
    public void A_key_maps_to_a_bucket_by_its_namespace_slash_name_text()
    {
        ShardHash.BucketOf(new ObjectKey("default", "hello"), 12).ShouldBe(5);
        ShardHash.BucketOf(new ObjectKey("straße", "ünï"), 12).ShouldBe(2);
        ShardHash.BucketOf(new ObjectKey(null, "a"), 12).ShouldBe(4, "a cluster-scoped key is its name alone");
        ShardHash.BucketOf(new ObjectKey("default", "hello"), 1).ShouldBe(0);
        var longName = new ObjectKey("ns", new string('x', 2000));
        ShardHash.BucketOf(longName, 7).ShouldBe((int)(ShardHash.Fnv1a("ns/" + new string('x', 2000)) % 7));
        Should.Throw<ArgumentOutOfRangeException>(() => ShardHash.BucketOf(longName, 0));
    }

    [Test]
    public void Keys_spread_over_the_buckets()
    {
        var counts = new int[8];
        for (var i = 0; i < 8000; i++) counts[ShardHash.BucketOf(new ObjectKey("default", $"cr-{i}"), 8)]++;
        counts.ShouldAllBe(c => c > 800 && c < 1200, string.Join(",", counts));
    }

    [TestCase(12, 3)]
    [TestCase(10, 3)]
    [TestCase(7, 4)]
    [TestCase(3, 5)]
    [TestCase(1, 1)]
    [TestCase(16, 6)]
    public void Every_bucket_has_one_owner_and_every_replica_floor_or_ceil_of_its_share(int buckets, int replicas)
    {
        var members = Enumerable.Range(0, replicas).Select(i => $"replica-{i}").ToArray();
        var owners = FairShare.Assign("websites.demo.io", buckets, members);
        owners.Length.ShouldBe(buckets);
        owners.ShouldAllBe(o => o != null && members.Contains(o));
        var held = members.Select(m => owners.Count(o => o == m)).ToArray();
        held.Sum().ShouldBe(buckets);
        held.ShouldAllBe(h => h == buckets / replicas || h == (buckets + replicas - 1) / replicas, string.Join(",", held));
        for (var i = 0; i < replicas; i++)
            FairShare.BucketsOf("websites.demo.io", buckets, members, members[i]).Count.ShouldBe(held[i]);
    }

    [Test]
    public void The_assignment_depends_only_on_the_set_of_members()
    {
        var a = FairShare.Assign("crd", 12, ["b", "a", "c"]);
        var b = FairShare.Assign("crd", 12, ["c", "b", "a", "a"]);
        b.ShouldBe(a);
        FairShare.Assign("crd", 4, []).ShouldAllBe(o => o == null);
    }

    [Test]
    public void The_extra_buckets_of_different_CRDs_go_to_different_replicas()
    {
        var members = new[] { "r0", "r1", "r2" };
        var extraHolders = Enumerable.Range(0, 30)
            .Select(i => FairShare.Quotas($"crd-{i}", 4, members).Single(q => q.Value == 2).Key)
            .ToHashSet();
        extraHolders.Count.ShouldBe(3, "with 4 buckets over 3 replicas one replica holds 2; over 30 CRDs that is not always the same one");
    }

    [Test]
    public void A_replica_leaving_or_joining_moves_a_bounded_number_of_buckets()
    {
        const int n = 24;
        var three = FairShare.Assign("crd", n, ["r0", "r1", "r2"]);
        var two = FairShare.Assign("crd", n, ["r0", "r1"]);
        var four = FairShare.Assign("crd", n, ["r0", "r1", "r2", "r3"]);
        // Leaving: r2's 8 buckets must move; the assignment of the survivors may shift a little because of the quotas.
        Enumerable.Range(0, n).Count(i => three[i] != two[i]).ShouldBeLessThanOrEqualTo(n / 2);
        // Joining: r3 takes its 6; far from a reshuffle of all 24.
        Enumerable.Range(0, n).Count(i => three[i] != four[i]).ShouldBeLessThanOrEqualTo(n / 2);
        four.Count(o => o == "r3").ShouldBe(6);
    }

    [Test]
    public void A_member_is_alive_while_its_heartbeat_changes_within_the_lease_duration()
    {
        var time = new ManualTimeProvider();
        var members = new ShardMembers("me", TimeSpan.FromSeconds(7), time);
        members.Live().ShouldBe(["me"]);
        members.Observe([("a", "1"), ("b", "1"), (null, "1"), ("", "4")]);
        members.Live().ShouldBe(["a", "b", "me"]);

        time.Advance(TimeSpan.FromSeconds(5));
        members.Observe([("a", "2"), ("b", "1")]);   // a renewed, b did not
        time.Advance(TimeSpan.FromSeconds(2));
        members.Live().ShouldBe(["a", "me"], "b's heartbeat has not changed for the lease duration");

        members.Observe([("a", "2"), ("b", "3")]);
        members.Live().ShouldBe(["a", "b", "me"], "a heartbeat that changes again is alive again");
        members.Observe([("b", "3")]);
        members.Live().ShouldBe(["b", "me"], "a heartbeat that is gone (released and deleted) ends the member at once");
    }
}
