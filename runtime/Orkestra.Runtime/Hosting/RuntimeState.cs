using System.Text.Json;
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
    /// <summary>Waiting (e.g. for its CRD or a dependency) instead of running, with the reason.</summary>
    public Func<string?> Waiting { get; init; } = () => null;
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

    /// <summary>Ready once every operator's cache has synced (or it is waiting for its CRD).</summary>
    public bool Ready => _started && _operators.All(o => o.Synced() || o.Waiting() is not null);

    /// <summary>The gateway URL advertised on <c>/katalog</c> (<c>security.gatewayEndpoint</c> or ORK_GATEWAY_ENDPOINT);
    /// null: none.</summary>
    public string? GatewayEndpoint { get; set; }

    /// <summary>Whether this process currently holds the leader lease (null when leader election is off).</summary>
    public Func<bool?> Leading { get; set; } = () => null;
}
