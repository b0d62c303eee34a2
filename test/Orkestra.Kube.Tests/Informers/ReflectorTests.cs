using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Kube.Client;
using Orkestra.Kube.Informers;
using Orkestra.Kube.Tests.Support;

namespace Orkestra.Kube.Tests.Informers;

/// <summary>The list-then-watch contract against a scripted source: which versions are asked for, and how failures back off.</summary>
public sealed class ReflectorTests
{
    static readonly GroupVersionResource ConfigMaps = new("", "v1", "configmaps");

    static JsonElement Obj(string name, string rv) =>
        JsonDocument.Parse($$$"""{"metadata":{"name":"{{{name}}}","namespace":"ns","resourceVersion":"{{{rv}}}"}}""").RootElement.Clone();

    /// <summary>Lists and watches answered from queues the test fills; records what was asked.</summary>
    sealed class ScriptedSource : IKubeReader, IKubeWatcher
    {
        public readonly Queue<Func<KubeList>> Lists = new();
        public readonly Queue<Func<IEnumerable<WatchEvent>>> Watches = new();
        public readonly Channel<string> Calls = Channel.CreateUnbounded<string>();

        public Task<JsonElement> GetAsync(GroupVersionResource resource, string? @namespace, string name, CancellationToken cancellation) =>
            throw new NotSupportedException();

        public Task<KubeList> ListAsync(GroupVersionResource resource, string? @namespace, ListOptions options, CancellationToken cancellation)
        {
            Calls.Writer.TryWrite($"list rv={options.ResourceVersion ?? "-"} continue={options.Continue ?? "-"}");
            lock (Lists) return Task.FromResult(Lists.Count > 0 ? Lists.Dequeue()() : throw new HttpRequestException("no list scripted"));
        }

        public async IAsyncEnumerable<WatchEvent> WatchAsync(GroupVersionResource resource, string? @namespace, WatchOptions options,
            [EnumeratorCancellation] CancellationToken cancellation)
        {
            Calls.Writer.TryWrite($"watch rv={options.ResourceVersion} bookmarks={options.AllowBookmarks}");
            Func<IEnumerable<WatchEvent>>? next;
            lock (Watches) next = Watches.Count > 0 ? Watches.Dequeue() : null;
            if (next is null)
            {
                await Task.Delay(Timeout.Infinite, cancellation);
                yield break;
            }
            foreach (var evt in next()) yield return evt;
        }

        public async Task<string> NextCallAsync() => await Calls.Reader.ReadAsync(Fakes.Timeout());
    }

    [Test]
    public async Task Lists_from_zero_follows_continue_watches_from_the_list_version_and_relists_consistently_after_410()
    {
        var source = new ScriptedSource();
        source.Lists.Enqueue(() => new KubeList([Obj("a", "1")], "10", "page2"));
        source.Lists.Enqueue(() => new KubeList([Obj("b", "2")], "99", null));
        source.Watches.Enqueue(() => [
            new WatchEvent(WatchEventType.Added, Obj("c", "11")),
            new WatchEvent(WatchEventType.Bookmark, Obj("", "15")),
        ]);
        source.Watches.Enqueue(() => [new WatchEvent(WatchEventType.Error, default, new KubeApiException(410, "Expired", "too old"))]);
        source.Lists.Enqueue(() => new KubeList([Obj("a", "1"), Obj("c", "11")], "20", null));
        var time = new ManualTimeProvider { AutoFireUpTo = TimeSpan.FromMinutes(1) };
        var metrics = new RecordingMetrics();
        await using var factory = new SharedInformerFactory(source, source, new InformerOptions { TimeProvider = time, Random = () => 0, Metrics = metrics });
        var informer = factory.GetInformer(ConfigMaps, "ns");
        var log = new EventLog();
        informer.AddEventHandler(log);
        factory.Start();

        (await source.NextCallAsync()).ShouldBe("list rv=0 continue=-");
        (await source.NextCallAsync()).ShouldBe("list rv=- continue=page2");
        (await source.NextCallAsync()).ShouldBe("watch rv=10 bookmarks=True");
        (await source.NextCallAsync()).ShouldBe("watch rv=15 bookmarks=True");   // the bookmark moved the version
        (await source.NextCallAsync()).ShouldBe("list rv= continue=-");          // 410: consistent relist
        (await source.NextCallAsync()).ShouldBe("watch rv=20 bookmarks=True");

        await log.WaitForAsync("DELETE b");
        informer.Cache.List().Select(o => ObjectMeta.Name(o)).Order().ShouldBe(["a", "c"]);
        log.All.ShouldBe(["ADD a", "ADD b", "ADD c", "DELETE b"]);
        metrics.Restarts.Select(r => r.Reason).ShouldContain("expired");
    }

    [Test]
    public async Task Failed_lists_back_off_with_growing_jittered_delays_on_the_injected_clock()
    {
        var source = new ScriptedSource();
        for (var i = 0; i < 4; i++) source.Lists.Enqueue(() => throw new HttpRequestException("refused"));
        source.Lists.Enqueue(() => new KubeList([], "5", null));
        var time = new ManualTimeProvider { AutoFireUpTo = TimeSpan.FromMinutes(1) };
        var errors = 0;
        await using var factory = new SharedInformerFactory(source, source, new InformerOptions
        {
            TimeProvider = time,
            Random = () => 1.0,
            InitialBackoff = TimeSpan.FromSeconds(1),
            MaxBackoff = TimeSpan.FromSeconds(5),
            OnError = (_, _) => Interlocked.Increment(ref errors),
        });
        var informer = factory.GetInformer(ConfigMaps, "ns");
        factory.Start();

        await informer.WaitForSyncAsync(Fakes.Timeout());

        errors.ShouldBe(4);
        // equal jitter with random = 1: the full ceiling of 1, 2, 4, then 5 (capped) seconds
        time.Requested.Where(d => d < TimeSpan.FromMinutes(1)).ShouldBe(
            [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5)]);
    }
    [Test]
    public async Task Contact_is_the_last_answer_from_the_server_and_failures_since_are_reported()
    {
        var source = new ScriptedSource();
        source.Lists.Enqueue(() => new KubeList([Obj("a", "1")], "10", null));
        var time = new ManualTimeProvider();
        await using var factory = new SharedInformerFactory(source, source, new InformerOptions { TimeProvider = time, Random = () => 0 });
        var informer = factory.GetInformer(ConfigMaps, "ns");
        factory.Start();
        await informer.WaitForSyncAsync(Fakes.Timeout());
        (await source.NextCallAsync()).ShouldBe("list rv=0 continue=-");
        (await source.NextCallAsync()).ShouldBe("watch rv=10 bookmarks=True");   // and then silence: no event, no bookmark

        time.Advance(TimeSpan.FromMinutes(4));
        informer.Contact.ShouldBe(new InformerContact(TimeSpan.FromMinutes(4), null));

        // The silent watch is given up past its timeout; re-watching fails twice in a row: reported (one failure alone
        // is not — a re-watch that then opens and stays quiet would look failing until the next bookmark).
        source.Watches.Enqueue(() => throw new HttpRequestException("connection refused"));
        source.Watches.Enqueue(() => throw new HttpRequestException("connection refused"));
        time.Advance(TimeSpan.FromMinutes(7));
        await Bounded.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(100));   // through the backoff between the attempts
            return informer.Contact.LastError is not null;
        }, "the failed re-watches to be reported");
        informer.Contact.LastError.ShouldBe("connection refused");
        informer.Contact.Since.ShouldBeGreaterThan(TimeSpan.FromMinutes(11));
    }
}
