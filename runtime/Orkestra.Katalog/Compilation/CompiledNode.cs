using System.Text.Json.Nodes;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Syntax;
using Orkestra.Templating.Values;
using Orkestra.Templating;

namespace Orkestra.Katalog.Compilation;

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

    /// <summary>Renders to JSON. Throws <see cref="KatalogRenderException"/> (located, with the user's template).</summary>
    public abstract JsonNode? Render(RenderScope scope);
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

    public override JsonNode? Render(RenderScope scope)
    {
        var result = new JsonObject();
        foreach (var (key, value) in Entries) result[key.Render(scope)] = value.Render(scope);
        return result;
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
}

internal sealed class CompiledLiteral(SourceLocation location, JsonNode? value) : CompiledNode(location)
{
    private readonly JsonNode? _value = value;
    public override bool IsStatic => true;
    public override JsonNode? Render(RenderScope scope) => _value?.DeepClone();
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
}
