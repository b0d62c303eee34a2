using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Kube.Client;
using Orkestra.Kube.Connection;
using Orkestra.Kube.Informers;
using Orkestra.Kube.Tests.Support;
using Orkestra.Sandbox;

namespace Orkestra.Kube.Tests.Integration;

/// <summary>
/// An API server restored from a backup (or restarted empty) answers with resourceVersions older than the informer's
/// cache: the informer detects it (a watch from its version is "Too large", or an event is older than the cache),
/// relists with a consistent read and takes that answer — it never keeps objects the server no longer has.
/// A sandbox of its own: the restore takes the whole server back.
/// </summary>
public sealed class ServerGoesBackTests
{
    private static readonly GroupVersionResource ConfigMaps = new("", "v1", "configmaps");

    private static JsonObject Cm(string name) => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = name },
    };

    [Test, CancelAfter(60_000)]
    public async Task After_a_restore_the_cache_relists_and_drops_what_the_server_no_longer_has()
    {
        await using var sandbox = await TestSandbox.StartAsync(new SandboxOptions { Port = 0 });
        using var connection = KubeConnection.Create(new KubeConnectionOptions { KubeconfigPath = sandbox.KubeconfigPath });
        var client = connection.CreateClient();
        await client.CreateAsync(ConfigMaps, "default", Cm("kept"), null, default).Within();
        var backup = sandbox.Server.Faults.Backup();

        var errors = new List<string>();
        await using var factory = new SharedInformerFactory(client, new InformerOptions
        {
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            MaxBackoff = TimeSpan.FromMilliseconds(200),
            OnError = (_, e) => { lock (errors) errors.Add(e.Message); },
        });
        var informer = factory.GetInformer(ConfigMaps, "default");
        factory.Start();
        await informer.WaitForSyncAsync(default).Within();
        for (var i = 0; i < 3; i++) await client.CreateAsync(ConfigMaps, "default", Cm($"lost-{i}"), null, default).Within();
        await Bounded.UntilAsync(() => informer.Cache.Count == 4, "the informer to see the ConfigMaps written after the backup");

        sandbox.Server.Faults.Restore(backup);
        await Bounded.UntilAsync(() => Names(informer).SequenceEqual(["kept"]), "the cache to hold what the restored server holds",
            context: () => string.Join(", ", Names(informer)));
        // Writes after the restore reuse versions the informer had already seen; they still arrive.
        await client.CreateAsync(ConfigMaps, "default", Cm("after"), null, default).Within();
        await Bounded.UntilAsync(() => Names(informer).SequenceEqual(["after", "kept"]), "the write after the restore to arrive",
            context: () => string.Join(", ", Names(informer)));
        lock (errors) errors.ShouldContain(e => e.Contains("resource version", StringComparison.OrdinalIgnoreCase));
    }

    private static IEnumerable<string> Names(IInformer informer) => informer.Cache.List().Select(o => ObjectMeta.Name(o)!).Order();
}
