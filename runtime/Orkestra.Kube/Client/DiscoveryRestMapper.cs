using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text.Json;
using Orkestra.Kube.Connection;

namespace Orkestra.Kube.Client;

/// <summary>
/// <see cref="IRestMapper"/> from the per-group-version discovery documents (<c>api/v1</c>, <c>apis/G/V</c>).
/// Only the group version a kind names is fetched. Thread-safe: each group version's table is an immutable
/// dictionary swapped whole into a <see cref="ConcurrentDictionary{TKey,TValue}"/>; two concurrent misses may both
/// fetch, and the later answer wins (both are correct).
/// </summary>
internal sealed class DiscoveryRestMapper(HttpClient http, KubeConnectionOptions options) : IRestMapper
{
    private readonly ConcurrentDictionary<string, FrozenDictionary<string, ResourceMapping>> _byGroupVersion = new(StringComparer.Ordinal);
    private readonly DynamicKubeClient _client = new(http, options);

    public async Task<ResourceMapping> MapAsync(GroupVersionKind kind, CancellationToken cancellation)
    {
        if (_byGroupVersion.TryGetValue(kind.ApiVersion, out var known) && known.TryGetValue(kind.Kind, out var mapping)) return mapping;
        var fresh = await DiscoverAsync(kind.Group, kind.Version, cancellation).ConfigureAwait(false);
        _byGroupVersion[kind.ApiVersion] = fresh;
        return fresh.TryGetValue(kind.Kind, out mapping)
            ? mapping
            : throw NotServed(kind, $"{kind.ApiVersion} has no kind {kind.Kind}");
    }

    private async Task<FrozenDictionary<string,
        ResourceMapping>> DiscoverAsync(string group, string version, CancellationToken cancellation)
    {
        JsonElement document;
        try
        {
            document = await _client.GetDiscoveryAsync(ResourcePaths.Discovery(group, version), cancellation).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return FrozenDictionary<string, ResourceMapping>.Empty;
        }
        var table = new Dictionary<string, ResourceMapping>(StringComparer.Ordinal);
        if (document.ValueKind == JsonValueKind.Object && document.TryGetProperty("resources", out var resources)
            && resources.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in resources.EnumerateArray())
            {
                if (!entry.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String) continue;
                if (!entry.TryGetProperty("kind", out var kindName) || kindName.ValueKind != JsonValueKind.String) continue;
                var plural = name.GetString()!;
                if (plural.Contains('/', StringComparison.Ordinal)) continue;   // subresources (x/status, x/scale)
                var namespaced = entry.TryGetProperty("namespaced", out var ns) && ns.ValueKind == JsonValueKind.True;
                var gvk = new GroupVersionKind(group, version, kindName.GetString()!);
                table.TryAdd(gvk.Kind, new ResourceMapping(gvk, new GroupVersionResource(group, version, plural), namespaced));
            }
        }
        return table.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static KubeApiException NotServed(GroupVersionKind kind, string why) =>
        new(404, "NotFound", $"no resource for {kind}: {why} (is its CustomResourceDefinition installed?)");
}
