using System.Text.Json.Nodes;
using static Orkestra.Katalog.Children.Coerce;

namespace Orkestra.Katalog.Children.Kinds;

/// <summary>
/// custom → any apiVersion/kind: the raw-manifest escape hatch. <c>metadata.name</c> is required; the object is
/// namespaced unless <c>namespaced: false</c> (top level or in metadata); spec/data/status are passed through.
/// The REST resource is found by discovery at run time.
/// </summary>
internal sealed class CustomKind : IChildKind
{
    private static readonly Dictionary<string, ChildField> s_fields = new(StringComparer.Ordinal)
    {
        ["apiVersion"] = new("apiVersion", FieldType.String, Required: true),
        ["kind"] = new("kind", FieldType.String, Required: true),
        ["metadata"] = new("metadata", FieldType.Object, Required: true),
        ["namespaced"] = new("namespaced", FieldType.Bool),
        ["spec"] = new("spec", FieldType.Any),
        ["data"] = new("data", FieldType.Any),
        ["stringData"] = new("stringData", FieldType.Any),
        ["status"] = new("status", FieldType.Any),
        ["hasStatus"] = new("hasStatus", FieldType.Bool),
        ["rules"] = new("rules", FieldType.Any),
    };

    public string YamlKey => "custom";
    public string ApiVersion => "";
    public string Kind => "";
    public string Resource => "";
    public bool Namespaced => true;
    public string SingularChildKey => "custom";
    public string PluralChildKey => "customs";
    public IReadOnlyDictionary<string, ChildField> Fields => s_fields;

    public string DefaultName(string ownerName) => ownerName;

    public JsonObject Build(JsonObject entry, ChildBuildContext context)
    {
        var apiVersion = (string?)entry["apiVersion"];
        var kind = (string?)entry["kind"];
        if (string.IsNullOrWhiteSpace(apiVersion)) throw new ChildBuildException("apiVersion", "apiVersion: required");
        if (string.IsNullOrWhiteSpace(kind)) throw new ChildBuildException("kind", "kind: required");
        if (entry["metadata"] is not JsonObject metadataIn) throw new ChildBuildException("metadata", "metadata: required, with a name");
        var name = (string?)metadataIn["name"];
        if (string.IsNullOrWhiteSpace(name)) throw new ChildBuildException("metadata.name", "metadata.name: required");
        var namespaced = Flag(entry["namespaced"], "namespaced") ?? Flag(metadataIn["namespaced"], "metadata.namespaced") ?? true;

        string? ns = null;
        if (namespaced)
        {
            ns = (string?)metadataIn["namespace"] is { Length: > 0 } n ? n : context.Owner.Namespace;
            if (string.IsNullOrEmpty(ns)) throw new ChildBuildException("metadata.namespace",
                "metadata.namespace: required for a namespaced object of a cluster-scoped owner");
        }
        var labels = KeyValueMap(metadataIn["labels"], "metadata.labels");
        var annotations = KeyValueMap(metadataIn["annotations"], "metadata.annotations");
        var metadata = ChildMetadata.Stamp(name, ns, labels, annotations, context.Owner);
        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata };
        foreach (var key in new[] { "spec", "data", "stringData", "rules" })
        {
            if (entry[key] is { } value) obj[key] = value.DeepClone();
        }
        return obj;
    }

    private static bool? Flag(JsonNode? node, string field) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) && s is "true" or "false" => s == "true",
        _ => throw new ChildBuildException(field, $"{field}: expected true or false"),
    };
}
