using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Orkestra.Sandbox.Admission;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Resources;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Handlers;

/// <summary>
/// Stored objects as the version a request asked for: the stored bytes when they already are that version, a pruned
/// and defaulted copy for custom resources stored before a schema change, and the CRD's conversion webhook (one review
/// per response) for objects stored in another version.
/// </summary>
internal sealed class Presenter
{
    private readonly ObjectService _objects;

    public Presenter(ObjectService objects) => _objects = objects;

    /// <summary>The stored object as the requested version (None conversion: only apiVersion changes).</summary>
    /// <remarks>Custom resources stored before a schema change are pruned and defaulted on the way out.</remarks>
    public static JsonObject Present(ResourceType type, StoredObject stored)
    {
        var reread = CustomResourcePipeline.ForRead(type, stored);
        if (reread is null && Json.Str(stored.Object, "apiVersion") == type.GroupVersion) return stored.Object;
        var copy = reread ?? stored.Clone();
        copy["apiVersion"] = type.GroupVersion;
        return copy;
    }

    public static byte[] PresentBytes(ResourceType type, StoredObject stored) =>
        Json.Str(stored.Object, "apiVersion") == type.GroupVersion && CustomResourcePipeline.IsCurrent(type, stored)
            ? stored.Bytes : Json.ToBytes(Present(type, stored));

    /// <summary>True when presenting <paramref name="items"/> as <paramref name="type"/> takes a conversion webhook call.</summary>
    public bool NeedsConversion(ResourceType type, IEnumerable<StoredObject> items) =>
        _objects.Converter is not null && type.Custom?.Conversion is not null &&
        items.Any(i => CustomResourceConverter.NeedsCall(type, i.Object));

    /// <summary>Objects as the requested version; those stored in another one go to the CRD's conversion webhook in one review.</summary>
    public async ValueTask<JsonObject[]> PresentAllAsync(ResourceType type, IReadOnlyList<StoredObject> items, bool list)
    {
        if (!NeedsConversion(type, items)) return items.Select(i => Present(type, i)).ToArray();
        var objects = items.Select(i => i.Object).ToList();
        var converted = await _objects.Converter!.ConvertAsync(type.Custom!, type.Kind, objects, type.GroupVersion, type.Custom!.Schema,
            list ? type.ListKind : null).ConfigureAwait(false);
        return converted.Select((o, i) => ReferenceEquals(o, items[i].Object) ? Present(type, items[i]) : o).ToArray();
    }

    /// <summary>Writes one object as the response body.</summary>
    public async Task<int> WriteObjectAsync(HttpContext context, int code, ResourceType type, StoredObject stored)
    {
        // The Conversion check first: without a conversion webhook no single-item array is allocated per response.
        var bytes = type.Custom?.Conversion is not null && NeedsConversion(type, [stored])
            ? Json.ToBytes((await PresentAllAsync(type, [stored], list: false).ConfigureAwait(false))[0])
            : PresentBytes(type, stored);
        return await Responses.WriteBytesAsync(context, code, bytes).ConfigureAwait(false);
    }
}
