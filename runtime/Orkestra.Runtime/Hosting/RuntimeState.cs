using System.Text.Json;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Model;
using Orkestra.Runtime.Controllers;

namespace Orkestra.Runtime.Hosting;

/// <summary>
/// What the runtime exposes about one operator to the HTTP surface. The host fills it with live views of the
/// operator's queue, controller and cache; every member is safe to read from any thread.
/// </summary>
public sealed class OperatorView
{
    public required string Crd { get; init; }
    public required string Group { get; init; }
    public required string Version { get; init; }
    public required string Kind { get; init; }
    public required int Workers { get; init; }
    public required Func<int> QueueDepth { get; init; }
    public required Func<int> ActiveWorkers { get; init; }
    public required Func<ControllerHealth> Health { get; init; }
    public required Func<bool> Synced { get; init; }
    /// <summary>The CRs in the cache (snapshots).</summary>
    public required Func<IReadOnlyList<JsonElement>> Resources { get; init; }
    /// <summary>Writes one CR's detail (<c>/katalog/{crd}/cr/{namespace}/{name}</c>); false when there is no such CR.
    /// Null: not offered.</summary>
    public Func<ObjectKey, Utf8JsonWriter, CancellationToken, Task<bool>>? Detail { get; init; }

    /// <summary>Writes the recent Events of the CRD's CRs (<c>/katalog/{crd}/events</c>). Null: not offered.</summary>
    public Func<Utf8JsonWriter, CancellationToken, Task>? Events { get; init; }

    /// <summary>Shard buckets per CRD (<c>--shards</c>); 0 when not sharded.</summary>
    public int Shards { get; init; }

    /// <summary>The shard buckets this replica holds, ascending; null when not sharded.</summary>
    public Func<IReadOnlyList<int>?> ShardsHeld { get; init; } = () => null;

    /// <summary>Waiting (e.g. for its CRD or a dependency) instead of running, with the reason.</summary>
    public Func<string?> Waiting { get; init; } = () => null;

    /// <summary>Why the operator's caches cannot be trusted although synced (no contact with the API server within the
    /// bound, see <see cref="RuntimeOptions.ContactBound"/>), or null.</summary>
    public Func<string?> OutOfContact { get; init; } = () => null;

    /// <summary>Why this operator is not ready (caches not synced, out of contact), or null; waiting for its CRD is
    /// ready (the others run).</summary>
    public string? NotReady()
    {
        if (Waiting() is not null) return null;
        if (!Synced()) return $"{Crd}: caches not synced";
        return OutOfContact() is { } why ? $"{Crd}: {why}" : null;
    }
}

/// <summary>The process-wide state behind the health and Katalog endpoints. Thread-safe.</summary>
public sealed class RuntimeState
{
    private volatile IReadOnlyList<OperatorView> _operators = [];
    private volatile bool _started;

    public IReadOnlyList<OperatorView> Operators => _operators;

    public void SetOperators(IReadOnlyList<OperatorView> operators) => _operators = operators;

    /// <summary>Configuration resolved and operators created (the startup probe).</summary>
    public bool Started => _started;

    public void MarkStarted() => _started = true;

    /// <summary>Ready once every operator's cache has synced (or it is waiting for its CRD) and is in contact with the
    /// API server.</summary>
    public bool Ready => NotReadyReason is null;

    /// <summary>Null when <see cref="Ready"/>; else every reason, one per line.</summary>
    public string? NotReadyReason
    {
        get
        {
            if (!_started) return "starting";
            var reasons = _operators.Select(o => o.NotReady()).OfType<string>().ToArray();
            return reasons.Length == 0 ? null : string.Join("\n", reasons);
        }
    }

    /// <summary>The gateway URL advertised on <c>/katalog</c> (<c>security.gatewayEndpoint</c> or ORK_GATEWAY_ENDPOINT);
    /// null: none.</summary>
    public string? GatewayEndpoint { get; set; }

    /// <summary>With <c>--shards</c>: the replicas this one sees alive (identities, ordered); null when not sharded.</summary>
    public Func<IReadOnlyList<string>?> ShardMembers { get; set; } = () => null;

    /// <summary>Whether this process currently holds the leader lease (null when leader election is off).</summary>
    public Func<bool?> Leading { get; set; } = () => null;

    /// <summary>What each Komposer imported, resolved once at start (shown on <c>/katalog</c>); empty for plain Katalogs.</summary>
    public IReadOnlyList<(string Komposer, KatalogSource Source)> Sources { get; set; } = [];
}
