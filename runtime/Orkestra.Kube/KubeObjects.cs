using System.Text.Json;
using Orkestra.ApiMachinery.Meta;

namespace Orkestra.Kube;

/// <summary>Identifies a REST resource: group ("" for core), version, plural resource name.</summary>
public readonly record struct GroupVersionResource(string Group, string Version, string Resource)
{
    /// <summary>"v1" for the core group, otherwise "group/version".</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public override string ToString() => Group.Length == 0 ? $"{Version}/{Resource}" : $"{Group}/{Version}/{Resource}";
}

/// <summary>Identifies a kind: group ("" for core), version, Kind.</summary>
public readonly record struct GroupVersionKind(string Group, string Version, string Kind)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Splits an <c>apiVersion</c> ("v1", "apps/v1") and pairs it with <paramref name="kind"/>.</summary>
    public static GroupVersionKind From(string apiVersion, string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiVersion);
        ArgumentException.ThrowIfNullOrEmpty(kind);
        var slash = apiVersion.IndexOf('/');
        if (slash < 0) return new GroupVersionKind("", apiVersion, kind);
        if (slash == 0 || slash == apiVersion.Length - 1 || apiVersion.IndexOf('/', slash + 1) >= 0)
            throw new ArgumentException($"apiVersion \"{apiVersion}\" is not of the form \"version\" or \"group/version\"",
                nameof(apiVersion));
        return new GroupVersionKind(apiVersion[..slash], apiVersion[(slash + 1)..], kind);
    }

    /// <summary>The kind of a Kubernetes object (its <c>apiVersion</c> and <c>kind</c> fields).</summary>
    public static GroupVersionKind Of(JsonElement obj)
    {
        if (obj.ValueKind != JsonValueKind.Object
            || !obj.TryGetProperty("apiVersion", out var apiVersion) || apiVersion.ValueKind != JsonValueKind.String
            || !obj.TryGetProperty("kind", out var kind) || kind.ValueKind != JsonValueKind.String)
            throw new ArgumentException("object has no string apiVersion and kind", nameof(obj));
        return From(apiVersion.GetString()!, kind.GetString()!);
    }

    public override string ToString() => $"{ApiVersion}, Kind={Kind}";
}

/// <summary>What REST mapping answers for a kind: where it is served and whether it lives in a namespace.</summary>
public sealed record ResourceMapping(GroupVersionKind Kind, GroupVersionResource Resource, bool Namespaced);

/// <summary>Reads the common metadata of an object held as a <see cref="JsonElement"/>.</summary>
public static class ObjectMeta
{
    public static string? Namespace(JsonElement obj) => MetadataString(obj, "namespace");

    public static string? Name(JsonElement obj) => MetadataString(obj, "name");

    public static string? ResourceVersion(JsonElement obj) => MetadataString(obj, "resourceVersion");

    /// <summary>The value of label <paramref name="key"/>, or null when absent.</summary>
    public static string? Label(JsonElement obj, string key) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object
        && md.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Object
        && labels.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>The key of <paramref name="obj"/> (namespace <c>""</c> when it has none); throws when it has no metadata.name.</summary>
    public static ObjectKey KeyOf(JsonElement obj) =>
        new(Namespace(obj), Name(obj) ?? throw new ArgumentException("object has no metadata.name", nameof(obj)));

    private static string? MetadataString(JsonElement obj, string field) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object
        && md.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
