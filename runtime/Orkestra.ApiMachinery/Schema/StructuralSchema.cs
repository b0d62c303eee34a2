using System.Text.Json.Nodes;

namespace Orkestra.ApiMachinery.Schema;

/// <summary>
/// A part of a schema the API server would refuse in a CRD: a pattern that is not a valid expression, or a default that
/// does not validate or is not pruned. <see cref="Reason"/>/<see cref="Path"/>/<see cref="Body"/> form a 422 cause.
/// </summary>
public sealed record SchemaProblem(string Path, string Reason, string Body)
{
    public string Message => $"{Path}: {Body}";
}

/// <summary>
/// A custom resource's <c>openAPIV3Schema</c>, compiled once (when its CRD is stored) and then applied to every
/// object written or read: <see cref="Prune"/> drops fields the schema does not describe, <see cref="Default"/>
/// fills declared defaults, <see cref="Validate"/> reports every violation with the API server's message texts.
/// Shared, immutable, thread-safe; the methods mutate only the object they are given.
/// </summary>
public sealed class StructuralSchema
{
    /// <summary>Fields of ObjectMeta; anything else under a resource's <c>metadata</c> is pruned.</summary>
    private static readonly HashSet<string> ObjectMetaFields = new(StringComparer.Ordinal)
    {
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
    };

    private readonly SchemaNode _root;

    private StructuralSchema(SchemaNode root, IReadOnlyList<SchemaProblem> problems)
    {
        _root = root;
        Problems = problems;
    }

    /// <summary>Parts of the schema that cannot be enforced (e.g. a pattern that is not a valid RE2 expression), by schema path.</summary>
    public IReadOnlyList<SchemaProblem> Problems { get; }

    public static StructuralSchema Compile(JsonObject openApiV3Schema, string path = "openAPIV3Schema")
    {
        ArgumentNullException.ThrowIfNull(openApiV3Schema);
        var problems = new List<SchemaProblem>();
        var root = SchemaNode.Compile(openApiV3Schema, path, problems);
        return new StructuralSchema(root, problems);
    }

    /// <summary>The <c>type</c> the schema declares at a field path of the object (e.g. <c>status</c>, <c>ready</c>):
    /// <c>integer</c>, <c>number</c>, <c>boolean</c>, <c>string</c>, <c>object</c>, <c>array</c>; null when the path is
    /// not described, declares no type, or is int-or-string. Map values follow <c>additionalProperties</c>.</summary>
    public string? TypeAt(IReadOnlyList<string> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var node = _root;
        foreach (var segment in path)
        {
            node = node.PropertyMap.GetValueOrDefault(segment) ?? node.AdditionalProperties;
            if (node is null) return null;
        }
        return node.IntOrString ? null : node.Type;
    }

    /// <summary>
    /// What the schema says about a field path a reader follows from the object's root (<c>spec</c>, <c>replicas</c>;
    /// <see cref="SchemaPath.Element"/> for an item of a list or a value of a map): described (with its type), not
    /// described (the API server prunes it, so it is never there), below a value that has no fields, or untyped
    /// (<c>x-kubernetes-preserve-unknown-fields</c>, <c>additionalProperties: true</c>, an embedded resource, a map of
    /// ObjectMeta such as labels). At the root, <c>apiVersion</c>, <c>kind</c> and ObjectMeta's fields are described.
    /// </summary>
    public SchemaPath Resolve(IReadOnlyList<string> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var node = _root;
        for (var i = 0; i < path.Count; i++)
        {
            var segment = path[i];
            if (i == 0 && segment is "apiVersion" or "kind" && !node.PropertyMap.ContainsKey(segment))
                return path.Count == 1 ? SchemaPath.Described("string") : SchemaPath.NoFields(1, "string");
            if (i == 0 && segment == "metadata") return ResolveMetadata(path);
            if (segment == SchemaPath.Element)
            {
                var element = node.Type == "array" ? node.Items : node.AdditionalProperties;
                if (element is null) return SchemaPath.Untyped;
                node = element;
                continue;
            }
            if (node.IntOrString || node.Type is "string" or "integer" or "number" or "boolean" or "array")
                return SchemaPath.NoFields(i, node.IntOrString ? "int-or-string" : node.Type!);
            if (node.PropertyMap.TryGetValue(segment, out var property)) { node = property; continue; }
            if (node.AdditionalProperties is { } values) { node = values; continue; }
            if (node.PreserveUnknownFields || node.AdditionalPropertiesAllowed || node.EmbeddedResource || node.Type is null)
                return SchemaPath.Untyped;
            return SchemaPath.NotDescribed(i, node.Properties.Select(p => p.Key).ToArray());
        }
        return SchemaPath.Described(node.IntOrString ? "int-or-string" : node.Type);
    }

    private static SchemaPath ResolveMetadata(IReadOnlyList<string> path)
    {
        if (path.Count == 1) return SchemaPath.Described("object");
        var field = path[1];
        if (!ObjectMetaFields.Contains(field)) return SchemaPath.NotDescribed(1, ObjectMetaFields.Order(StringComparer.Ordinal).ToArray());
        var type = field switch
        {
            "labels" or "annotations" => "object",
            "generation" or "deletionGracePeriodSeconds" => "integer",
            "ownerReferences" or "finalizers" or "managedFields" => "array",
            _ => "string",
        };
        if (path.Count == 2) return SchemaPath.Described(type);
        if (type == "object") return path.Count == 3 ? SchemaPath.Described("string") : SchemaPath.NoFields(3, "string");
        return type == "array" ? SchemaPath.Untyped : SchemaPath.NoFields(2, type);
    }

    // ------------------------------------------------------------------ pruning

    /// <summary>
    /// Drops every field the schema does not describe, keeping <c>apiVersion</c>, <c>kind</c> and <c>metadata</c> at the
    /// root and in embedded resources (their metadata keeps only ObjectMeta fields), and everything under
    /// <c>x-kubernetes-preserve-unknown-fields</c>. Returns the dropped paths, sorted (<c>spec.foo</c>, <c>spec.items[0].bar</c>).
    /// </summary>
    public IReadOnlyList<string> Prune(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var pruned = new List<string>();
        PruneResource(obj, _root, "", pruned, _root.PreserveUnknownFields);
        pruned.Sort(StringComparer.Ordinal);
        return pruned;
    }

    private static void PruneResource(JsonObject obj, SchemaNode? schema, string path, List<string> pruned, bool preserve)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            foreach (var key in metadata.Select(p => p.Key).ToList())
            {
                if (ObjectMetaFields.Contains(key)) continue;
                metadata.Remove(key);
                pruned.Add(Join(Join(path, "metadata"), key));
            }
        }
        PruneObject(obj, schema, path, pruned, embedded: true, preserve);
    }

    /// <summary>
    /// <paramref name="preserve"/> is inherited only by the items of a list under x-kubernetes-preserve-unknown-fields
    /// (as upstream); a described property starts afresh from its own schema.
    /// </summary>
    internal static void PruneNode(JsonNode? node, SchemaNode? schema, string path, List<string> pruned, bool preserve = false)
    {
        preserve |= schema is { PreserveUnknownFields: true };
        if (preserve && schema is null) return;
        switch (node)
        {
            case JsonObject obj when schema is { EmbeddedResource: true }:
                PruneResource(obj, schema, path, pruned, preserve);
                break;
            case JsonObject obj:
                PruneObject(obj, schema, path, pruned, embedded: false, preserve);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) PruneNode(array[i], schema?.Items, $"{path}[{i}]", pruned, preserve);
                break;
        }
    }

    private static void PruneObject(JsonObject obj, SchemaNode? schema, string path, List<string> pruned, bool embedded, bool preserve)
    {
        List<string>? drop = null;
        foreach (var (key, value) in obj)
        {
            if (embedded && key is "apiVersion" or "kind" or "metadata") continue;
            if (schema is not null && schema.PropertyMap.TryGetValue(key, out var property))
                PruneNode(value, property, Join(path, key), pruned);
            else if (schema?.AdditionalProperties is { } additional)
                PruneNode(value, additional, Join(path, key), pruned);
            else if (!preserve && schema is not { AdditionalPropertiesAllowed: true })
                (drop ??= []).Add(key);
        }
        if (drop is null) return;
        foreach (var key in drop)
        {
            obj.Remove(key);
            pruned.Add(Join(path, key));
        }
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    // ------------------------------------------------------------------ defaulting

    /// <summary>
    /// Removes <c>null</c>s where the schema says neither nullable nor default, then applies defaults top-down: a
    /// missing property (or a null one that is not nullable) gets a fresh copy of its default, and the defaulted
    /// value gets its own children's defaults.
    /// </summary>
    public void Default(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        DropNulls(obj, _root);
        ApplyDefaults(obj, _root);
    }

    private static void DropNulls(JsonNode? node, SchemaNode? schema)
    {
        if (schema is null) return;
        switch (node)
        {
            case JsonObject obj:
                List<string>? drop = null;
                foreach (var (key, value) in obj)
                {
                    var child = schema.PropertyMap.GetValueOrDefault(key) ?? schema.AdditionalProperties;
                    if (child is null) continue;
                    if (value is null && !child.Nullable && child.Default is null) (drop ??= []).Add(key);
                    else DropNulls(value, child);
                }
                foreach (var key in drop ?? []) obj.Remove(key);
                break;
            case JsonArray array:
                foreach (var item in array) DropNulls(item, schema.Items);
                break;
        }
    }

    private static void ApplyDefaults(JsonNode? node, SchemaNode? schema)
    {
        if (schema is null) return;
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, property) in schema.Properties)
                {
                    if (property.Default is null) continue;
                    if (!obj.TryGetPropertyValue(key, out var current) || (current is null && !property.Nullable))
                        obj[key] = property.CloneDefault();
                }
                foreach (var (key, value) in obj.ToList())
                {
                    if (schema.PropertyMap.TryGetValue(key, out var property))
                    {
                        ApplyDefaults(value, property);
                    }
                    else if (schema.AdditionalProperties is { } additional)
                    {
                        if (value is null && !additional.Nullable && additional.Default is not null) obj[key] = additional.CloneDefault();
                        ApplyDefaults(obj[key], additional);
                    }
                }
                break;
            case JsonArray array when schema.Items is { } items:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is null && !items.Nullable && items.Default is not null) array[i] = items.CloneDefault();
                    ApplyDefaults(array[i], items);
                }
                break;
        }
    }

    // ------------------------------------------------------------------ validation

    /// <summary>Every violation of the schema by <paramref name="obj"/> (a pruned and defaulted resource), in the API server's
    /// words.</summary>
    public IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var errors = new List<FieldError>();
        new Validator(errors).Validate(_root, obj, "", []);
        foreach (var (key, child) in obj)
        {
            if (key is not ("apiVersion" or "kind" or "metadata"))
                EmbeddedResources.Check(_root.PropertyMap.GetValueOrDefault(key), child, key, [key], errors);
        }
        ListTypes.Check(_root, obj, "", [], errors);
        return Distinct(errors);
    }

    /// <summary>
    /// <see cref="Validate"/> for an update, with ratcheting: an error about a value that is unchanged from
    /// <paramref name="old"/> is dropped, so objects stored under an older schema stay writable. Values inside
    /// lists are compared as whole lists (list items are not correlated by position).
    /// </summary>
    public IReadOnlyList<FieldError> ValidateUpdate(JsonObject obj, JsonObject old)
    {
        ArgumentNullException.ThrowIfNull(old);
        return Validate(obj).Where(e => !Unchanged(e.Location, obj, old)).ToArray();
    }

    private static bool Unchanged(IReadOnlyList<object> location, JsonNode current, JsonNode old)
    {
        JsonNode? a = current, b = old;
        foreach (var step in location)
        {
            if (step is int) break; // compare the whole list
            if (a is not JsonObject ao || b is not JsonObject bo) return false;
            if (!ao.TryGetPropertyValue((string)step, out a) | !bo.TryGetPropertyValue((string)step, out b)) return false;
        }
        return JsonValues.Equal(a, b);
    }

    private static List<FieldError> Distinct(List<FieldError> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return errors.Where(e => seen.Add(e.Message)).ToList();
    }
}
