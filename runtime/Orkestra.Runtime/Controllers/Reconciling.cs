using Orkestra.ApiMachinery.Meta;

namespace Orkestra.Runtime.Controllers;

/// <summary>What a reconcile asks of the controller afterwards. No booleans: either done, or come back later.</summary>
public readonly record struct ReconcileResult(TimeSpan RequeueAfter)
{
    /// <summary>Converged; run again only when something changes (or at resync).</summary>
    public static readonly ReconcileResult Done = new(TimeSpan.Zero);

    /// <summary>Converged for now; run again after <paramref name="delay"/> (Katalog <c>requeue.after</c>).</summary>
    public static ReconcileResult After(TimeSpan delay) => new(delay);
}

/// <summary>Reconciles one object, identified by its key only. Called concurrently for different keys, never for
/// the same key at once. Throwing means "failed, retry with backoff"; see <see cref="TerminalReconcileException"/>.</summary>
public interface IReconciler
{
    ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellation);
}

/// <summary>
/// Optional for reconcilers: the controller calls it when a reconcile of <c>key</c> timed out (the reconcile itself
/// was cancelled, so it could not say so), so the object can show the failure. Must not throw.
/// </summary>
public interface IReconcileFailureReporter
{
    ValueTask ReportFailureAsync(ObjectKey key, string message, CancellationToken cancellation);
}

/// <summary>A failure that retrying cannot fix (e.g. a CR that fails a deny rule): recorded, not retried. The key
/// runs again when the object changes.</summary>
public sealed class TerminalReconcileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>How one reconcile ended, as the controller classified it.</summary>
public enum ReconcileOutcome
{
    Success,
    Requeue,
    Error,
    Terminal,
    Timeout,
    /// <summary>An error after which the retry policy gave up (maxAttempts).</summary>
    GaveUp,
}
