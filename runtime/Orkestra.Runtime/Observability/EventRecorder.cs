using System.Text.Json.Nodes;
using System.Threading.Channels;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Observability;

/// <summary>Writes core/v1 Events to the API (create a new one, or patch the count of an existing one).</summary>
public interface IEventSink
{
    ValueTask CreateAsync(JsonObject ev, CancellationToken cancellation);
    ValueTask UpdateCountAsync(string ns, string name, int count, DateTimeOffset lastTimestamp, CancellationToken cancellation);
}

/// <summary>
/// Kubernetes Events for the CRs, without ever slowing a reconcile or storming the API:
/// <list type="bullet">
/// <item><see cref="Record"/> never blocks: it enqueues into a bounded channel; when the channel is full the oldest
/// pending record is dropped (events are best-effort) and counted in <see cref="Dropped"/>.</item>
/// <item>Repeats aggregate: the same object, type, reason and message within <see cref="AggregationWindow"/>
/// update one Event's <c>count</c> and <c>lastTimestamp</c> instead of creating new Events.</item>
/// <item>Updates of one Event are written at most once per <see cref="MinUpdateInterval"/>; counts in between are
/// carried into the next write (or <see cref="FlushAsync"/>).</item>
/// </list>
/// One pump (<see cref="RunAsync"/>) per process drains the channel; the aggregation table is touched only by it.
/// </summary>
public sealed class EventRecorder : IEventRecorder
{
    private sealed class Series
    {
        public required string Namespace;
        public required string Name;
        public DateTimeOffset First;
        public DateTimeOffset Last;
        public DateTimeOffset LastWrite;
        public int Count;
        public int WrittenCount;
    }

    private readonly record struct Pending(
        ObjectRef Involved, string? Uid, EventType Type, string Reason, string Message, DateTimeOffset At, string? ReconcileId);

    /// <summary>On an Event recorded during a reconcile: that reconcile's id (the <c>reconcileID</c> of its log line).
    /// An aggregated Event keeps the id of the reconcile that created it.</summary>
    public const string ReconcileIdAnnotation = "orkestra.orkspace.io/reconcile-id";

    private readonly Channel<Pending> _pending;
    private readonly IEventSink _sink;
    private readonly TimeProvider _time;
    private readonly string _instance;
    // Owned by the pump only. Keyed by a 64-bit hash of (object, type, reason, message) rather than by those strings:
    // a series then costs its Event's name and counters, not copies of every message (a ramp of 1,500 CRs keeps
    // ~3,000 series for the aggregation window). Two different events colliding on 64 bits would only merge counts.
    private readonly Dictionary<ulong, Series> _series = new();
    private DateTimeOffset _lastPrune;
    private long _dropped;
    private long _sequence;

    public EventRecorder(IEventSink sink, TimeProvider? time = null, int capacity = 1024, string? instance = null)
    {
        _sink = sink;
        _time = time ?? TimeProvider.System;
        _instance = instance ?? Environment.MachineName;
        _pending = Channel.CreateBounded<Pending>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        }, _ => Interlocked.Increment(ref _dropped));
    }

    public TimeSpan AggregationWindow { get; init; } = TimeSpan.FromMinutes(10);
    public TimeSpan MinUpdateInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Records dropped because the pump could not keep up.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Record(ObjectRef involved, string? uid, EventType type, string reason, string message) =>
        _pending.Writer.TryWrite(new Pending(involved, uid, type, reason, Truncate(message), _time.GetUtcNow(),
            ReconcileScope.Current?.Id));

    /// <summary>
    /// Drains records until cancelled; held-back counts are written when their update interval has passed, and
    /// all of them on the way out, until <paramref name="flushBound"/> fires (what is left then is dropped and counted
    /// in <see cref="Dropped"/>). Cancellation ends the waiting, never a write in flight. Sink failures are swallowed
    /// per event.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellation, CancellationToken flushBound = default)
    {
        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                // Writes are cancelled only by the flush bound: a record already taken from the channel would be lost,
                // not flushed below. Each write is bounded by the sink (the API client's request timeout); a stop ends
                // the taking at once, so what is pending goes to the bounded flush.
                await DrainAsync(cancellation, flushBound).ConfigureAwait(false);
                var dirty = _series.Values.Where(s => s.Count != s.WrittenCount).ToArray();
                if (dirty.Length == 0)
                {
                    if (!await _pending.Reader.WaitToReadAsync(cancellation).ConfigureAwait(false)) break;
                    continue;
                }
                var due = dirty.Min(s => s.LastWrite) + MinUpdateInterval - _time.GetUtcNow();
                if (due <= TimeSpan.Zero) continue;
                using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                var arrival = _pending.Reader.WaitToReadAsync(wake.Token).AsTask();
                var timer = Task.Delay(due, _time, wake.Token);
                await Task.WhenAny(arrival, timer).ConfigureAwait(false);
                await wake.CancelAsync().ConfigureAwait(false);
                cancellation.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        try
        {
            await FlushAsync(flushBound).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (flushBound.IsCancellationRequested)
        {
            while (_pending.Reader.TryRead(out _)) Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Processes everything enqueued so far and writes the held-back counts whose interval has passed.</summary>
    public Task DrainAsync(CancellationToken cancellation) => DrainAsync(CancellationToken.None, cancellation);

    private async Task DrainAsync(CancellationToken stopTaking, CancellationToken writes)
    {
        while (!stopTaking.IsCancellationRequested && _pending.Reader.TryRead(out var record))
            await HandleAsync(record, writes).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        foreach (var series in _series.Values.Where(s => s.Count != s.WrittenCount && now - s.LastWrite >= MinUpdateInterval).ToArray())
        {
            if (stopTaking.IsCancellationRequested) return;
            await UpdateAsync(series, writes).ConfigureAwait(false);
        }
    }

    /// <summary>Processes everything enqueued so far and writes every held-back count now; <paramref name="cancellation"/>
    /// also cancels the write in flight (an <see cref="OperationCanceledException"/>, the rest stays pending).</summary>
    public async Task FlushAsync(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested && _pending.Reader.TryRead(out var record))
            await HandleAsync(record, cancellation).ConfigureAwait(false);
        foreach (var series in _series.Values.Where(s => s.Count != s.WrittenCount).ToArray())
        {
            cancellation.ThrowIfCancellationRequested();
            await UpdateAsync(series, cancellation).ConfigureAwait(false);
        }
        cancellation.ThrowIfCancellationRequested();
    }

    private async Task HandleAsync(Pending r, CancellationToken cancellation)
    {
        var key = SeriesKey(r);
        if (_series.TryGetValue(key, out var series) && r.At - series.First < AggregationWindow)
        {
            series.Count++;
            series.Last = r.At;
            if (r.At - series.LastWrite >= MinUpdateInterval) await UpdateAsync(series, cancellation).ConfigureAwait(false);
            return;
        }
        series = new Series
        {
            Namespace = r.Involved.Namespace ?? "default",
            // Unique even for events recorded in the same instant (kube names events <object>.<hex time>).
            Name = $"{r.Involved.Name}.{r.At.UtcTicks:x}{Interlocked.Increment(ref _sequence):x}",
            First = r.At,
            Last = r.At,
            LastWrite = r.At,
            Count = 1,
            WrittenCount = 1,
        };
        _series[key] = series;
        Prune(r.At);
        var stamp = KubeTime.Format(r.At);
        var involved = new JsonObject
        {
            ["apiVersion"] = r.Involved.ApiVersion,
            ["kind"] = r.Involved.Kind,
            ["name"] = r.Involved.Name,
        };
        if (r.Involved.Namespace is not null) involved["namespace"] = r.Involved.Namespace;
        if (r.Uid is not null) involved["uid"] = r.Uid;
        var metadata = new JsonObject { ["name"] = series.Name, ["namespace"] = series.Namespace };
        if (r.ReconcileId is not null) metadata["annotations"] = new JsonObject { [ReconcileIdAnnotation] = r.ReconcileId };
        try
        {
            await _sink.CreateAsync(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Event",
                ["metadata"] = metadata,
                ["involvedObject"] = involved,
                ["type"] = r.Type.ToString(),
                ["reason"] = r.Reason,
                ["message"] = r.Message,
                ["count"] = 1,
                ["firstTimestamp"] = stamp,
                ["lastTimestamp"] = stamp,
                ["source"] = new JsonObject { ["component"] = "orkestra" },
                ["reportingComponent"] = "orkestra",
                ["reportingInstance"] = _instance,
            }, cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Best effort: a failed event write never fails a reconcile.
        }
    }

    private async Task UpdateAsync(Series series, CancellationToken cancellation)
    {
        series.LastWrite = _time.GetUtcNow();
        series.WrittenCount = series.Count;
        try
        {
            await _sink.UpdateCountAsync(series.Namespace, series.Name, series.Count, series.Last, cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
        }
    }

    /// <summary>Forgets series whose aggregation window has passed — at most once per tenth of the window, or at once
    /// when the table is large — so the table holds only the series that can still aggregate.</summary>
    private void Prune(DateTimeOffset now)
    {
        if (_series.Count < PruneAtCount && now - _lastPrune < AggregationWindow / 10) return;
        _lastPrune = now;
        foreach (var (key, series) in _series)
        {
            if (now - series.First >= AggregationWindow) _series.Remove(key);
        }
    }

    private const int PruneAtCount = 4096;

    /// <summary>Number of series that can still aggregate (for tests).</summary>
    internal int SeriesCount => _series.Count;

    /// <summary>FNV-1a over the series' identity, fields separated by a byte no text contains.</summary>
    private static ulong SeriesKey(in Pending r)
    {
        var hash = 14695981039346656037UL;
        Mix(ref hash, r.Involved.ApiVersion);
        Mix(ref hash, r.Involved.Kind);
        Mix(ref hash, r.Involved.Namespace ?? "");
        Mix(ref hash, r.Involved.Name);
        Mix(ref hash, r.Type == EventType.Normal ? "N" : "W");
        Mix(ref hash, r.Reason);
        Mix(ref hash, r.Message);
        return hash;

        static void Mix(ref ulong hash, string text)
        {
            foreach (var c in text)
            {
                hash = (hash ^ (byte)c) * 1099511628211UL;
                hash = (hash ^ (byte)(c >> 8)) * 1099511628211UL;
            }
            hash = (hash ^ 0xFF) * 1099511628211UL;
        }
    }

    private static string Truncate(string message) => message.Length <= 1024 ? message : message[..1021] + "...";
}
