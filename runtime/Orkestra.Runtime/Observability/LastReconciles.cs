using System.Collections.Concurrent;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Runtime.Controllers;

namespace Orkestra.Runtime.Observability;

/// <summary>How the last reconcile of one CR ended (for <c>/katalog/{crd}/cr/{namespace}/{name}</c>).</summary>
public sealed record LastReconcile(string ReconcileId, string Result, double DurationMs, DateTimeOffset At,
    IReadOnlyList<string> Changes, string? Error);

/// <summary>The last reconcile of every CR of one operator: one small record per CR, replaced by each reconcile and
/// dropped by the first reconcile that finds the CR gone (<paramref name="exists"/> false). Thread-safe.</summary>
public sealed class LastReconciles(TimeProvider time, Func<ObjectKey, bool> exists) : IControllerObserver
{
    private readonly ConcurrentDictionary<ObjectKey, LastReconcile> _last = new();

    public LastReconcile? Of(ObjectKey key) => _last.TryGetValue(key, out var last) ? last : null;

    public void WorkersActive(int active) { }

    public void Reconciled(ReconcileScope reconcile, ReconcileOutcome outcome, TimeSpan duration, Exception? error)
    {
        if (!exists(reconcile.Key))
        {
            _last.TryRemove(reconcile.Key, out _);
            return;
        }
        _last[reconcile.Key] = new LastReconcile(reconcile.Id, ControllerLog.Name(outcome), Math.Round(duration.TotalMilliseconds, 3),
            time.GetUtcNow(), reconcile.Changes, error?.Message);
    }

    public void HealthChanged(ControllerHealth health) { }
}
