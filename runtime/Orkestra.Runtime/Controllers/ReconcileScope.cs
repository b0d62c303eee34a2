using Orkestra.ApiMachinery.Meta;

namespace Orkestra.Runtime.Controllers;

/// <summary>
/// One reconcile: its <see cref="Id"/> (the <c>reconcileID</c> of its log line and of the Events it records) and what
/// it changed. The controller opens one per reconcile; <see cref="Current"/> flows with the reconcile's async calls,
/// so the steps that write (children, status, the CR's metadata) say so with <see cref="Changed"/> without a parameter
/// through every layer, and observers read it once the reconcile ended. Outside a reconcile (ork render, ork simulate,
/// webhooks) <see cref="Current"/> is null and nothing is recorded. Thread-safe.
/// </summary>
public sealed class ReconcileScope
{
    private static readonly AsyncLocal<ReconcileScope?> Ambient = new();
    private readonly List<string> _changes = [];

    internal ReconcileScope(ObjectKey key, string id)
    {
        Key = key;
        Id = id;
    }

    /// <summary>The reconcile running on this async flow, or null.</summary>
    public static ReconcileScope? Current => Ambient.Value;

    public ObjectKey Key { get; }

    /// <summary>A UUID, as controller-runtime's <c>reconcileID</c>.</summary>
    public string Id { get; }

    /// <summary>What the reconcile wrote, in order (<c>created Deployment hello</c>, <c>wrote status</c>); empty for a
    /// reconcile that found everything converged.</summary>
    public IReadOnlyList<string> Changes
    {
        get
        {
            lock (_changes) return _changes.ToArray();
        }
    }

    /// <summary>Records one write: <paramref name="verb"/> (created, updated, deleted, rotated, wrote, patched) and
    /// what (<c>Deployment hello</c>, <c>status</c>).</summary>
    public void Changed(string verb, string what)
    {
        lock (_changes) _changes.Add(verb + " " + what);
    }

    /// <summary>Opens a reconcile of <paramref name="key"/> on the calling async flow (it ends with the caller's async
    /// method, which restores the flow's previous value).</summary>
    internal static ReconcileScope Begin(ObjectKey key)
    {
        var scope = new ReconcileScope(key, Guid.NewGuid().ToString());
        Ambient.Value = scope;
        return scope;
    }
}
