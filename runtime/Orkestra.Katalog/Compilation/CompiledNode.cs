using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Syntax;
using Orkestra.Templating.Values;
using Orkestra.Templating;

namespace Orkestra.Katalog.Compilation;

/// <summary>
/// One object as template data, for <see cref="CompiledNode.Write"/>: the JSON element the data is built from, and the
/// render scope over that data (built by the implementation, on first use when it can).
/// </summary>
public interface IObjectData
{
    JsonElement Source { get; }

    RenderScope Scope { get; }
}

/// <summary>
/// A compiled YAML subtree (a child entry, a custom spec, a status value, a conversion spec): maps, lists,
/// literal scalars typed by the YAML 1.2 core schema, and template scalars. <see cref="Render"/> produces JSON:
/// a scalar that is exactly one action keeps its value's type, any other template renders to a string.
/// Shared, immutable, thread-safe; every render allocates a fresh JSON tree.
/// </summary>
public abstract class CompiledNode
{
    private protected CompiledNode(SourceLocation location) => Location = location;

    /// <summary>Where the node starts in the Katalog.</summary>
    public SourceLocation Location { get; }

    /// <summary>True when no template occurs anywhere below (the render is always the same).</summary>
    public abstract bool IsStatic { get; }

    /// <summary>True for a YAML map (whose <see cref="Render"/> is always a JSON object).</summary>
    public virtual bool IsMap => false;

    /// <summary>Renders to JSON. Throws <see cref="KatalogRenderException"/> (located, with the user's template).</summary>
    public abstract JsonNode? Render(RenderScope scope);

    /// <summary>
    /// Writes what <see cref="Render"/> against <paramref name="data"/>'s scope gives, as the value of property
    /// <paramref name="name"/> (or as an array item when null), without building the JSON tree: maps and lists are
    /// written as they are walked, a plain field path (<c>{{ .spec.image }}</c>) copies its value from the object (as the
    /// template would type it), and only other templates render, against the scope made on first use. With
    /// <paramref name="withoutNulls"/> a null value writes nothing, not even its name, and so do the null entries of the
    /// maps below it through maps (not inside lists): how a conversion leaves out what a template did not find.
    /// Throws <see cref="KatalogRenderException"/> as <see cref="Render"/> does.
    /// </summary>
    public abstract void Write(Utf8JsonWriter writer, string? name, IObjectData data, bool withoutNulls);

    /// <summary>A rendered node, as <see cref="Write"/> writes it.</summary>
    public static void WriteNode(Utf8JsonWriter writer, string? name, JsonNode? node, bool withoutNulls)
    {
        if (node is null)
        {
            if (withoutNulls) return;
            if (name is not null) writer.WritePropertyName(name);
            writer.WriteNullValue();
            return;
        }
        if (name is not null) writer.WritePropertyName(name);
        if (withoutNulls && node is JsonObject map)
        {
            writer.WriteStartObject();
            foreach (var (key, value) in map) WriteNode(writer, key, value, withoutNulls: true);
            writer.WriteEndObject();
        }
        else
        {
            node.WriteTo(writer);
        }
    }
}

/// <summary>A template failed while rendering; located in the Katalog, carrying the template as the user wrote it.</summary>
public sealed class KatalogRenderException(SourceLocation location, string template, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public SourceLocation Location { get; } = location;
    public string Template { get; } = template;

    /// <summary><c>FILE:LINE:COL: error: MESSAGE in template "…"</c>.</summary>
    public Diagnostic ToDiagnostic() => Diagnostic.Error(Location, $"{Message} in template {TemplateText.Quote(Template)}");
}

internal sealed class CompiledMap(SourceLocation location, IReadOnlyList<(CompiledText Key,
    CompiledNode Value)> entries) : CompiledNode(location)
{
    public IReadOnlyList<(CompiledText Key, CompiledNode Value)> Entries { get; } = entries;
    public override bool IsStatic { get; } = entries.All(e => !e.Key.IsTemplate && e.Value.IsStatic);

    private readonly bool _templatedKeys = entries.Any(e => e.Key.IsTemplate);

    public override bool IsMap => true;

    public override JsonNode? Render(RenderScope scope)
    {
        var result = new JsonObject();
        foreach (var (key, value) in Entries) result[key.Render(scope)] = value.Render(scope);
        return result;
    }

    public override void Write(Utf8JsonWriter writer, string? name, IObjectData data, bool withoutNulls)
    {
        if (_templatedKeys)
        {
            // rendered keys may collide (the later one wins): the map is built as Render builds it
            WriteNode(writer, name, Render(data.Scope), withoutNulls);
            return;
        }
        if (name is not null) writer.WritePropertyName(name);
        writer.WriteStartObject();
        foreach (var (key, value) in Entries) value.Write(writer, key.Text, data, withoutNulls);
        writer.WriteEndObject();
    }
}

internal sealed class CompiledList(SourceLocation location, IReadOnlyList<CompiledNode> items) : CompiledNode(location)
{
    public IReadOnlyList<CompiledNode> Items { get; } = items;
    public override bool IsStatic { get; } = items.All(i => i.IsStatic);

    public override JsonNode? Render(RenderScope scope)
    {
        var result = new JsonArray();
        foreach (var item in Items) result.Add(item.Render(scope));
        return result;
    }

    public override void Write(Utf8JsonWriter writer, string? name, IObjectData data, bool withoutNulls)
    {
        if (name is not null) writer.WritePropertyName(name);
        writer.WriteStartArray();
        foreach (var item in Items) item.Write(writer, null, data, withoutNulls: false);
        writer.WriteEndArray();
    }
}

internal sealed class CompiledLiteral(SourceLocation location, JsonNode? value) : CompiledNode(location)
{
    private readonly JsonNode? _value = value;
    public override bool IsStatic => true;
    public override JsonNode? Render(RenderScope scope) => _value?.DeepClone();

    public override void Write(Utf8JsonWriter writer, string? name, IObjectData data, bool withoutNulls) =>
        WriteNode(writer, name, _value, withoutNulls);
}

internal sealed class CompiledTemplateNode(YamlScalar scalar, CompiledTemplate template) : CompiledNode(scalar.Location)
{
    public YamlScalar Scalar { get; } = scalar;
    public CompiledTemplate Template { get; } = template;
    public override bool IsStatic => false;

    public override JsonNode? Render(RenderScope scope)
    {
        try
        {
            return Template.IsSingleAction ? Template.Evaluate(scope).ToJsonNode() : JsonValue.Create(Template.Render(scope));
        }
        catch (TemplateRenderException e)
        {
            throw TemplateText.Located(Scalar, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, string? name, IObjectData data, bool withoutNulls)
    {
        if (Template.IsFieldPath && Find(data.Source, Template.FieldPath, out var found))
            WriteValue(writer, name, found, withoutNulls);
        else
            WriteNode(writer, name, Render(data.Scope), withoutNulls);
    }

    /// <summary>
    /// The value of a plain field path in the object, walked as the template walks the data built from it: a missing
    /// field or a field of null is nil (Undefined here). False when the template would see something else — a root
    /// field the data replaces (<c>.children</c>, <c>.cross</c>, <c>.external</c>), or a field of a string, number or
    /// list (the template's own error).
    /// </summary>
    private static bool Find(JsonElement root, ReadOnlySpan<string> path, out JsonElement found)
    {
        found = root;
        if (root.ValueKind != JsonValueKind.Object || path[0] is "children" or "cross" or "external") return false;
        foreach (var field in path)
        {
            if (found.ValueKind == JsonValueKind.Object)
            {
                if (!found.TryGetProperty(field, out found))
                {
                    found = default;
                    return true;
                }
            }
            else if (found.ValueKind != JsonValueKind.Null)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// <paramref name="value"/> as the template's typed result would be written (<c>GoValues.ToJsonNode</c>): nil is
    /// null; a number is a long when integral, else a double; a list is written item by item the same way; a map is
    /// the object as it is (through <paramref name="withoutNulls"/>).
    /// </summary>
    private static void WriteValue(Utf8JsonWriter writer, string? name, JsonElement value, bool withoutNulls)
    {
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            if (withoutNulls) return;
            if (name is not null) writer.WritePropertyName(name);
            writer.WriteNullValue();
            return;
        }
        if (name is not null) writer.WritePropertyName(name);
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                if (value.TryGetInt64(out var integer)) writer.WriteNumberValue(integer);
                else if (value.TryGetDecimal(out var d))
                {
                    if (decimal.Truncate(d) == d && d >= long.MinValue && d <= long.MaxValue) writer.WriteNumberValue((long)d);
                    else writer.WriteNumberValue((double)d);
                }
                else value.WriteTo(writer);
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray()) WriteValue(writer, null, item, withoutNulls: false);
                writer.WriteEndArray();
                break;
            case JsonValueKind.Object when withoutNulls:
                WriteObjectWithoutNulls(writer, value);
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    private static void WriteObjectWithoutNulls(Utf8JsonWriter writer, JsonElement obj)
    {
        writer.WriteStartObject();
        foreach (var property in obj.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null) continue;
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            if (raw.IndexOf((byte)'\\') < 0) writer.WritePropertyName(raw);
            else writer.WritePropertyName(property.Name);
            if (value.ValueKind == JsonValueKind.Object) WriteObjectWithoutNulls(writer, value);
            else value.WriteTo(writer);
        }
        writer.WriteEndObject();
    }
}
