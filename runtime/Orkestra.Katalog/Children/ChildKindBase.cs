using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Kinds;
using static Orkestra.Katalog.Children.Coerce;

namespace Orkestra.Katalog.Children;

/// <summary>AOT-safe add: JsonArray.Add(JsonObject) would bind to the reflection-based generic overload.</summary>
internal static class JsonArrayExtensions
{
    public static void AddNode(this JsonArray array, JsonNode? node) => array.Add(node);
}

/// <summary>
/// Shared machinery of every child kind: the field table, the default name and metadata (name, namespace,
/// managed labels, owner reference). Coercion of rendered values lives in <see cref="Coerce"/>.
/// </summary>
internal abstract class ChildKindBase : IChildKind
{
    private readonly Dictionary<string, ChildField> _fields;

    /// <param name="kind">The object built, from the one built-in kind table (apiVersion, kind, resource, scope).</param>
    protected ChildKindBase(string yamlKey, BuiltInKind kind, string singular, string plural, string defaultSuffix,
        params ChildField[] fields)
    {
        YamlKey = yamlKey;
        ApiVersion = kind.ApiVersion;
        Kind = kind.Kind;
        Resource = kind.Plural;
        Namespaced = kind.Namespaced;
        SingularChildKey = singular;
        PluralChildKey = plural;
        DefaultSuffix = defaultSuffix;
        _fields = new Dictionary<string, ChildField>(StringComparer.Ordinal)
        {
            ["name"] = new("name", FieldType.String),
            ["labels"] = new("labels", FieldType.StringMap),
        };
        if (kind.Namespaced) _fields["namespace"] = new("namespace", FieldType.String);
        foreach (var f in fields) _fields[f.Name] = f;
    }

    public string YamlKey { get; }
    public string ApiVersion { get; }
    public string Kind { get; }
    public string Resource { get; }
    public bool Namespaced { get; }
    public string SingularChildKey { get; }
    public string PluralChildKey { get; }
    protected string DefaultSuffix { get; }
    public IReadOnlyDictionary<string, ChildField> Fields => _fields;

    public virtual string DefaultName(string ownerName) => DefaultSuffix.Length == 0 ? ownerName : $"{ownerName}-{DefaultSuffix}";

    /// <summary>The default name for this entry (a kind may choose by entry shape, e.g. a TLS secret).</summary>
    protected virtual string DefaultNameFor(JsonObject entry, string ownerName) => DefaultName(ownerName);

    public JsonObject Build(JsonObject entry, ChildBuildContext context)
    {
        var name = Text(entry, "name") is { Length: > 0 } n ? n : DefaultNameFor(entry, context.Owner.Name);
        var obj = new JsonObject
        {
            ["apiVersion"] = ApiVersion,
            ["kind"] = Kind,
            ["metadata"] = Metadata(entry, context, name),
        };
        BuildBody(obj, entry, context, name);
        return obj;
    }

    /// <summary>Adds everything below metadata (spec, data, rules…).</summary>
    protected abstract void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name);

    protected JsonObject Metadata(JsonObject entry, ChildBuildContext context, string name)
    {
        string? ns = null;
        if (Namespaced)
        {
            ns = Text(entry, "namespace") is { Length: > 0 } n ? n : context.Owner.Namespace;
            if (string.IsNullOrEmpty(ns)) throw new ChildBuildException("namespace",
                "a namespaced child of a cluster-scoped owner needs a namespace");
        }
        var annotations = Fields.ContainsKey("annotations") ? StringMap(entry, "annotations") : null;
        return ChildMetadata.Stamp(name, ns, StringMap(entry, "labels"), annotations, context.Owner);
    }
}
