using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Syntax;
using Orkestra.Templating.Values;
using Orkestra.Templating;

namespace Orkestra.Katalog.Compilation;

/// <summary>
/// A string-valued Katalog scalar: literal text, or a template rendered to text (URLs, names, messages,
/// label values, requeue durations). Shared, immutable, thread-safe.
/// </summary>
public sealed class CompiledText
{
    private readonly string _literal;

    private CompiledText(string literal, YamlScalar? scalar, CompiledTemplate? template)
    {
        _literal = literal;
        Scalar = scalar;
        Template = template;
    }

    public static CompiledText Literal(string text) => new(text, null, null);

    internal static CompiledText FromScalar(YamlScalar scalar, CompiledTemplate? template) =>
        new(scalar.IsNull ? "" : scalar.Value, scalar, template);

    /// <summary>The scalar as written (null for synthesised literals).</summary>
    public YamlScalar? Scalar { get; }

    /// <summary>The compiled template, when the text contains <c>{{</c>.</summary>
    public CompiledTemplate? Template { get; }

    public bool IsTemplate => Template is not null;

    /// <summary>The text as the user wrote it.</summary>
    public string Text => Template?.Source ?? _literal;

    public SourceLocation? Location => Scalar?.Location;

    /// <summary>True when the template names the root field <paramref name="root"/> (<c>.external…</c>, <c>$.external…</c>).</summary>
    public bool Reads(string root) => Template?.RootFields.Contains(root) == true;

    public string Render(RenderScope scope)
    {
        if (Template is null) return _literal;
        try
        {
            return Template.Render(scope);
        }
        catch (TemplateRenderException e)
        {
            throw TemplateText.Located(Scalar!, e);
        }
    }

    /// <summary>The typed value of a template (a literal is its string).</summary>
    public TemplateValue Evaluate(RenderScope scope)
    {
        if (Template is null) return TemplateValue.String(_literal);
        try
        {
            return Template.Evaluate(scope);
        }
        catch (TemplateRenderException e)
        {
            throw TemplateText.Located(Scalar!, e);
        }
    }

    public override string ToString() => Text;
}

/// <summary>Runs template code and turns render failures into located <see cref="KatalogRenderException"/>s.</summary>
internal static class TemplateText
{
    public static KatalogRenderException Located(YamlScalar scalar, TemplateRenderException e) =>
        new(scalar.LocationOf(e.Offset), scalar.Value, e.Message, e);

    /// <summary>A template quoted for a message, shortened when long.</summary>
    public static string Quote(string template)
    {
        var oneLine = template.ReplaceLineEndings(" ").Trim();
        return "\"" + (oneLine.Length > 80 ? oneLine[..77] + "..." : oneLine) + "\"";
    }
}
