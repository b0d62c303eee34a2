namespace Orkestra.Runtime.Controllers;

/// <summary>
/// Where a controller reports what it does (metrics and logs are implemented in Observability/). Called from
/// worker tasks concurrently; implementations must be thread-safe and must not throw.
/// </summary>
public interface IControllerObserver
{
    void WorkersActive(int active);
    /// <summary>One reconcile ended: <paramref name="reconcile"/> says which key, its id and what it changed.</summary>
    void Reconciled(ReconcileScope reconcile, ReconcileOutcome outcome, TimeSpan duration, Exception? error);
    void HealthChanged(ControllerHealth health);
}

public enum ControllerHealthState { Healthy, Degraded }

/// <summary>Health of one operator: degraded once <c>failureThreshold</c> reconciles in a row failed; a success heals it.</summary>
public readonly record struct ControllerHealth(ControllerHealthState State, int ConsecutiveFailures);

public sealed class NoControllerObserver : IControllerObserver
{
    public static readonly NoControllerObserver Instance = new();
    public void WorkersActive(int active) { }
    public void Reconciled(ReconcileScope reconcile, ReconcileOutcome outcome, TimeSpan duration, Exception? error) { }
    public void HealthChanged(ControllerHealth health) { }
}
