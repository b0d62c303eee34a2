using System.Buffers;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Sandbox.Admission;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Faults;
using Orkestra.Sandbox.Handlers;
using Orkestra.Sandbox.Resources;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Watch;

/// <summary>
/// Serves one watch request: 200 with headers flushed at once, then one compact JSON event per line,
/// flushed per event. Start: RV unset/0 → synthetic ADDED for current state; N → replay after N, or a single
/// ERROR 410 Expired event when N is older than the history window. Selector transitions become ADDED/DELETED.
/// BOOKMARKs when asked (every <see cref="BookmarkInterval"/> and at the timeout), sendInitialEvents with the
/// initial-events-end bookmark, timeoutSeconds (default 30–60 minutes, as kube).
/// </summary>
internal sealed class WatchStream
{
    public static readonly TimeSpan BookmarkInterval = TimeSpan.FromMinutes(1);
    private const int Capacity = 1024;

    private readonly ObjectStore _store;
    private readonly TimeProvider _time;
    private readonly FaultInjector _faults;
    private readonly CustomResourceConverter? _converter;

    public WatchStream(ObjectStore store, TimeProvider time, FaultInjector faults, CustomResourceConverter? converter = null)
    {
        _store = store;
        _time = time;
        _faults = faults;
        _converter = converter;
    }

    public async Task ServeAsync(HttpContext context, ResourceType type, ListFilter filter, IQueryCollection query, bool table,
        string includeObject)
    {
        var rvText = query["resourceVersion"].FirstOrDefault();
        var bookmarks = query["allowWatchBookmarks"].FirstOrDefault() is "true" or "1";
        var sendInitial = query["sendInitialEvents"].FirstOrDefault() is { } si ? si is "true" or "1" : (bool?)null;
        var match = query["resourceVersionMatch"].FirstOrDefault();
        if (sendInitial is not null && (match != "NotOlderThan" || !bookmarks))
        {
            throw ApiError.Invalid("ListOptions", "meta.k8s.io", "", [Cause.Forbidden("resourceVersionMatch",
                "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan and allowWatchBookmarks=true")]);
        }
        if (sendInitial is null && !string.IsNullOrEmpty(match))
            throw ApiError.Invalid("ListOptions", "meta.k8s.io",
                "", [Cause.Forbidden("resourceVersionMatch",
                "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided")]);
        long? from = null;
        if (!string.IsNullOrEmpty(rvText) && rvText != "0")
        {
            if (!long.TryParse(rvText, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                throw ApiError.BadRequest($"invalid resource version: {rvText}");
            from = n;
        }
        if (sendInitial == true) from = null;
        var timeoutSeconds = RequestOptions.ParseLong(query["timeoutSeconds"].FirstOrDefault(), "timeoutSeconds");
        var timeout = timeoutSeconds is { } ts && ts > 0 ? TimeSpan.FromSeconds(ts) : TimeSpan.FromSeconds(1800 + Random.Shared.Next(1800));

        // kube-apiserver's answer to a version it has not reached (after a restore, or a restart empty).
        if (from > _store.Revision)
            throw new ApiError(504, "Timeout", $"Too large resource version: {from}, current: {_store.Revision}");
        var watcher = _store.Subscribe(type.StorageKey, from, Capacity, out var oldest, out var startRevision);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        var writer = new EventWriter(response, type, table, includeObject, _time, _converter);
        if (watcher is null)
        {
            var status = ApiError.Expired($"too old resource version: {from} ({oldest})").ToStatus();
            await writer.WriteAsync(WatchEventType.Error, status, context.RequestAborted).ConfigureAwait(false);
            return;
        }
        using var _ = watcher;
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, context.RequestAborted);
        var remainingInitial = sendInitial == true ? watcher.PendingCount : -1;
        var lastSent = from ?? 0;
        if (remainingInitial == 0) await writer.BookmarkAsync(startRevision, initialEnd: true, linked.Token).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var waiting = watcher.Events.WaitToReadAsync(linked.Token).AsTask();
                if (bookmarks)
                {
                    var tick = Task.Delay(BookmarkInterval, _time, linked.Token);
                    if (await Task.WhenAny(waiting, tick).ConfigureAwait(false) == tick && !waiting.IsCompleted)
                    {
                        if (watcher.TryGetIdleRevision(out var idle))
                            await writer.BookmarkAsync(idle, false, linked.Token).ConfigureAwait(false);
                        continue;
                    }
                }
                if (!await waiting.ConfigureAwait(false)) return; // closed: overflow, fault, shutdown
                // A held resource: the events wait in the queue (so no bookmark can pass them) until released.
                await _faults.WatchEventsMayFlow(type.Resource).WaitAsync(linked.Token).ConfigureAwait(false);
                while (watcher.Events.TryRead(out var e))
                {
                    if (from is { } f && e.Revision <= f) continue;
                    await SendAsync(writer, filter, e, linked.Token).ConfigureAwait(false);
                    lastSent = e.Revision;
                    if (remainingInitial > 0 && --remainingInitial == 0)
                        await writer.BookmarkAsync(startRevision, initialEnd: true, linked.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            if (bookmarks && watcher.TryGetIdleRevision(out var idle))
                await writer.BookmarkAsync(Math.Max(idle, lastSent), false, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ApiError e) when (e.Code == 500)
        {
            // a conversion webhook failed: the event cannot be shown in this version, so the watch ends with the error
            await writer.WriteAsync(WatchEventType.Error, e.ToStatus(), context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static async Task SendAsync(EventWriter writer, ListFilter filter, StoreChange e, CancellationToken cancellation)
    {
        switch (e.Type)
        {
            case WatchEventType.Added:
                if (filter.Matches(e.Object)) await writer.WriteAsync(WatchEventType.Added, e.Object, cancellation).ConfigureAwait(false);
                break;
            case WatchEventType.Deleted:
                if (filter.Matches(e.Object)) await writer.WriteAsync(WatchEventType.Deleted, e.Object, cancellation).ConfigureAwait(false);
                break;
            default:
                var now = filter.Matches(e.Object);
                var before = e.Previous is not null && filter.Matches(e.Previous);
                if (now && before) await writer.WriteAsync(WatchEventType.Modified, e.Object, cancellation).ConfigureAwait(false);
                else if (now) await writer.WriteAsync(WatchEventType.Added, e.Object, cancellation).ConfigureAwait(false);
                else if (before)
                {
                    var last = e.Previous!.Clone();
                    ((JsonObject)last["metadata"]!)["resourceVersion"] = e.Revision.ToString(CultureInfo.InvariantCulture);
                    await writer.WriteAsync(WatchEventType.Deleted, last, cancellation).ConfigureAwait(false);
                }
                break;
        }
    }

    /// <summary>Writes <c>{"type":T,"object":O}\n</c> and flushes; objects as the requested version or one-row Tables.</summary>
    private sealed class EventWriter(HttpResponse response, ResourceType type, bool table, string includeObject, TimeProvider time,
        CustomResourceConverter? converter)
    {
        private bool _columnsSent;

        public Task WriteAsync(WatchEventType eventType, StoredObject obj, CancellationToken cancellation)
        {
            if (!table && Json.Str(obj.Object, "apiVersion") == type.GroupVersion && CustomResourcePipeline.IsCurrent(type, obj))
                return WriteRawAsync(eventType, obj.Bytes, cancellation);
            // stored in another version: the conversion prunes by the target schema (ForRead would use the wrong one)
            if (converter is not null && CustomResourceConverter.NeedsCall(type, obj.Object))
                return WriteAsync(eventType, obj.Object, cancellation);
            return WriteAsync(eventType, CustomResourcePipeline.ForRead(type, obj) ?? obj.Object, cancellation);
        }

        public async Task WriteAsync(WatchEventType eventType, JsonObject obj, CancellationToken cancellation)
        {
            if (converter is not null && eventType is not (WatchEventType.Error or WatchEventType.Bookmark)
                && CustomResourceConverter.NeedsCall(type, obj))
            {
                var converted = await converter.ConvertAsync(type.Custom!, type.Kind, [obj], type.GroupVersion, type.Custom!.Schema)
                    .ConfigureAwait(false);
                obj = converted[0];
            }
            JsonNode payload;
            if (eventType is WatchEventType.Error or WatchEventType.Bookmark) payload = obj;
            else if (table)
            {
                var versioned = obj;
                if (Json.Str(obj, "apiVersion") != type.GroupVersion)
                {
                    versioned = (JsonObject)obj.DeepClone();
                    versioned["apiVersion"] = type.GroupVersion;
                }
                payload = Tables.Build(type, [versioned], includeObject, time.GetUtcNow(),
                    new JsonObject { ["resourceVersion"] = Json.Path(obj, "metadata.resourceVersion")?.DeepClone() },
                        withColumns: !_columnsSent);
                _columnsSent = true;
            }
            else if (Json.Str(obj, "apiVersion") != type.GroupVersion)
            {
                var copy = (JsonObject)obj.DeepClone();
                copy["apiVersion"] = type.GroupVersion;
                payload = copy;
            }
            else payload = obj;
            await WriteRawAsync(eventType, Json.ToBytes(payload), cancellation).ConfigureAwait(false);
        }

        public Task BookmarkAsync(long revision, bool initialEnd, CancellationToken cancellation)
        {
            var metadata = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) };
            if (initialEnd) metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
            var bookmark = new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.GroupVersion, ["metadata"] = metadata };
            return WriteRawAsync(WatchEventType.Bookmark, Json.ToBytes(bookmark), cancellation);
        }

        private async Task WriteRawAsync(WatchEventType eventType, byte[] obj, CancellationToken cancellation)
        {
            var buffer = new ArrayBufferWriter<byte>(obj.Length + 40);
            buffer.Write("{\"type\":\""u8);
            buffer.Write(System.Text.Encoding.ASCII.GetBytes(eventType.WireName()));
            buffer.Write("\",\"object\":"u8);
            buffer.Write(obj);
            buffer.Write("}\n"u8);
            await response.Body.WriteAsync(buffer.WrittenMemory, cancellation).ConfigureAwait(false);
            await response.Body.FlushAsync(cancellation).ConfigureAwait(false);
        }
    }
}
