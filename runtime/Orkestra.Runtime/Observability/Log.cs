using Microsoft.Extensions.Logging;

namespace Orkestra.Runtime.Observability;

/// <summary>
/// Every log event the runtime writes, declared once with a stable EventId (source-generated, no boxing, AOT-safe).
/// 1xx reconcile, 2xx operator health, 3xx leadership, 4xx informers and API, 5xx process, 6xx webhooks.
/// </summary>
public static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "reconciled {Crd} {Namespace}/{Name}: {Result} in {DurationMs} ms: {Changes} (reconcile {ReconcileID})")]
    public static partial void Reconciled(ILogger logger, string crd, string @namespace, string name, string result, double durationMs,
        string changes, string reconcileID);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning,
        Message = "reconcile {Crd} {Namespace}/{Name}: {Result} in {DurationMs} ms: {Error}; {Changes} (reconcile {ReconcileID})")]
    public static partial void ReconcileFailed(ILogger logger, string crd, string @namespace, string name, string result,
        double durationMs, string error, string changes, string reconcileID);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug,
        Message = "reconciled {Crd} {Namespace}/{Name}: {Result} in {DurationMs} ms, nothing to change (reconcile {ReconcileID})")]
    public static partial void ReconcileUnchanged(ILogger logger, string crd, string @namespace, string name, string result,
        double durationMs, string reconcileID);

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "operator {Crd} is degraded after {Failures} consecutive failures")]
    public static partial void Degraded(ILogger logger, string crd, int failures);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "operator {Crd} is healthy again")]
    public static partial void Healed(ILogger logger, string crd);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "operator {Crd} is waiting: {Reason}")]
    public static partial void OperatorWaiting(ILogger logger, string crd, string reason);

    [LoggerMessage(EventId = 203, Level = LogLevel.Information,
        Message = "operator {Crd} ({Kind}) synced: {Resources} resources, {Workers} workers")]
    public static partial void OperatorSynced(ILogger logger, string crd, string kind, int resources, int workers);

    [LoggerMessage(EventId = 204, Level = LogLevel.Error, Message = "operator {Crd} failed to start: {Error}")]
    public static partial void OperatorFailed(ILogger logger, string crd, string error);

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "leadership: {Identity} {Change}")]
    public static partial void Leadership(ILogger logger, string identity, string change);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information,
        Message = "sharding: {Shards} buckets per CRD over Leases in {Namespace} (group {Group}) as {Identity}")]
    public static partial void Sharding(ILogger logger, int shards, string @namespace, string group, string identity);

    [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "shard: {Crd} bucket {Bucket} {Change}")]
    public static partial void ShardBucket(ILogger logger, string crd, int bucket, string change);

    [LoggerMessage(EventId = 304, Level = LogLevel.Information, Message = "shard members: {Members}")]
    public static partial void ShardMembers(ILogger logger, string members);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "leader election on lease {Namespace}/{Name} as {Identity}")]
    public static partial void Campaigning(ILogger logger, string @namespace, string name, string identity);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "informer {Informer}: {Error}")]
    public static partial void InformerError(ILogger logger, string informer, string error);

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "watch of {Resource} restarted: {Reason}")]
    public static partial void WatchRestarted(ILogger logger, string resource, string reason);

    [LoggerMessage(EventId = 500, Level = LogLevel.Information,
        Message = "ork run: {Operators} operators from {Katalogs} Katalogs against {Server} ({Source}); HTTP on {Address}")]
    public static partial void Starting(ILogger logger, int operators, int katalogs, string server, string source, string address);

    [LoggerMessage(EventId = 511, Level = LogLevel.Information,
        Message = "Komposer {Komposer} imported Katalog {Katalog} from {Reference} ({Digest}, read from the {Origin})")]
    public static partial void Imported(ILogger logger, string komposer, string katalog, string reference, string digest, string origin);

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "applied {Kind} {Name} from {File}")]
    public static partial void Applied(ILogger logger, string kind, string name, string file);

    [LoggerMessage(EventId = 502, Level = LogLevel.Error, Message = "could not apply {File}: {Error}")]
    public static partial void ApplyFailed(ILogger logger, string file, string error);

    [LoggerMessage(EventId = 503, Level = LogLevel.Information, Message = "shutting down: draining workers (up to {DrainSeconds} s)")]
    public static partial void ShuttingDown(ILogger logger, double drainSeconds);

    [LoggerMessage(EventId = 508, Level = LogLevel.Warning,
        Message = "shutting down: {Count} Events not written within the shutdown deadline")]
    public static partial void EventsDropped(ILogger logger, long count);

    [LoggerMessage(EventId = 509, Level = LogLevel.Warning, Message = "could not delete lease {Lease}: {Error}")]
    public static partial void LeaseNotDeleted(ILogger logger, string lease, string error);

    [LoggerMessage(EventId = 510, Level = LogLevel.Error,
        Message = "the API server at {Server} did not answer within {Seconds} s: {Error}; nothing was started")]
    public static partial void Unreachable(ILogger logger, string server, double seconds, string error);

    [LoggerMessage(EventId = 504, Level = LogLevel.Information, Message = "stopped cleanly")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 505, Level = LogLevel.Debug,
        Message = "memory trimmed after a burst of work: GC heap {HeapBytes} bytes, {CommittedBytes} bytes committed")]
    public static partial void MemoryTrimmed(ILogger logger, long heapBytes, long committedBytes);

    [LoggerMessage(EventId = 506, Level = LogLevel.Information,
        Message = "released {ReleasedKiB} KiB of start-up pages of the executable ({Mappings} mappings; "
                  + "resident file-backed memory {BeforeKiB} -> {AfterKiB} KiB)")]
    public static partial void StartupPagesReleased(ILogger logger, long releasedKiB, int mappings, long beforeKiB, long afterKiB);

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "webhooks: HTTPS on {Address} ({Certificate}): {Paths}")]
    public static partial void WebhooksServing(ILogger logger, string address, string certificate, string paths);

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "registered {Kind} {Name} ({Webhooks} webhooks) at {Target}")]
    public static partial void WebhookRegistered(ILogger logger, string kind, string name, int webhooks, string target);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "webhooks are served but not registered: {Reason}")]
    public static partial void WebhooksNotRegistered(ILogger logger, string reason);

    [LoggerMessage(EventId = 603, Level = LogLevel.Information,
        Message = "admission webhook {Webhook} denied {Operation} {Object}: {Message}")]
    public static partial void AdmissionDenied(ILogger logger, string webhook, string operation, string @object, string message);

    [LoggerMessage(EventId = 604, Level = LogLevel.Warning, Message = "conversion of {Kind} from {From} to {To} failed: {Message}")]
    public static partial void ConversionFailed(ILogger logger, string kind, string from, string to, string message);

    [LoggerMessage(EventId = 605, Level = LogLevel.Information, Message = "removed {What}")]
    public static partial void WebhookRemoved(ILogger logger, string what);

    [LoggerMessage(EventId = 606, Level = LogLevel.Error, Message = "webhook registration: {Error}")]
    public static partial void WebhookRegistrationFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 607, Level = LogLevel.Debug, Message = "webhook request to {Path} answered {Code}: {Message}")]
    public static partial void WebhookBadRequest(ILogger logger, string path, int code, string message);

    [LoggerMessage(EventId = 608, Level = LogLevel.Information, Message = "CustomResourceDefinition {Crd}: conversion through {Target}")]
    public static partial void CrdConversionPatched(ILogger logger, string crd, string target);

    [LoggerMessage(EventId = 609, Level = LogLevel.Information, Message = "webhooks: {Note}")]
    public static partial void WebhookNote(ILogger logger, string note);

    [LoggerMessage(EventId = 610, Level = LogLevel.Warning,
        Message = "Lease {Namespace}/{Name} is held by {Holder} and not expired: left alone")]
    public static partial void LeaseLeftAlone(ILogger logger, string @namespace, string name, string holder);

    [LoggerMessage(EventId = 507, Level = LogLevel.Debug, Message = "start-up pages of the executable not released: {Reason}")]
    public static partial void StartupPagesKept(ILogger logger, string reason);
}
