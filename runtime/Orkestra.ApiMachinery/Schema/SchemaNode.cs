using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Orkestra.ApiMachinery.Schema;

/// <summary>
/// One node of a compiled OpenAPI v3 schema (the subset CRDs allow). Built once by <see cref="StructuralSchema.Compile"/>;
/// shared, immutable (defaults are private deep copies handed out as fresh clones).
/// </summary>
internal sealed class SchemaNode
{
    public string? Type { get; init; }
    public bool Nullable { get; init; }
    public bool PreserveUnknownFields { get; init; }
    public bool EmbeddedResource { get; init; }
    public bool IntOrString { get; init; }
    /// <summary>Properties in schema order (error order is deterministic, unlike Go map iteration).</summary>
    public IReadOnlyList<KeyValuePair<string, SchemaNode>> Properties { get; init; } = [];
    public IReadOnlyDictionary<string, SchemaNode> PropertyMap { get; init; } = Empty;
    /// <summary>The schema of every map value (<c>additionalProperties: {...}</c>); <c>additionalProperties: true</c> keeps values
    /// unpruned.</summary>
    public SchemaNode? AdditionalProperties { get; init; }
    public bool AdditionalPropertiesAllowed { get; init; }
    public SchemaNode? Items { get; init; }
    public JsonNode? Default { get; init; }
    public IReadOnlyList<JsonNode?>? Enum { get; init; }
    public double? Maximum { get; init; }
    public bool ExclusiveMaximum { get; init; }
    public double? Minimum { get; init; }
    public bool ExclusiveMinimum { get; init; }
    public double? MultipleOf { get; init; }
    public long? MaxLength { get; init; }
    public long? MinLength { get; init; }
    public string? Pattern { get; init; }
    public Regex? PatternRegex { get; init; }
    public long? MaxItems { get; init; }
    public long? MinItems { get; init; }
    public long? MaxProperties { get; init; }
    public long? MinProperties { get; init; }
    public IReadOnlyList<string> Required { get; init; } = [];
    /// <summary>Only formats the API server enforces; others are dropped at compile time.</summary>
    public string? Format { get; init; }
    public IReadOnlyList<SchemaNode> AllOf { get; init; } = [];
    public IReadOnlyList<SchemaNode> AnyOf { get; init; } = [];
    public IReadOnlyList<SchemaNode> OneOf { get; init; } = [];
    public SchemaNode? Not { get; init; }
    /// <summary><c>x-kubernetes-list-type</c>: atomic (default), set or map.</summary>
    public string? ListType { get; init; }
    public IReadOnlyList<string> ListMapKeys { get; init; } = [];

    public bool HasValueChecks => AllOf.Count > 0 || AnyOf.Count > 0 || OneOf.Count > 0 || Not is not null;

    public JsonNode? CloneDefault() => Default?.DeepClone();

    private static readonly Dictionary<string, SchemaNode> Empty = new();

    /// <summary>Compiles <paramref name="schema"/>; <paramref name="problems"/> receives the parts that cannot be enforced.</summary>
    public static SchemaNode Compile(JsonObject schema, string path, List<SchemaProblem> problems)
    {
        var properties = new List<KeyValuePair<string, SchemaNode>>();
        if (schema["properties"] is JsonObject props)
        {
            foreach (var (name, child) in props)
            {
                if (child is JsonObject c) properties.Add(new(name, Compile(c, $"{path}.properties[{name}]", problems)));
            }
        }
        SchemaNode? additional = null;
        var additionalAllowed = false;
        switch (schema["additionalProperties"])
        {
            case JsonObject a:
                additional = Compile(a, $"{path}.additionalProperties", problems);
                additionalAllowed = true;
                break;
            case JsonValue b when b.TryGetValue<bool>(out var allowed):
                additionalAllowed = allowed;
                break;
        }
        var pattern = JsonValues.String(schema["pattern"]);
        Regex? regex = null;
        if (pattern is not null)
        {
            regex = Patterns.Compile(pattern, out var error);
            if (regex is null)
                problems.Add(new SchemaProblem($"{path}.pattern", "FieldValueInvalid",
                    $"Invalid value: {JsonValues.Quote(pattern)}: must be a valid regular expression, but isn't: {error}"));
        }
        var format = JsonValues.String(schema["format"]);
        var listMapKeys = (schema["x-kubernetes-list-map-keys"] as JsonArray ?? []).Select(JsonValues.String).OfType<string>().ToArray();
        var node = new SchemaNode
        {
            Type = JsonValues.String(schema["type"]) is { Length: > 0 } t ? t : null,
            Nullable = Flag(schema, "nullable"),
            PreserveUnknownFields = Flag(schema, "x-kubernetes-preserve-unknown-fields"),
            EmbeddedResource = Flag(schema, "x-kubernetes-embedded-resource"),
            IntOrString = Flag(schema, "x-kubernetes-int-or-string"),
            Properties = properties,
            PropertyMap = properties.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            AdditionalProperties = additional,
            AdditionalPropertiesAllowed = additionalAllowed,
            Items = schema["items"] is JsonObject items ? Compile(items, $"{path}.items", problems) : null,
            Default = schema.TryGetPropertyValue("default", out var d) && d is not null ? d.DeepClone() : null,
            Enum = schema["enum"] is JsonArray e ? e.Select(v => v?.DeepClone()).ToArray() : null,
            Maximum = Number(schema["maximum"]),
            ExclusiveMaximum = Flag(schema, "exclusiveMaximum"),
            Minimum = Number(schema["minimum"]),
            ExclusiveMinimum = Flag(schema, "exclusiveMinimum"),
            MultipleOf = Number(schema["multipleOf"]),
            MaxLength = Integer(schema["maxLength"]),
            MinLength = Integer(schema["minLength"]),
            Pattern = regex is null ? null : pattern,
            PatternRegex = regex,
            MaxItems = Integer(schema["maxItems"]),
            MinItems = Integer(schema["minItems"]),
            MaxProperties = Integer(schema["maxProperties"]),
            MinProperties = Integer(schema["minProperties"]),
            Required = (schema["required"] as JsonArray ?? []).Select(JsonValues.String).OfType<string>().ToArray(),
            Format = format is not null && Formats.IsEnforced(format) ? format : null,
            AllOf = Many(schema["allOf"], $"{path}.allOf", problems),
            AnyOf = Many(schema["anyOf"], $"{path}.anyOf", problems),
            OneOf = Many(schema["oneOf"], $"{path}.oneOf", problems),
            Not = schema["not"] is JsonObject not ? Compile(not, $"{path}.not", problems) : null,
            ListType = JsonValues.String(schema["x-kubernetes-list-type"]),
            ListMapKeys = listMapKeys,
        };
        if (node.Default is not null) CheckDefault(node, $"{path}.default", problems);
        return node;
    }

    /// <summary>A default must survive pruning unchanged and validate against its own schema (as the API server checks CRDs).</summary>
    private static void CheckDefault(SchemaNode node, string path, List<SchemaProblem> problems)
    {
        var pruned = node.Default!.DeepClone();
        StructuralSchema.PruneNode(pruned, node, "", []);
        if (!JsonValues.Equal(pruned, node.Default))
        {
            problems.Add(new SchemaProblem(path, "FieldValueInvalid",
                $"Invalid value: {JsonValues.Render(node.Default)}: must not have unknown fields"));
            return;
        }
        var errors = new List<FieldError>();
        new Validator(errors).Validate(node, node.Default, "", []);
        foreach (var e in errors)
        {
            // the default is validated as a document of its own: its root has an empty name
            var field = e.Field == "<nil>" ? path : e.Field.Length == 0 ? path : $"{path}.{e.Field}";
            problems.Add(new SchemaProblem(field, e.Reason, e.Body));
        }
    }

    private static SchemaNode[] Many(JsonNode? node, string path, List<SchemaProblem> problems) =>
        (node as JsonArray ?? []).Select((s, i) => s as JsonObject is { } o ? Compile(o, $"{path}[{i}]", problems) : null)
            .OfType<SchemaNode>().ToArray();

    private static bool Flag(JsonObject schema, string key) => schema[key] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static double? Number(JsonNode? node) =>
        JsonValues.Kind(node, out _, out var d) is ValueKind.Integer or ValueKind.Number ? d : null;

    private static long? Integer(JsonNode? node) =>
        JsonValues.Kind(node, out var i, out var d) switch { ValueKind.Integer => i, ValueKind.Number => (long)d, _ => null };
}

/// <summary>
/// Schema <c>pattern</c>s. The API server evaluates them with Go's RE2; .NET's NonBacktracking engine has the same
/// guarantees (linear time, no backreferences or lookaround), so a pattern RE2 refuses is refused here too.
/// </summary>
internal static class Patterns
{
    public static Regex? Compile(string pattern, out string? error)
    {
        try
        {
            error = null;
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            error = e.Message;
            return null;
        }
    }
}
