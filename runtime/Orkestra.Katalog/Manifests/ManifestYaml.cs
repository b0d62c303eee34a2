using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orkestra.Katalog.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Orkestra.Katalog.Manifests;

/// <summary>One document of a manifest file, with where it starts.</summary>
public sealed record ManifestDocument(JsonNode? Content, SourceLocation Location);

/// <summary>
/// Reads Kubernetes manifests (multi-document YAML, or JSON, which is YAML) into JSON nodes and writes JSON
/// nodes back as YAML, typing plain scalars the way kubectl's YAML reader does (YAML 1.1 booleans such as
/// <c>yes</c>/<c>off</c>, integers, floats, null); quoted scalars are always strings. Anchors and aliases are
/// resolved by copying. Stateless and thread-safe; AOT-safe (YamlDotNet's event parser and emitter only).
/// </summary>
public static partial class ManifestYaml
{
    /// <summary>Parses every document; a syntax error becomes one diagnostic at its position (never an exception).</summary>
    public static IReadOnlyList<ManifestDocument> Parse(string text, string file, DiagnosticBag diagnostics)
    {
        var documents = new List<ManifestDocument>();
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out var start))
            {
                var anchors = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
                var content = parser.Accept<DocumentEnd>(out _) ? null : ReadNode(parser, anchors);
                parser.Consume<DocumentEnd>();
                if (content is not null) documents.Add(new ManifestDocument(content, At(file, start.Start)));
            }
            parser.Consume<StreamEnd>();
        }
        catch (YamlException e)
        {
            diagnostics.Error(At(file, e.Start), CleanMessage(e.Message));
        }
        return documents;
    }

    /// <summary>Reads a file; a missing or unreadable file becomes a diagnostic at <paramref name="reference"/>.</summary>
    public static IReadOnlyList<ManifestDocument> Load(string path, DiagnosticBag diagnostics, SourceLocation? reference = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(reference ?? SourceLocation.None(path), $"cannot read {path}: {e.Message}");
            return [];
        }
        return Parse(text, path, diagnostics);
    }

    private static JsonNode? ReadNode(IParser parser, Dictionary<string, JsonNode?> anchors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (!anchors.TryGetValue(alias.Value.Value, out var target))
                throw new YamlException(alias.Start, alias.End, $"unknown alias *{alias.Value.Value}");
            return target?.DeepClone();
        }
        JsonNode? node;
        string? anchor;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            node = TypeScalar(scalar);
            anchor = scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value;
        }
        else if (parser.TryConsume<MappingStart>(out var mapping))
        {
            var obj = new JsonObject();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyEvent = parser.Current;
                var key = ReadNode(parser, anchors);
                var keyText = key switch
                {
                    null => "null",
                    JsonValue v => v.ToString(),
                    _ => throw new YamlException(keyEvent!.Start, keyEvent.End, "a mapping key must be a scalar"),
                };
                var value = ReadNode(parser, anchors);
                if (obj.ContainsKey(keyText))
                    throw new YamlException(keyEvent!.Start, keyEvent.End, $"duplicate key \"{keyText}\"");
                obj[keyText] = value;
            }
            node = obj;
            anchor = mapping.Anchor.IsEmpty ? null : mapping.Anchor.Value;
        }
        else
        {
            var sequence = parser.Consume<SequenceStart>();
            var arr = new JsonArray();
            while (!parser.TryConsume<SequenceEnd>(out _)) arr.Add(ReadNode(parser, anchors));
            node = arr;
            anchor = sequence.Anchor.IsEmpty ? null : sequence.Anchor.Value;
        }
        if (anchor is not null) anchors[anchor] = node?.DeepClone();
        return node;
    }

    /// <summary>Types a scalar as kubectl's YAML reader does; quoted or <c>!!str</c> scalars stay strings.</summary>
    internal static JsonNode? TypeScalar(Scalar scalar)
    {
        var text = scalar.Value;
        if (scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value is "tag:yaml.org,2002:str" or "!!str")) return JsonValue.Create(text);
        return TypePlain(text);
    }

    internal static JsonNode? TypePlain(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "y" or "Y" or "on" or "On" or "ON":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "n" or "N" or "off" or "Off" or "OFF":
                return JsonValue.Create(false);
        }
        if (IntPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            return JsonValue.Create(l);
        if (text.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            return JsonValue.Create(hex);
        if (FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            return JsonValue.Create(d);
        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9]*)$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    private static SourceLocation At(string file, Mark mark) => new(file, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

    private static string CleanMessage(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the location is already ours.
        var i = message.IndexOf("): ", StringComparison.Ordinal);
        return i >= 0 && message.StartsWith('(') ? message[(i + 3)..] : message;
    }
}
