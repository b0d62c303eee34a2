using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.ApiMachinery.Yaml;
using Orkestra.Katalog.Rendering;
using Orkestra.Templating;

namespace Orkestra.Runtime.Reconciliation;

/// <summary>One field <c>normalize</c> changed (recorded when <c>audit: true</c>).</summary>
public sealed record NormalizeChange(string Field, JsonNode? From, JsonNode? To)
{
    public override string ToString() =>
        $"spec.{Field}: {From?.ToJsonString() ?? "(absent)"} -> {To?.ToJsonString() ?? "(absent)"}";
}

/// <summary>The normalised CR (a fresh, self-contained element) and, with <c>audit</c>, what changed.</summary>
public readonly record struct NormalizeResult(JsonElement Object, IReadOnlyList<NormalizeChange> Changes);

/// <summary>A <c>normalize</c> template or path failed for one CR; the message names the field.</summary>
public sealed class NormalizeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// <c>normalize</c> (a CRD's <c>normalize.spec</c> templates): the first step of every reconcile, in memory only. Every
/// <c>normalize.spec</c> template renders against the CR as read (all of them see the same, un-normalised data) and
/// its result is written at <c>spec.&lt;path&gt;</c> of a deep copy, which every later step (mutation, validation,
/// rendering, status) sees; the cached object and the stored CR are never changed. The rendered text is trimmed;
/// without a declared type it is typed as a YAML 1.2 core scalar (<c>null</c>/empty → <c>""</c>, booleans, int64,
/// floats; a JSON object or array text becomes that structure; anything else a string); with a type
/// (<c>int</c>, <c>bool</c>, <c>float</c>, <c>string</c>) it is converted strictly and an empty result leaves the
/// field as it was. Missing intermediate maps are created; an intermediate value that is not a map is an error.
/// Pure; thread-safe.
/// </summary>
public static class Normalizer
{
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 64 };

    /// <summary>Throws <see cref="NormalizeException"/> naming the field on a template, type or path error.</summary>
    public static NormalizeResult Apply(CompiledNormalize normalize, JsonElement cr, TimeProvider time)
    {
        var copy = JsonNode.Parse(cr.GetRawText(), documentOptions: DecodeLimits.Document)!.AsObject();
        var scope = new RenderScope(TemplateData.ForObject(cr), time);
        var changes = new List<NormalizeChange>();
        foreach (var field in normalize.Fields)
        {
            var name = field.Source.Path;
            string text;
            try
            {
                text = field.Template.Render(scope).Trim();
            }
            catch (KatalogRenderException e)
            {
                throw new NormalizeException($"normalize spec.{name}: {e.ToDiagnostic()}", e);
            }
            var value = field.Type is { } type ? Coerce(text, type, name) : Parse(text);
            if (value is null) continue;
            var before = Set(copy, field.Path, value, name);
            if (normalize.Audit && !JsonNode.DeepEquals(before, value)) changes.Add(new NormalizeChange(name, before, value.DeepClone()));
        }
        using var document = JsonDocument.Parse(copy.ToJsonString(), DecodeLimits.Document);
        return new NormalizeResult(document.RootElement.Clone(), changes);
    }

    /// <summary>Typed as Orkestra's YAML parse of the rendered text; null and empty become the empty string.</summary>
    internal static JsonNode Parse(string text)
    {
        if (text.Length == 0 || text is "null" or "Null" or "NULL" or "~") return JsonValue.Create("");
        if (text is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (text is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (YamlScalars.TryInt(text, out var i)) return JsonValue.Create(i);
        if (YamlScalars.TryNumber(text, out var f)) return JsonValue.Create(f);
        if (text[0] is '{' or '[')
        {
            try
            {
                if (JsonNode.Parse(text, documentOptions: ParseOptions) is { } structured) return structured;
            }
            catch (JsonException)
            {
            }
        }
        return JsonValue.Create(text);
    }

    /// <summary>Converts to the declared type; null (leave the field alone) for an empty result.</summary>
    internal static JsonNode? Coerce(string text, string type, string field)
    {
        if (text.Length == 0) return null;
        JsonNode? value = type switch
        {
            "int" => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)
                ? JsonValue.Create(i)
                : null,
            "float" => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && double.IsFinite(f)
                ? JsonValue.Create(f)
                : null,
            "bool" => text switch
            {
                "1" or "t" or "T" or "true" or "True" or "TRUE" => JsonValue.Create(true),
                "0" or "f" or "F" or "false" or "False" or "FALSE" => JsonValue.Create(false),
                _ => null,
            },
            _ => JsonValue.Create(text),
        };
        return value ?? throw new NormalizeException($"normalize spec.{field}: type {type}: cannot convert \"{Shorten(text)}\" to {type}");
    }

    /// <summary>Writes <paramref name="value"/> at spec.PATH; returns what was there before (null when absent).</summary>
    private static JsonNode? Set(JsonObject cr, IReadOnlyList<string> path, JsonNode value, string field)
    {
        var node = cr;
        var segments = path.Prepend("spec").ToArray();
        foreach (var segment in segments[..^1])
        {
            if (!node.TryGetPropertyValue(segment, out var next) || next is null)
            {
                var created = new JsonObject();
                node[segment] = created;
                node = created;
                continue;
            }
            node = next as JsonObject ?? throw new NormalizeException(
                $"normalize spec.{field}: path segment \"{segment}\" is not a map (it is {Describe(next)})");
        }
        var before = node[segments[^1]]?.DeepClone();
        node[segments[^1]] = value;
        return before;
    }

    private static string Describe(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "not a map",
    };

    private static string Shorten(string text) => text.Length > 80 ? text[..77] + "..." : text;
}
