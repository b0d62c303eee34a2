namespace Orkestra.Runtime.Reconciliation;

/// <summary>A failure already written to the CR's status and events: the controller retries the key, and the
/// reconciler does not report it a second time.</summary>
internal sealed class ReportedFailureException(string message) : InvalidOperationException(message);
