using System.Text.Json.Nodes;

namespace Orkestra.ApiMachinery.Shapes;

/// <summary>How server-side apply treats the items of a list (<c>x-kubernetes-list-type</c>).</summary>
public enum ListType
{
    /// <summary>The list is one value: replaced and owned as a whole (the default for unmarked lists).</summary>
    Atomic,
    /// <summary>A list of distinct scalars; each item is owned on its own (<c>v:</c>).</summary>
    Set,
    /// <summary>An associative list: object items identified by key fields (<c>k:</c>).</summary>
    Map,
}

/// <summary>
/// The merge-relevant shape of a type: which fields are structs, maps or lists, how lists are keyed for
/// server-side apply (list type, list-map keys, key defaults) and for strategic merge patch (patch strategy, merge
/// key, retainKeys), and which maps/structs are atomic. It is only a hint: walkers check the JSON they see and fall
/// back to <see cref="Unknown"/> rules (objects merge field by field, lists are atomic). Shared, immutable.
/// </summary>
public sealed class Shape
{
    private static readonly IReadOnlyDictionary<string, Shape> NoFields = new Dictionary<string, Shape>();
    private static readonly IReadOnlyDictionary<string, JsonNode> NoDefaults = new Dictionary<string, JsonNode>();

    /// <summary>Nothing known: objects are granular, lists atomic, every child unknown too.</summary>
    public static readonly Shape Unknown = new();

    /// <summary>Named fields (struct); a name not listed falls back to <see cref="Elements"/> or <see cref="Unknown"/>.</summary>
    public IReadOnlyDictionary<string, Shape> Fields { get; private init; } = NoFields;
    /// <summary>The shape of map values or list items.</summary>
    public Shape? Elements { get; private init; }
    /// <summary>Object replaced and owned as a whole (<c>x-kubernetes-map-type: atomic</c>, <c>+structType=atomic</c>).</summary>
    public bool AtomicObject { get; private init; }
    public ListType ListType { get; private init; } = ListType.Atomic;
    /// <summary>List-map key fields (<c>x-kubernetes-list-map-keys</c>).</summary>
    public IReadOnlyList<string> Keys { get; private init; } = [];
    /// <summary>Values used for key fields an item omits (e.g. a container port's protocol, TCP).</summary>
    public IReadOnlyDictionary<string, JsonNode> KeyDefaults { get; private init; } = NoDefaults;
    /// <summary>Strategic merge patch: the list merges item by item (merge strategy).</summary>
    public bool PatchMerge { get; private init; }
    /// <summary>Strategic merge patch merge key for lists of objects (<c>patchMergeKey</c>).</summary>
    public string? PatchMergeKey { get; private init; }
    /// <summary>Strategic merge patch <c>retainKeys</c> strategy for this object.</summary>
    public bool RetainKeys { get; private init; }

    /// <summary>The shape of field <paramref name="name"/> of an object of this shape.</summary>
    public Shape Field(string name) => Fields.TryGetValue(name, out var field) ? field : Elements ?? Unknown;

    /// <summary>The shape of an item of a list of this shape.</summary>
    public Shape Item => Elements ?? Unknown;

    // ------------------------------------------------------------------ builders

    /// <summary>An object with known fields; other fields are unknown.</summary>
    public static Shape Struct(params (string Name, Shape Shape)[] fields) =>
        new() { Fields = fields.ToDictionary(f => f.Name, f => f.Shape) };

    /// <summary>A granular map whose values have <paramref name="values"/>' shape.</summary>
    public static Shape Map(Shape? values = null) => new() { Elements = values ?? Unknown };

    /// <summary>An object replaced and owned as a whole.</summary>
    public static Shape AtomicMap() => new() { AtomicObject = true };

    /// <summary>An associative list keyed by <paramref name="keys"/>; strategic merge uses <paramref name="patchMergeKey"/> (default: the
    /// first key).</summary>
    public static Shape ListMap(Shape item, string[] keys, string? patchMergeKey = null, IReadOnlyDictionary<string,
        JsonNode>? keyDefaults = null) => new()
    {
        Elements = item, ListType = ListType.Map, Keys = keys, KeyDefaults = keyDefaults ?? NoDefaults,
        PatchMerge = true, PatchMergeKey = patchMergeKey ?? keys[0],
    };

    /// <summary>A set of scalars; <paramref name="patchMerge"/>: strategic merge takes the union.</summary>
    public static Shape ScalarSet(bool patchMerge) => new() { ListType = ListType.Set, PatchMerge = patchMerge };

    /// <summary>This shape with the strategic-merge <c>retainKeys</c> strategy.</summary>
    public Shape WithRetainKeys() => new()
    {
        Fields = Fields, Elements = Elements, AtomicObject = AtomicObject, ListType = ListType, Keys = Keys, KeyDefaults = KeyDefaults,
        PatchMerge = PatchMerge, PatchMergeKey = PatchMergeKey, RetainKeys = true,
    };

    /// <summary>This shape with more named fields (later ones win).</summary>
    public Shape With(params (string Name, Shape Shape)[] fields)
    {
        var merged = Fields.ToDictionary(f => f.Key, f => f.Value);
        foreach (var (name, shape) in fields) merged[name] = shape;
        return new Shape
        {
            Fields = merged, Elements = Elements, AtomicObject = AtomicObject, ListType = ListType, Keys = Keys, KeyDefaults = KeyDefaults,
            PatchMerge = PatchMerge, PatchMergeKey = PatchMergeKey, RetainKeys = RetainKeys,
        };
    }

    /// <summary>Builds from an OpenAPI v3 schema with kube's extensions (a CRD's <c>openAPIV3Schema</c>).</summary>
    public static Shape FromOpenApi(JsonNode? schema, int depth = 0)
    {
        if (schema is not JsonObject s || depth > 64) return Unknown;
        var type = s["type"] is JsonValue t && t.TryGetValue<string>(out var text) ? text : null;
        if (type == "array" || s.ContainsKey("items"))
        {
            var item = FromOpenApi(s["items"], depth + 1);
            var listType = s["x-kubernetes-list-type"] is JsonValue lt && lt.TryGetValue<string>(out var ltText) ? ltText : "atomic";
            switch (listType)
            {
                case "set":
                    return new Shape { ListType = ListType.Set, Elements = item };
                case "map":
                    var keys = (s["x-kubernetes-list-map-keys"] as JsonArray ?? [])
                        .Select(k => k is JsonValue v && v.TryGetValue<string>(out var key) ? key : null)
                        .OfType<string>().ToArray();
                    if (keys.Length == 0) return new Shape { Elements = item };
                    var defaults = new Dictionary<string, JsonNode>();
                    var itemProperties = (s["items"] as JsonObject)?["properties"] as JsonObject;
                    foreach (var key in keys)
                    {
                        if ((itemProperties?[key] as JsonObject)?["default"] is { } value) defaults[key] = value.DeepClone();
                    }
                    return new Shape { Elements = item, ListType = ListType.Map, Keys = keys, KeyDefaults = defaults };
                default:
                    return new Shape { Elements = item };
            }
        }
        var atomic = s["x-kubernetes-map-type"] is JsonValue mt && mt.TryGetValue<string>(out var mapType) && mapType == "atomic";
        var fields = new Dictionary<string, Shape>();
        if (s["properties"] is JsonObject properties)
        {
            foreach (var (name, property) in properties) fields[name] = FromOpenApi(property, depth + 1);
        }
        Shape? elements = s["additionalProperties"] is JsonObject additional ? FromOpenApi(additional, depth + 1) : null;
        if (!atomic && fields.Count == 0 && elements is null) return Unknown;
        return new Shape { Fields = fields, Elements = elements, AtomicObject = atomic };
    }
}
