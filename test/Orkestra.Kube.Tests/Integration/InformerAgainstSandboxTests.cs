using System.Text.Json.Nodes;
using Orkestra.Kube.Client;
using Orkestra.Kube.Informers;
using Orkestra.Kube.Tests.Support;

namespace Orkestra.Kube.Tests.Integration;

/// <summary>Informers against the sandbox, including its faults: dropped watches, forced 410, 429/500 bursts.</summary>
public sealed class InformerAgainstSandboxTests : SandboxFixture
{
    static readonly GroupVersionResource ConfigMaps = new("", "v1", "configmaps");
    const string Managed = "orkestra.orkspace.io/managed=true";
    const string OwnerLabel = "orkestra.orkspace.io/owner";

    IKubeClient _client = null!;
    string _ns = "";
    // One fixture instance runs every test: each test starts with no errors, so one test's reports never count for another.
    readonly List<Exception> _errors = new();

    [SetUp]
    public async Task CreateNamespace()
    {
        lock (_errors) _errors.Clear();
        _client = Connection.CreateClient();
        _ns = "inf-" + Guid.NewGuid().ToString("N")[..8];
        await _client.CreateAsync(new GroupVersionResource("", "v1", "namespaces"), null,
            new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = _ns } }, null, Fakes.Timeout());
    }

    SharedInformerFactory Factory(TimeSpan resync = default) => new(_client, new InformerOptions
    {
        ResyncPeriod = resync,
        InitialBackoff = TimeSpan.FromMilliseconds(10),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
        Metrics = Metrics,
        OnError = (_, e) => { lock (_errors) _errors.Add(e); },
    });

    /// <summary>Creates the ConfigMap, or merge-patches it when it exists.</summary>
    async Task Put(string name, string value, bool managed = true, string owner = "w1")
    {
        try
        {
            await _client.PatchAsync(ConfigMaps, _ns, name, PatchType.Merge, Cm(name, value, managed, owner), null, Fakes.Timeout());
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            await _client.CreateAsync(ConfigMaps, _ns, Cm(name, value, managed, owner), null, Fakes.Timeout());
        }
    }

    /// <summary>The managed-ConfigMap informer of this test's namespace with a recording handler, started.</summary>
    (IInformer Informer, EventLog Log) Subscribe(SharedInformerFactory factory)
    {
        var informer = factory.GetInformer(ConfigMaps, _ns, Managed);
        var log = new EventLog();
        informer.AddEventHandler(log);
        factory.Start();
        return (informer, log);
    }

    static JsonObject Cm(string name, string value, bool managed, string owner)
    {
        var labels = new JsonObject { [OwnerLabel] = owner };
        if (managed) labels["orkestra.orkspace.io/managed"] = "true";
        return new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels },
            ["data"] = new JsonObject { ["k"] = value },
        };
    }

    [Test]
    public async Task Syncs_then_delivers_add_update_delete_for_matching_objects_only_from_its_cache()
    {
        await Put("before", "0");
        await Put("unmanaged", "0", managed: false);
        await using var factory = Factory();
        var informer = factory.GetInformer(ConfigMaps, _ns, Managed);
        factory.GetInformer(ConfigMaps, _ns, Managed).ShouldBeSameAs(informer);
        informer.AddLabelIndex(OwnerLabel);
        var log = new EventLog();
        informer.AddEventHandler(log);
        factory.Start();

        await factory.WaitForCacheSyncAsync(Fakes.Timeout());
        informer.HasSynced.ShouldBeTrue();
        await log.WaitForAsync("ADD before=0");
        informer.Cache.TryGet(_ns, "unmanaged", out _).ShouldBeFalse();

        await Put("a", "1", owner: "w2");
        await log.WaitForAsync("ADD a=1");
        await Put("a", "2", owner: "w2");
        await log.WaitForAsync("UPDATE a=2");
        informer.Cache.TryGet(_ns, "a", out var cached).ShouldBeTrue();
        cached.GetProperty("metadata").TryGetProperty("managedFields", out _).ShouldBeFalse();
        informer.Cache.ByLabel(OwnerLabel, "w2").Select(o => ObjectMeta.Name(o)).ShouldBe(["a"]);

        await _client.DeleteAsync(ConfigMaps, _ns, "a", null, Fakes.Timeout());
        await log.WaitForAsync("DELETE a");
        informer.Cache.TryGet(_ns, "a", out _).ShouldBeFalse();
        informer.Cache.ByLabel(OwnerLabel, "w2").ShouldBeEmpty();
        log.SawConcurrentCalls.ShouldBeFalse();
    }

    [Test]
    public async Task Relists_after_a_forced_410_and_reports_objects_deleted_meanwhile()
    {
        await Put("stays", "0");
        await Put("vanishes", "0");
        await using var factory = Factory();
        var (informer, log) = Subscribe(factory);
        await informer.WaitForSyncAsync(Fakes.Timeout());
        await log.WaitForAsync("ADD vanishes=0");

        // Blind the informer: drop its watch and refuse every re-watch while the changes happen, then expire history.
        var restartsBefore = Metrics.Restarts.Count(r => r.Reason == "expired");
        Sandbox.Faults.FailNext(1_000_000, 500, "watch", "configmaps");
        Sandbox.Faults.CloseWatches();
        await Bounded.UntilAsync(() => Metrics.Requests.Contains(("watch", 500)), "a re-watch was refused");
        await _client.DeleteAsync(ConfigMaps, _ns, "vanishes", null, Fakes.Timeout());
        await Put("stays", "1");
        Sandbox.Faults.ExpireHistory();
        Sandbox.Faults.Reset();

        await log.WaitForAsync("UPDATE stays=1");   // a relist reports changed objects, then vanished ones
        await log.WaitForAsync("DELETE vanishes");
        await Put("after", "2");
        await log.WaitForAsync("ADD after=2");
        Metrics.Restarts.Count(r => r.Reason == "expired").ShouldBeGreaterThan(restartsBefore);
    }

    [Test]
    public async Task Rewatches_after_dropped_watches_without_losing_or_repeating_events()
    {
        await using var factory = Factory();
        var (informer, log) = Subscribe(factory);
        await informer.WaitForSyncAsync(Fakes.Timeout());

        for (var i = 0; i < 20; i++)
        {
            await Put($"c{i}", "1");
            if (i % 5 == 0) Sandbox.Faults.CloseWatches();
        }
        await log.WaitForAsync("ADD c19=1");

        log.All.Where(l => l.StartsWith("ADD c", StringComparison.Ordinal)).Distinct().Count().ShouldBe(20);
        log.All.Count(l => l.StartsWith("ADD c", StringComparison.Ordinal)).ShouldBe(20);
        Metrics.Restarts.ShouldContain(r => r.Reason == "closed");
    }

    [Test]
    public async Task Recovers_from_bursts_of_500_and_429_on_list_and_watch()
    {
        var before = Metrics.Requests.Count;   // the fixture's metrics: this test's requests come after these
        Sandbox.Faults.FailNext(6, 500, "list", "configmaps");
        Sandbox.Faults.FailNext(4, 429, "watch", "configmaps");
        await Put("x", "1");
        await using var factory = Factory();
        var (informer, log) = Subscribe(factory);

        await informer.WaitForSyncAsync(Fakes.Timeout(30));
        await log.WaitForAsync("ADD x=1");
        await Put("y", "1");
        await log.WaitForAsync("ADD y=1", seconds: 30);

        var mine = Metrics.Requests.Skip(before).ToArray();
        mine.ShouldContain(("list", 500));
        mine.ShouldContain(("watch", 429));
        // The list that still failed after the client's retries and the refused watch were reported to OnError.
        lock (_errors)
        {
            _errors.ShouldContain(e => e is KubeApiException && ((KubeApiException)e).Code == 500, string.Join("\n", _errors));
            _errors.ShouldContain(e => e is KubeApiException && ((KubeApiException)e).Code == 429, string.Join("\n", _errors));
        }
    }

    [Test]
    public async Task Late_subscribers_get_a_replay_and_resync_redelivers_the_cache()
    {
        await Put("r", "1");
        await using var factory = Factory(resync: TimeSpan.FromMilliseconds(200));
        var informer = factory.GetInformer(ConfigMaps, _ns, Managed);
        factory.Start();
        await informer.WaitForSyncAsync(Fakes.Timeout());

        var late = new EventLog();
        using (informer.AddEventHandler(late))
        {
            await late.WaitForAsync("ADD r=1");
            await late.WaitForAsync("RESYNC r=1");
        }
    }
}
