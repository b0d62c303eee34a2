using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Kube;
using Orkestra.Kube.Client;
using Orkestra.Runtime.Observability;

namespace Orkestra.Runtime.Cluster;

/// <summary><see cref="IEventSink"/> writing core/v1 Events: a create per new series, a merge patch of count and
/// lastTimestamp per aggregated update. Thread-safe.</summary>
internal sealed class KubeEventSink(IKubeWriter writer) : IEventSink
{
    private static readonly GroupVersionResource Events = new("", "v1", "events");

    public async ValueTask CreateAsync(JsonObject ev, CancellationToken cancellation)
    {
        var ns = (string?)ev["metadata"]?["namespace"] ?? "default";
        await writer.CreateAsync(Events, ns, ev, null, cancellation).ConfigureAwait(false);
    }

    public async ValueTask UpdateCountAsync(string ns, string name, int count, DateTimeOffset lastTimestamp, CancellationToken cancellation)
    {
        var patch = new JsonObject
        {
            ["count"] = count,
            ["lastTimestamp"] = KubeTime.Format(lastTimestamp),
        };
        await writer.PatchAsync(Events, ns, name, PatchType.Merge, patch, null, cancellation).ConfigureAwait(false);
    }
}
