using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Kube.Client;
using Orkestra.Kube.Informers;
using Orkestra.Kube.Tests.Support;

namespace Orkestra.Kube.Tests.Informers;

/// <summary>Read-your-writes through <see cref="SharedInformerFactory.WriteThrough"/>: which informers take a written
/// object, that handlers hear only the watch, and that nothing the watch already passed is undone.</summary>
public sealed class WriteThroughTests
{
    static readonly GroupVersionResource ConfigMaps = new("", "v1", "configmaps");
    static readonly GroupVersionResource Secrets = new("", "v1", "secrets");
    const string Managed = "managed=true";

    static JsonElement Obj(string name, string rv, string value = "v", string ns = "ns", bool managed = true) =>
        JsonDocument.Parse($$$"""
            {"metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","resourceVersion":"{{{rv}}}"{{{(managed ? ""","labels":{"managed":"true"}""" : "")}}},
             "managedFields":[{"manager":"orkestra"}]},"data":{"k":"{{{value}}}"}}
            """).RootElement.Clone();

    /// <summary>One list (fixed) and one watch fed by the test, event by event.</summary>
    sealed class FedSource(KubeList list) : IKubeReader, IKubeWatcher
    {
        public readonly Channel<WatchEvent> Events = Channel.CreateUnbounded<WatchEvent>();

        public Task<JsonElement> GetAsync(GroupVersionResource resource, string? @namespace, string name, CancellationToken cancellation) =>
            throw new NotSupportedException();

        public Task<KubeList> ListAsync(GroupVersionResource resource, string? @namespace, ListOptions options, CancellationToken cancellation) =>
            Task.FromResult(list);

        public async IAsyncEnumerable<WatchEvent> WatchAsync(GroupVersionResource resource, string? @namespace, WatchOptions options,
            [EnumeratorCancellation] CancellationToken cancellation)
        {
            while (true) yield return await Events.Reader.ReadAsync(cancellation);
        }

        public void Send(WatchEventType type, JsonElement obj) => Events.Writer.TryWrite(new WatchEvent(type, obj));
    }

    /// <summary>A started factory with one synced informer on <see cref="ConfigMaps"/>, a recording handler and the watch to feed.</summary>
    sealed record Fed(SharedInformerFactory Factory, SharedInformer Informer, EventLog Log, FedSource Source) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Factory.DisposeAsync();
    }

    static async Task<Fed> StartAsync(string? ns = "ns", string? labels = Managed, string? fields = null, params JsonElement[] listed)
    {
        var source = new FedSource(new KubeList(listed, "10", null));
        var factory = new SharedInformerFactory(source, source);
        var informer = (SharedInformer)factory.GetInformer(new InformerKey(ConfigMaps, ns, labels, fields));
        var log = new EventLog();
        informer.AddEventHandler(log);
        factory.Start();
        await informer.WaitForSyncAsync(Fakes.Timeout());
        return new Fed(factory, informer, log, source);
    }

    static string? Version(IInformer informer, string name) =>
        informer.Cache.TryGet("ns", name, out var obj) ? ObjectMeta.ResourceVersion(obj) : null;

    [Test]
    public async Task A_write_is_read_at_once_without_notifying_and_its_watch_event_then_notifies_as_an_update()
    {
        await using var fed = await StartAsync(listed: Obj("a", "5"));
        var (factory, informer, log, source) = fed;
        await log.WaitForAsync("ADD a=v");

        factory.WriteThrough(ConfigMaps, Obj("b", "11", "new")).ShouldBe(1);
        factory.WriteThrough(ConfigMaps, Obj("a", "12", "changed")).ShouldBe(1);
        Version(informer, "b").ShouldBe("11");
        Version(informer, "a").ShouldBe("12");
        informer.Cache.TryGet("ns", "b", out var stored).ShouldBeTrue();
        stored.GetProperty("metadata").TryGetProperty("managedFields", out _).ShouldBeFalse();

        // The watch delivers both writes: one notification each, as an update with the content already read.
        source.Send(WatchEventType.Added, Obj("b", "11", "new"));
        source.Send(WatchEventType.Modified, Obj("a", "12", "changed"));
        await log.WaitForAsync("RESYNC a=changed");
        log.All.ShouldBe(["ADD a=v", "RESYNC b=new", "RESYNC a=changed"]);
        factory.WriteThrough(ConfigMaps, Obj("a", "12", "changed")).ShouldBe(0);   // the watch is there already
    }

    [Test]
    public async Task An_older_watch_event_after_a_write_through_neither_regresses_the_cache_nor_notifies()
    {
        await using var fed = await StartAsync(listed: Obj("a", "5", "old"));
        var (factory, informer, log, source) = fed;
        factory.WriteThrough(ConfigMaps, Obj("a", "13", "ours")).ShouldBe(1);

        source.Send(WatchEventType.Modified, Obj("a", "12", "theirs"));   // someone else's write, before ours
        await Bounded.UntilAsync(() => informer.ResourceVersion == "12", "the watch to pass version 12");
        Version(informer, "a").ShouldBe("13");

        source.Send(WatchEventType.Modified, Obj("a", "13", "ours"));
        await log.WaitForAsync("RESYNC a=ours");
        log.All.ShouldBe(["ADD a=old", "RESYNC a=ours"]);
    }

    [Test]
    public async Task A_write_the_watch_has_already_passed_is_refused_so_a_delete_is_never_undone()
    {
        await using var fed = await StartAsync(listed: Obj("a", "5"));
        var (factory, informer, log, source) = fed;
        source.Send(WatchEventType.Modified, Obj("a", "11", "ours"));
        source.Send(WatchEventType.Deleted, Obj("a", "12", "ours"));
        await log.WaitForAsync("DELETE a");

        factory.WriteThrough(ConfigMaps, Obj("a", "11", "ours")).ShouldBe(0);   // the answer to a write, arriving late
        informer.Cache.TryGet("ns", "a", out _).ShouldBeFalse();
        factory.WriteThrough(ConfigMaps, Obj("a", "13", "recreated")).ShouldBe(1);
        Version(informer, "a").ShouldBe("13");
    }

    [Test]
    public async Task Only_informers_that_would_list_the_object_take_it_and_only_with_a_numeric_version()
    {
        await using var fed = await StartAsync();
        var (factory, informer, _, _) = fed;
        factory.WriteThrough(ConfigMaps, Obj("other-ns", "11", ns: "elsewhere")).ShouldBe(0);
        factory.WriteThrough(ConfigMaps, Obj("unlabeled", "11", managed: false)).ShouldBe(0);
        factory.WriteThrough(Secrets, Obj("secret", "11")).ShouldBe(0);
        factory.WriteThrough(ConfigMaps, Obj("opaque", "v11")).ShouldBe(0);
        informer.Cache.Count.ShouldBe(0);

        await using var byName = await StartAsync(ns: null, labels: null, fields: "metadata.name=x");
        byName.Factory.WriteThrough(ConfigMaps, Obj("y", "11")).ShouldBe(0);
        byName.Factory.WriteThrough(ConfigMaps, Obj("x", "11")).ShouldBe(1);
        byName.Informer.Cache.Keys().ShouldBe([new ObjectKey("ns", "x")]);

        // A field the client cannot judge: nothing is written through.
        await using var byPhase = await StartAsync(labels: null, fields: "status.phase=Running");
        byPhase.Factory.WriteThrough(ConfigMaps, Obj("x", "11")).ShouldBe(0);
        byPhase.Informer.Cache.Count.ShouldBe(0);
    }

    [Test]
    public async Task Nothing_is_written_through_before_the_first_list()
    {
        var source = new FedSource(new KubeList([], "10", null));
        await using var factory = new SharedInformerFactory(source, source);
        var informer = factory.GetInformer(ConfigMaps, "ns", Managed);
        factory.WriteThrough(ConfigMaps, Obj("a", "11")).ShouldBe(0);
        informer.Cache.Count.ShouldBe(0);
    }
}
