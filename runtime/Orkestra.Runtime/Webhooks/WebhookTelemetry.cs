using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Prometheus;
using Orkestra.Runtime.Observability;

namespace Orkestra.Runtime.Webhooks;

/// <summary>The webhooks' metrics (declared in <see cref="RuntimeMetrics"/>) and log lines (<see cref="Log"/>): one log
/// line per denial and per failed conversion. Thread-safe.</summary>
public sealed class WebhookTelemetry(RuntimeMetrics metrics, ILogger log)
{
    // The children of the hot-path series, found once per label set (WithLabels allocates its label array every call).
    private readonly ConcurrentDictionary<string, Histogram.Child> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Kind, string From, string To, bool Ok), Counter.Child> _conversions = new();
    private readonly ConcurrentDictionary<(string From, string To), Histogram.Child> _conversionDurations = new();

    public ILogger Logger => log;

    public void Denied(WebhookRoute route, AdmissionRequest request, string message) =>
        Log.AdmissionDenied(log, route.WebhookName, request.Operation, request.Describe(), message);

    public void Violation(string crd, string action) => metrics.AdmissionViolations.WithLabels(crd, action).Inc();

    public void NamespaceBlocked(string resource) => metrics.NamespaceProtectionBlocked.WithLabels(resource).Inc();

    public void DeletionBlocked() => metrics.DeletionProtectionBlocked.Inc();

    public void Converted(string kind, string from, string to, string? failure, TimeSpan duration)
    {
        var ok = failure is null;
        if (!_conversions.TryGetValue((kind, from, to, ok), out var counter))
        {
            counter = metrics.ConversionRequests.WithLabels(kind, from, to, ok ? "success" : "failure");
            _conversions.TryAdd((kind, from, to, ok), counter);
        }
        counter.Inc();
        if (!_conversionDurations.TryGetValue((from, to), out var histogram))
        {
            histogram = metrics.ConversionDuration.WithLabels(from, to);
            _conversionDurations.TryAdd((from, to), histogram);
        }
        histogram.Observe(duration.TotalSeconds);
        if (failure is not null) Log.ConversionFailed(log, kind, from, to, failure);
    }

    public void Request(string path, TimeSpan duration)
    {
        if (!_requests.TryGetValue(path, out var histogram))
        {
            histogram = metrics.WebhookRequestDuration.WithLabels(path);
            _requests.TryAdd(path, histogram);
        }
        histogram.Observe(duration.TotalSeconds);
    }

    public void BadRequest(string path, int code, string message) => Log.WebhookBadRequest(log, path, code, message);
}
