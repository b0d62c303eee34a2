using Microsoft.Extensions.Logging;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Runtime.Controllers;

namespace Orkestra.Runtime.Observability;

/// <summary>Logs one line per reconcile outcome (CRD, key, result, duration) and every health change of one operator.</summary>
public sealed class ControllerLog(string crd, ILogger logger) : IControllerObserver
{
    public void WorkersActive(int active) { }

    public void Reconciled(ObjectKey key, ReconcileOutcome outcome, TimeSpan duration, Exception? error)
    {
        var ms = Math.Round(duration.TotalMilliseconds, 3);
        if (error is null) Log.Reconciled(logger, crd, key.ToString(), Name(outcome), ms);
        else Log.ReconcileFailed(logger, crd, key.ToString(), Name(outcome), ms, error.Message);
    }

    public void HealthChanged(ControllerHealth health)
    {
        if (health.State == ControllerHealthState.Degraded) Log.Degraded(logger, crd, health.ConsecutiveFailures);
        else Log.Healed(logger, crd);
    }

    private static string Name(ReconcileOutcome outcome) => outcome switch
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
    public void Reconciled(ObjectKey key, ReconcileOutcome outcome, TimeSpan duration, Exception? error)
    {
        foreach (var o in observers) o.Reconciled(key, outcome, duration, error);
    }
    public void HealthChanged(ControllerHealth health) { foreach (var o in observers) o.HealthChanged(health); }
}
