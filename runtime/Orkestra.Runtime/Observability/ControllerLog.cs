using Microsoft.Extensions.Logging;
using Orkestra.Runtime.Controllers;

namespace Orkestra.Runtime.Observability;

/// <summary>
/// Logs one line per reconcile and every health change of one operator. A reconcile that wrote something (a child
/// created, updated, rotated or deleted, the status, the CR's metadata) is one INFO line listing those writes; one that
/// failed is one WARN line with the error and what it wrote before; one that found everything converged is a DEBUG
/// line only (and counted in <c>orkestra_reconcile_noop_total</c>). Every line carries the reconcile's id.
/// </summary>
public sealed class ControllerLog(string crd, ILogger logger) : IControllerObserver
{
    public void WorkersActive(int active) { }

    public void Reconciled(ReconcileScope reconcile, ReconcileOutcome outcome, TimeSpan duration, Exception? error)
    {
        var ms = Math.Round(duration.TotalMilliseconds, 3);
        var (ns, name) = (reconcile.Key.Namespace ?? "", reconcile.Key.Name);
        var changes = reconcile.Changes;
        if (error is not null)
        {
            Log.ReconcileFailed(logger, crd, ns, name, Name(outcome), ms, error.Message, Describe(changes), reconcile.Id);
        }
        else if (changes.Count > 0)
        {
            Log.Reconciled(logger, crd, ns, name, Name(outcome), ms, Describe(changes), reconcile.Id);
        }
        else if (logger.IsEnabled(LogLevel.Debug))
        {
            Log.ReconcileUnchanged(logger, crd, ns, name, Name(outcome), ms, reconcile.Id);
        }
    }

    private static string Describe(IReadOnlyList<string> changes) => changes.Count == 0 ? "changed nothing" : string.Join(", ", changes);

    public void HealthChanged(ControllerHealth health)
    {
        if (health.State == ControllerHealthState.Degraded) Log.Degraded(logger, crd, health.ConsecutiveFailures);
        else Log.Healed(logger, crd);
    }

    internal static string Name(ReconcileOutcome outcome) => outcome switch
    {
        ReconcileOutcome.Success => "success",
        ReconcileOutcome.Requeue => "requeue",
        ReconcileOutcome.Error => "error",
        ReconcileOutcome.Terminal => "terminal",
        ReconcileOutcome.Timeout => "timeout",
        _ => "gave-up",
    };
}

/// <summary>Fans one controller's reports out to several observers (metrics, logs).</summary>
public sealed class ControllerObservers(params IControllerObserver[] observers) : IControllerObserver
{
    public void WorkersActive(int active) { foreach (var o in observers) o.WorkersActive(active); }
    public void Reconciled(ReconcileScope reconcile, ReconcileOutcome outcome, TimeSpan duration, Exception? error)
    {
        foreach (var o in observers) o.Reconciled(reconcile, outcome, duration, error);
    }
    public void HealthChanged(ControllerHealth health) { foreach (var o in observers) o.HealthChanged(health); }
}
