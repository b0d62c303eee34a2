using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.Kube.Informers;

namespace Orkestra.Kube.Tests.Informers;

public sealed class ObjectCacheTests
{
    const string Owner = "orkestra.orkspace.io/owner";

    static JsonElement Obj(string name, string rv, string? owner = null, string ns = "ns")
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns, ["resourceVersion"] = rv };
        if (owner is not null) metadata["labels"] = new JsonObject { [Owner] = owner };
        return JsonDocument.Parse(new JsonObject { ["metadata"] = metadata }.ToJsonString()).RootElement.Clone();
    }

    [Test]
    public void Upsert_and_remove_return_the_previous_state_and_keys_are_namespace_slash_name()
    {
        var cache = new ObjectCache();
        cache.Upsert(Obj("a", "1")).ShouldBeNull();
        cache.Upsert(Obj("a", "2"))!.Value.GetProperty("metadata").GetProperty("resourceVersion").GetString().ShouldBe("1");
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
        cache.Upsert(Obj("cluster-wide", "1", ns: ""));
        cache.TryGet("ns", "a", out var read).ShouldBeTrue();
        read.GetRawText().ShouldBe(stored.GetRawText());
        cache.AddLabelIndex(Owner);
        cache.ByLabel(Owner, "web").Single().GetRawText().ShouldBe(stored.GetRawText());
        cache.Keys("other").ShouldBe(["other/b"]);
        cache.Keys().OrderBy(k => k, StringComparer.Ordinal).ShouldBe(["cluster-wide", "ns/a", "other/b"]);
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
    public async Task Readers_run_lock_free_beside_a_writer_and_never_see_a_wrong_label()
    {
        var cache = new ObjectCache();
        cache.AddLabelIndex(Owner);
        var writing = true;
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                var name = $"o{i % 50}";
                if (i % 7 == 0) cache.Remove(Obj(name, "x"));
                else cache.Upsert(Obj(name, i.ToString(System.Globalization.CultureInfo.InvariantCulture), owner: i % 2 == 0 ? "even" : "odd"));
            }
            Volatile.Write(ref writing, false);
        });
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var reads = 0;
            do
            {
                foreach (var obj in cache.ByLabel(Owner, "even")) ObjectMeta.Label(obj, Owner).ShouldBe("even");
                cache.List().Count.ShouldBeLessThanOrEqualTo(50);
                reads++;
            } while (Volatile.Read(ref writing));
            return reads;
        })).ToArray();

        await Task.WhenAll(readers.Append(writer)).WaitAsync(TimeSpan.FromSeconds(60));
        readers.ShouldAllBe(r => r.Result > 0);
    }
}
