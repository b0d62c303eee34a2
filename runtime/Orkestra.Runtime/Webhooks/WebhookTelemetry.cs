using Microsoft.Extensions.Logging;
using Orkestra.Runtime.Observability;

namespace Orkestra.Runtime.Webhooks;

/// <summary>The webhooks' metrics (declared in <see cref="RuntimeMetrics"/>) and log lines (<see cref="Log"/>): one log
/// line per denial and per failed conversion. Thread-safe.</summary>
public sealed class WebhookTelemetry(RuntimeMetrics metrics, ILogger log)
{
    public ILogger Logger => log;

    public void Denied(WebhookRoute route, AdmissionRequest request, string message) =>
        Log.AdmissionDenied(log, route.WebhookName, request.Operation, request.Describe(), message);

    public void Violation(string crd, string action) => metrics.AdmissionViolations.WithLabels(crd, action).Inc();

    public void NamespaceBlocked(string resource) => metrics.NamespaceProtectionBlocked.WithLabels(resource).Inc();

    public void DeletionBlocked() => metrics.DeletionProtectionBlocked.Inc();

    public void Converted(string kind, string from, string to, string? failure, TimeSpan duration)
    {
        metrics.ConversionRequests.WithLabels(kind, from, to, failure is null ? "success" : "failure").Inc();
        metrics.ConversionDuration.WithLabels(from, to).Observe(duration.TotalSeconds);
        if (failure is not null) Log.ConversionFailed(log, kind, from, to, failure);
    }

    public void Request(string path, TimeSpan duration) => metrics.WebhookRequestDuration.WithLabels(path).Observe(duration.TotalSeconds);

    public void BadRequest(string path, int code, string message) => Log.WebhookBadRequest(log, path, code, message);
}
