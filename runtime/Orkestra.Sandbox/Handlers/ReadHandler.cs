using System.Buffers;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Faults;
using Orkestra.Sandbox.Resources;
using Orkestra.Sandbox.Routing;
using Orkestra.Sandbox.Storage;
using Orkestra.Sandbox.Watch;

namespace Orkestra.Sandbox.Handlers;

/// <summary>
/// The read verbs: get, list (label/field selectors, limit and continue over one snapshot) — each as JSON or as a
/// Table — and the hand-off of a watch to <see cref="WatchStream"/>. Reads never write and collect no warnings.
/// </summary>
internal sealed class ReadHandler
{
    private const string ContinueTooOld =
        "The provided continue parameter is too old to display a consistent list result. You can start a new list " +
        "without the continue parameter, or use the continue token in this response to retrieve the remainder of the " +
        "results. Continuing with the provided token results in an inconsistent list - objects that were created, " +
        "modified, or deleted between the time the first chunk was returned and now may show up in the list.";

    private readonly ObjectService _objects;
    private readonly Presenter _presenter;
    private readonly WatchStream _watches;

    public ReadHandler(ObjectService objects, Presenter presenter, FaultInjector faults)
    {
        _objects = objects;
        _presenter = presenter;
        _watches = new WatchStream(objects.Store, objects.Time, faults, objects.Converter);
    }

    private ObjectStore Store => _objects.Store;

    public async Task<int> GetAsync(HttpContext context, ResourceType type, ApiPath path, string accept)
    {
        var stored = _objects.Get(type, path.Namespace, path.Name!);
        if (Tables.Wanted(accept))
        {
            var presented = await _presenter.PresentAllAsync(type, [stored], list: false).ConfigureAwait(false);
            var metadata = new JsonObject { ["resourceVersion"] = Format(stored.ResourceVersion) };
            var table = Tables.Build(type, presented, RequestOptions.IncludeObject(context), _objects.Time.GetUtcNow(), metadata);
            return await Responses.WriteJsonAsync(context, 200, table).ConfigureAwait(false);
        }
        return await _presenter.WriteObjectAsync(context, 200, type, stored).ConfigureAwait(false);
    }

    public async Task<int> ListAsync(HttpContext context, ResourceType type, string? ns, string accept)
    {
        var query = context.Request.Query;
        if (query["sendInitialEvents"].Count > 0)
        {
            var cause = Cause.Forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list");
            throw ApiError.Invalid("ListOptions", "meta.k8s.io", "", [cause]);
        }
        var filter = ListFilter.From(type, ns, query);
        var limit = RequestOptions.ParseLong(query["limit"].FirstOrDefault(), "limit") ?? 0;
        var continueToken = query["continue"].FirstOrDefault();
        var (items, revision) = Store.Snapshot(type.StorageKey, ns);
        ObjectKey? after = null;
        if (!string.IsNullOrEmpty(continueToken))
        {
            (revision, after) = ContinueToken.Parse(continueToken);
            if (revision < Store.Table(type.StorageKey).CompactedRevision) throw ApiError.Expired(ContinueTooOld);
        }
        var selected = new List<StoredObject>();
        string? nextToken = null;
        foreach (var item in items)
        {
            if (after is { } a && item.Key.CompareTo(a) <= 0) continue;
            if (!filter.Matches(item)) continue;
            if (limit > 0 && selected.Count == limit)
            {
                nextToken = ContinueToken.Create(revision, selected[^1].Key);
                break;
            }
            selected.Add(item);
        }
        var metadata = new JsonObject { ["resourceVersion"] = Format(revision) };
        if (nextToken is not null) metadata["continue"] = nextToken;
        var converted = _presenter.NeedsConversion(type, selected)
            ? await _presenter.PresentAllAsync(type, selected, list: true).ConfigureAwait(false)
            : null;
        if (Tables.Wanted(accept))
        {
            var rows = converted ?? selected.Select(s => Presenter.Present(type, s));
            var table = Tables.Build(type, rows, RequestOptions.IncludeObject(context), _objects.Time.GetUtcNow(), metadata);
            return await Responses.WriteJsonAsync(context, 200, table).ConfigureAwait(false);
        }
        var buffer = new ArrayBufferWriter<byte>(1024 + selected.Sum(s => s.Bytes.Length + 1));
        using (var writer = Json.CreateWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", type.ListKind);
            writer.WriteString("apiVersion", type.GroupVersion);
            writer.WritePropertyName("metadata");
            metadata.WriteTo(writer);
            writer.WriteStartArray("items");
            if (converted is not null)
            {
                foreach (var item in converted) item.WriteTo(writer);
            }
            else
            {
                foreach (var item in selected) writer.WriteRawValue(Presenter.PresentBytes(type, item), skipInputValidation: true);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return await Responses.WriteBytesAsync(context, 200, buffer.WrittenMemory).ConfigureAwait(false);
    }

    /// <summary>A watch: the filter is read here, the stream is served by <see cref="WatchStream"/>.</summary>
    public async Task<int> WatchAsync(HttpContext context, ResourceType type, string? ns, string accept)
    {
        var query = context.Request.Query;
        var filter = ListFilter.From(type, ns, query);
        await _watches.ServeAsync(context, type, filter, query, Tables.Wanted(accept), RequestOptions.IncludeObject(context))
            .ConfigureAwait(false);
        return 200;
    }

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
