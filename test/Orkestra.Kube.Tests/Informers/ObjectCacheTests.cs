using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Kube.Informers;

namespace Orkestra.Kube.Tests.Informers;

public sealed class ObjectCacheTests
{
    const string Owner = "orkestra.orkspace.io/owner";

    static JsonElement Obj(string name, string rv, string? owner = null, string? ns = "ns")
    {
        var metadata = new JsonObject { ["name"] = name, ["resourceVersion"] = rv };
        if (ns is not null) metadata["namespace"] = ns;
        if (owner is not null) metadata["labels"] = new JsonObject { [Owner] = owner };
        return JsonDocument.Parse(new JsonObject { ["metadata"] = metadata }.ToJsonString()).RootElement.Clone();
    }

    [Test]
    public void Upsert_and_remove_return_the_previous_state_and_keys_are_namespace_slash_name()
    {
        var cache = new ObjectCache();
        cache.Upsert(Obj("a", "1"))!.Value.Type.ShouldBe(CacheDeltaType.Added);
        var updated = cache.Upsert(Obj("a", "2"))!.Value;
        updated.Type.ShouldBe(CacheDeltaType.Updated);
        ObjectMeta.ResourceVersion(updated.Old!.Value).ShouldBe("1");
        cache.Upsert(Obj("a", "1", ns: "other"));

        cache.Count.ShouldBe(2);
        cache.TryGet("ns", "a", out var a).ShouldBeTrue();
        ObjectMeta.ResourceVersion(a).ShouldBe("2");
        cache.List("other").Count.ShouldBe(1);
        cache.Remove(Obj("a", "3"))!.Value.GetProperty("metadata").GetProperty("resourceVersion").GetString().ShouldBe("2");
        cache.Remove(Obj("a", "3")).ShouldBeNull();
        cache.TryGet("ns", "a", out _).ShouldBeFalse();
    }

    [Test]
    public void Objects_come_back_byte_for_byte_and_keys_list_without_reading_objects()
    {
        var cache = new ObjectCache();
        var stored = Obj("a", "7", owner: "web");
        cache.Upsert(stored);
        cache.Upsert(Obj("b", "1", ns: "other"));
        cache.Upsert(Obj("cluster-wide", "1", ns: null));
        cache.TryGet("ns", "a", out var read).ShouldBeTrue();
        read.GetRawText().ShouldBe(stored.GetRawText());
        cache.AddLabelIndex(Owner);
        cache.ByLabel(Owner, "web").Single().GetRawText().ShouldBe(stored.GetRawText());
        cache.Keys("other").ShouldBe([new ObjectKey("other", "b")]);
        cache.Keys().Order().ShouldBe([new ObjectKey("", "cluster-wide"), new ObjectKey("ns", "a"), new ObjectKey("other", "b")]);
        cache.Keys("").ShouldBe([new ObjectKey(null, "cluster-wide")]);
        cache.TryGet(null, "cluster-wide", out _).ShouldBeTrue();
    }

    [Test]
    public void Replace_reports_added_changed_and_vanished_objects()
    {
        var cache = new ObjectCache();
        cache.Upsert(Obj("same", "1"));
        cache.Upsert(Obj("changed", "1"));
        cache.Upsert(Obj("gone", "1"));

        var deltas = cache.Replace([Obj("same", "1"), Obj("changed", "2"), Obj("new", "5")]);

        deltas.Select(d => (d.Type, ObjectMeta.Name(d.Current))).OrderBy(x => x.Item2).ShouldBe([
            (CacheDeltaType.Updated, "changed"), (CacheDeltaType.Deleted, "gone"), (CacheDeltaType.Added, "new")]);
        cache.List().Select(o => ObjectMeta.Name(o)).Order().ShouldBe(["changed", "new", "same"]);
    }

    [Test]
    public void Label_index_follows_every_change_and_can_be_added_late()
    {
        var cache = new ObjectCache();
        cache.Upsert(Obj("a", "1", owner: "w1"));
        cache.AddLabelIndex(Owner);
        cache.Upsert(Obj("b", "1", owner: "w1"));
        cache.Upsert(Obj("c", "1", owner: "w2"));

        cache.ByLabel(Owner, "w1").Select(o => ObjectMeta.Name(o)).Order().ShouldBe(["a", "b"]);
        cache.Upsert(Obj("a", "2", owner: "w2"));
        cache.ByLabel(Owner, "w1").Select(o => ObjectMeta.Name(o)).ShouldBe(["b"]);
        cache.ByLabel(Owner, "w2").Select(o => ObjectMeta.Name(o)).Order().ShouldBe(["a", "c"]);
        cache.Remove(Obj("b", "2"));
        cache.ByLabel(Owner, "w1").ShouldBeEmpty();
        cache.Replace([Obj("c", "1", owner: "w2")]);
        cache.ByLabel(Owner, "w2").Select(o => ObjectMeta.Name(o)).ShouldBe(["c"]);
        Should.Throw<InvalidOperationException>(() => cache.ByLabel("not-indexed", "x")).Message.ShouldContain("not indexed");
    }

    [Test]
    public void A_write_through_stores_only_a_numerically_newer_version_without_managed_fields()
    {
        var cache = new ObjectCache();
        cache.WriteThrough(Obj("a", "5")).ShouldBeTrue();   // nothing stored yet
        cache.WriteThrough(Obj("a", "5")).ShouldBeFalse();  // equal
        cache.WriteThrough(Obj("a", "4")).ShouldBeFalse();  // older
        cache.WriteThrough(Obj("a", "x7")).ShouldBeFalse(); // opaque
        cache.WriteThrough(Obj("a", "10")).ShouldBeTrue();  // newer as a number, though older as text
        Version(cache, "a").ShouldBe("10");

        cache.Upsert(Obj("opaque", "abc"));
        cache.WriteThrough(Obj("opaque", "99")).ShouldBeFalse();   // the stored version does not parse
        Version(cache, "opaque").ShouldBe("abc");
        cache.WriteThrough(Obj("fresh", "", owner: null)).ShouldBeFalse();

        var withManagedFields = JsonDocument.Parse("""
            {"metadata":{"name":"m","namespace":"ns","resourceVersion":"3","managedFields":[{"manager":"orkestra"}]},"data":{"k":"v"}}
            """).RootElement;
        cache.WriteThrough(withManagedFields).ShouldBeTrue();
        cache.TryGet("ns", "m", out var stored).ShouldBeTrue();
        stored.GetRawText().ShouldBe("""{"metadata":{"name":"m","namespace":"ns","resourceVersion":"3"},"data":{"k":"v"}}""");
    }

    [Test]
    public void A_watch_event_older_than_an_unconfirmed_write_through_is_ignored_and_its_own_event_confirms_it()
    {
        var cache = new ObjectCache();
        cache.Upsert(Obj("a", "1"));
        cache.WriteThrough(Obj("a", "3")).ShouldBeTrue();

        cache.Upsert(Obj("a", "2")).ShouldBeNull();
        Version(cache, "a").ShouldBe("3");
        var confirmed = cache.Upsert(Obj("a", "3"))!.Value;   // the write's own event: an update with the same version
        confirmed.Type.ShouldBe(CacheDeltaType.Updated);
        ObjectMeta.ResourceVersion(confirmed.Old!.Value).ShouldBe("3");

        // Confirmed, the entry follows the watch as every other does.
        cache.Upsert(Obj("a", "2"))!.Value.Type.ShouldBe(CacheDeltaType.Updated);
        Version(cache, "a").ShouldBe("2");
        // An opaque version from the watch is always taken.
        cache.WriteThrough(Obj("a", "8")).ShouldBeTrue();
        cache.Upsert(Obj("a", "opaque")).ShouldNotBeNull();
        Version(cache, "a").ShouldBe("opaque");
    }

    [Test]
    public void A_delete_removes_a_write_through_and_a_replace_converges_to_the_list()
    {
        var cache = new ObjectCache();
        cache.WriteThrough(Obj("deleted", "9")).ShouldBeTrue();
        cache.Remove(Obj("deleted", "10")).ShouldNotBeNull();
        cache.TryGet("ns", "deleted", out _).ShouldBeFalse();
        cache.Upsert(Obj("deleted", "8"))!.Value.Type.ShouldBe(CacheDeltaType.Added);   // no write-through mark is left behind

        cache.Upsert(Obj("older", "4"));
        cache.WriteThrough(Obj("older", "10")).ShouldBeTrue();
        cache.WriteThrough(Obj("unseen", "11")).ShouldBeTrue();
        cache.WriteThrough(Obj("vanished", "12")).ShouldBeTrue();
        cache.Upsert(Obj("kept", "2"));

        var deltas = cache.Replace([Obj("older", "4"), Obj("unseen", "11"), Obj("kept", "2"), Obj("deleted", "8")]);

        // The list is the authority, also over a newer write-through; an entry no handler was told of is announced
        // even at the same version.
        deltas.Select(d => (d.Type, ObjectMeta.Name(d.Current), ObjectMeta.ResourceVersion(d.Current))).OrderBy(x => x.Item2).ShouldBe([
            (CacheDeltaType.Updated, "older", "4"), (CacheDeltaType.Updated, "unseen", "11"), (CacheDeltaType.Deleted, "vanished", "12")]);
        cache.List().Select(o => ObjectMeta.Name(o)).Order().ShouldBe(["deleted", "kept", "older", "unseen"]);
        cache.Upsert(Obj("older", "3"))!.Value.Type.ShouldBe(CacheDeltaType.Updated);   // no longer marked: the watch is followed
    }

    [Test]
    public void The_label_index_follows_write_throughs_and_ignores_a_stale_event()
    {
        var cache = new ObjectCache();
        cache.AddLabelIndex(Owner);
        cache.Upsert(Obj("a", "1", owner: "w1"));
        cache.WriteThrough(Obj("a", "3", owner: "w2")).ShouldBeTrue();
        cache.WriteThrough(Obj("b", "4", owner: "w2")).ShouldBeTrue();
        Names(cache.ByLabel(Owner, "w1")).ShouldBeEmpty();
        Names(cache.ByLabel(Owner, "w2")).ShouldBe(["a", "b"]);

        cache.Upsert(Obj("a", "2", owner: "w1")).ShouldBeNull();
        Names(cache.ByLabel(Owner, "w1")).ShouldBeEmpty();
        cache.WriteThrough(Obj("b", "5")).ShouldBeTrue();   // the label was removed
        Names(cache.ByLabel(Owner, "w2")).ShouldBe(["a"]);
        cache.Remove(Obj("a", "6"));
        Names(cache.ByLabel(Owner, "w2")).ShouldBeEmpty();
    }

    static string? Version(ObjectCache cache, string name) => cache.TryGet("ns", name, out var obj) ? ObjectMeta.ResourceVersion(obj) : null;

    static IEnumerable<string?> Names(IEnumerable<JsonElement> objects) => objects.Select(o => ObjectMeta.Name(o)).Order();

    /// <summary>The readers read beside a half-written cache for real: at ten checkpoints the writer waits (bounded)
    /// until every reader has completed a read that began after it stopped there, then writes on.</summary>
    [Test]
    public async Task Readers_run_lock_free_beside_a_writer_and_never_see_a_wrong_label()
    {
        const int writes = 100_000, checkpoints = 10, readerCount = 2;
        var cache = new ObjectCache();
        cache.AddLabelIndex(Owner);
        var writing = true;
        var completedReads = new long[readerCount];
        var readers = Enumerable.Range(0, readerCount).Select(r => Task.Run(() =>
        {
            while (Volatile.Read(ref writing))
            {
                foreach (var obj in cache.ByLabel(Owner, "even")) ObjectMeta.Label(obj, Owner).ShouldBe("even");
                cache.List().Count.ShouldBeLessThanOrEqualTo(50);
                Interlocked.Increment(ref completedReads[r]);
            }
        })).ToArray();
        var interleaved = 0;
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < writes; i++)
            {
                if (i % (writes / checkpoints) == writes / checkpoints / 2)
                {
                    // +2: the read in progress when the writer stopped may have begun before; the next one began after.
                    var due = Enumerable.Range(0, readerCount).Select(r => Interlocked.Read(ref completedReads[r]) + 2).ToArray();
                    bool ReadAfterStop() => Enumerable.Range(0, readerCount).All(r => Interlocked.Read(ref completedReads[r]) >= due[r]);
                    var bothRead = SpinWait.SpinUntil(() => readers.Any(t => t.IsCompleted) || ReadAfterStop(), TimeSpan.FromSeconds(20));
                    if (bothRead && !readers.Any(t => t.IsCompleted)) interleaved++;
                }
                // Every pass over the 50 names flips each one's label, so the index entries move all the time.
                var name = $"o{i % 50}";
                if (i % 7 == 0) cache.Remove(Obj(name, "x"));
                else cache.Upsert(Obj(name, i.ToString(CultureInfo.InvariantCulture), owner: i / 50 % 2 == 0 ? "even" : "odd"));
            }
            Volatile.Write(ref writing, false);
        });

        await Task.WhenAll(readers.Append(writer)).WaitAsync(TimeSpan.FromSeconds(60));
        interleaved.ShouldBe(checkpoints, "every reader read beside the writer at every checkpoint");
    }
}
