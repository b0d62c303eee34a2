using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orkestra.Katalog.Children;

/// <summary>AOT-safe add: JsonArray.Add(JsonObject) would bind to the reflection-based generic overload.</summary>
internal static class JsonArrayExtensions
{
    public static void AddNode(this JsonArray array, JsonNode? node) => array.Add(node);
}

/// <summary>Labels Orkestra stamps on what it builds (orkestra-schema.md §9.4).</summary>
public static class ManagedLabels
{
    public const string Managed = "orkestra.orkspace.io/managed";
    public const string Owner = "orkestra-owner";
    /// <summary>Pod selector label of workloads built from a Katalog: the workload's name.</summary>
    public const string App = "app";
}

/// <summary>
/// Shared machinery of every child kind: the field table, metadata (name, namespace, managed labels, owner
/// reference), and coercion of rendered values with errors that name the entry field.
/// </summary>
internal abstract class ChildKindBase : IChildKind
{
    private readonly Dictionary<string, ChildField> _fields;

    protected ChildKindBase(string yamlKey, string apiVersion, string kind, string resource, bool namespaced,
        string singular, string plural, string defaultSuffix, params ChildField[] fields)
    {
        YamlKey = yamlKey;
        ApiVersion = apiVersion;
        Kind = kind;
        Resource = resource;
        Namespaced = namespaced;
        SingularChildKey = singular;
        PluralChildKey = plural;
        DefaultSuffix = defaultSuffix;
        _fields = new Dictionary<string, ChildField>(StringComparer.Ordinal)
        {
            ["name"] = new("name", FieldType.String),
            ["labels"] = new("labels", FieldType.StringMap),
        };
        if (namespaced) _fields["namespace"] = new("namespace", FieldType.String);
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

    public JsonObject Build(JsonObject entry, ChildBuildContext context)
    {
        var name = Text(entry, "name") is { Length: > 0 } n ? n : DefaultName(context.Owner.Name);
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
        var metadata = new JsonObject { ["name"] = name };
        var owner = context.Owner;
        if (Namespaced)
        {
            var ns = Text(entry, "namespace") is { Length: > 0 } n ? n : owner.Namespace;
            if (string.IsNullOrEmpty(ns)) throw new ChildBuildException("namespace", "a namespaced child of a cluster-scoped owner needs a namespace");
            metadata["namespace"] = ns;
        }
        var labels = StringMap(entry, "labels") ?? new JsonObject();
        labels[ManagedLabels.Managed] = "true";
        labels[ManagedLabels.Owner] = owner.Name;
        metadata["labels"] = labels;
        if (Fields.ContainsKey("annotations") && StringMap(entry, "annotations") is { Count: > 0 } annotations) metadata["annotations"] = annotations;
        // Owner references only where garbage collection can honour them: namespaced child, namespaced owner, same namespace.
        if (Namespaced && owner.Namespace is { Length: > 0 } && (string?)metadata["namespace"] == owner.Namespace)
        {
            metadata["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = owner.ApiVersion,
                ["kind"] = owner.Kind,
                ["name"] = owner.Name,
                ["uid"] = owner.Uid,
                ["controller"] = true,
                ["blockOwnerDeletion"] = true,
            });
        }
        return metadata;
    }

    // ---- coercion helpers: every failure names the entry field ----

    protected static bool Has(JsonObject entry, string field) => entry[field] is not null;

    protected static string? Text(JsonObject entry, string field) => Text(entry[field], field);

    protected static string? Text(JsonNode? node, string field) => node switch
    {
        null => null,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
            _ => null,
        },
        _ => throw new ChildBuildException(field, $"{field}: expected a string, got {Describe(node)}"),
    };

    protected static long? Int(JsonObject entry, string field) => Int(entry[field], field);

    protected static long? Int(JsonNode? node, string field)
    {
        if (node is null) return null;
        if (node is JsonValue v)
        {
            if (v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var l)) return l;
            if (v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d) && d == Math.Truncate(d)) return (long)d;
            if (v.GetValueKind() == JsonValueKind.String)
            {
                var s = v.GetValue<string>().Trim();
                if (s.Length == 0) return null;
                if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l)) return l;
            }
        }
        throw new ChildBuildException(field, $"{field}: {Describe(node)} is not a number");
    }

    /// <summary>Kubernetes IntOrString: a numeric value becomes a number, other text stays text ("http", "25%").</summary>
    protected static JsonNode? IntOrString(JsonObject entry, string field)
    {
        var node = entry[field];
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            var s = v.GetValue<string>().Trim();
            if (s.Length == 0) return null;
            return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? JsonValue.Create(l) : JsonValue.Create(s);
        }
        return JsonValue.Create(Int(node, field)!.Value);
    }

    protected static bool? Bool(JsonObject entry, string field)
    {
        var node = entry[field];
        switch (node)
        {
            case null: return null;
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False: return v.GetValue<bool>();
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var s = v.GetValue<string>().Trim().ToLowerInvariant();
                if (s is "true" or "false") return s == "true";
                if (s.Length == 0) return null;
                break;
        }
        throw new ChildBuildException(field, $"{field}: {Describe(node)} is not true or false");
    }

    protected static JsonObject? StringMap(JsonObject entry, string field)
    {
        var node = entry[field];
        if (node is null) return null;
        if (node is not JsonObject obj) throw new ChildBuildException(field, $"{field}: expected a map, got {Describe(node)}");
        var result = new JsonObject();
        foreach (var (k, v) in obj) result[k] = Text(v, $"{field}.{k}") ?? "";
        return result;
    }

    protected static JsonArray? StringList(JsonObject entry, string field)
    {
        var node = entry[field];
        switch (node)
        {
            case null: return null;
            case JsonArray arr:
                var result = new JsonArray();
                for (var i = 0; i < arr.Count; i++) result.AddNode(JsonValue.Create(Text(arr[i], $"{field}[{i}]") ?? ""));
                return result;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return new JsonArray(v.GetValue<string>());
            default:
                throw new ChildBuildException(field, $"{field}: expected a list of strings, got {Describe(node)}");
        }
    }

    protected static JsonObject? Object(JsonObject entry, string field)
    {
        var node = entry[field];
        return node switch
        {
            null => null,
            JsonObject obj => (JsonObject)obj.DeepClone(),
            _ => throw new ChildBuildException(field, $"{field}: expected a map, got {Describe(node)}"),
        };
    }

    protected static JsonArray? List(JsonObject entry, string field)
    {
        var node = entry[field];
        return node switch
        {
            null => null,
            JsonArray arr => (JsonArray)arr.DeepClone(),
            _ => throw new ChildBuildException(field, $"{field}: expected a list, got {Describe(node)}"),
        };
    }

    protected static string Describe(JsonNode? node) => node switch
    {
        null => "nothing",
        JsonObject => "a map",
        JsonArray => "a list",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => $"\"{v.GetValue<string>()}\"",
        _ => node.ToJsonString(),
    };

    protected static void Put(JsonObject target, string key, JsonNode? value)
    {
        if (value is not null) target[key] = value;
    }
}
