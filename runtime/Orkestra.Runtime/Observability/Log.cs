using Microsoft.Extensions.Logging;

namespace Orkestra.Runtime.Observability;

/// <summary>
/// Every log event the runtime writes, declared once with a stable EventId (source-generated, no boxing, AOT-safe).
/// 1xx reconcile, 2xx operator health, 3xx leadership, 4xx informers and API.
/// </summary>
public static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "reconciled {Crd} {Key}: {Outcome} in {DurationMs} ms")]
    public static partial void Reconciled(ILogger logger, string crd, string key, string outcome, double durationMs);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "reconcile {Crd} {Key}: {Outcome} in {DurationMs} ms: {Error}")]
    public static partial void ReconcileFailed(ILogger logger, string crd, string key, string outcome, double durationMs, string error);

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "operator {Crd} is degraded after {Failures} consecutive failures")]
    public static partial void Degraded(ILogger logger, string crd, int failures);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "operator {Crd} is healthy again")]
    public static partial void Healed(ILogger logger, string crd);

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "leadership: {Identity} {Change}")]
    public static partial void Leadership(ILogger logger, string identity, string change);

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "watch of {Resource} restarted: {Reason}")]
    public static partial void WatchRestarted(ILogger logger, string resource, string reason);
}
