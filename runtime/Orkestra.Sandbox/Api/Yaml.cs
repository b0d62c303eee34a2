using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Orkestra.Sandbox.Api;

/// <summary>
/// YAML request bodies (apply patches) to JSON nodes, resolving plain scalars as kube's YAML-to-JSON conversion
/// does (YAML 1.1: null/~, true/false/yes/no/on/off, integers, floats; quoted scalars stay strings). JSON is YAML,
/// so JSON bodies take the fast path. One document only. AOT-safe (YamlDotNet's event parser, no serializer).
/// </summary>
internal static class Yaml
{
    /// <summary>Parses a JSON or YAML body; malformed input becomes kube's 400 "error decoding YAML".</summary>
    public static JsonNode? Parse(byte[] body)
    {
        var start = 0;
        while (start < body.Length && body[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') start++;
        if (start < body.Length && body[start] == (byte)'{') return Json.Parse(body, "error decoding YAML");
        try
        {
            var parser = new Parser(new StringReader(Encoding.UTF8.GetString(body)));
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _)) return null;
            parser.Consume<DocumentStart>();
            var node = Read(parser, new Dictionary<string, JsonNode?>(StringComparer.Ordinal));
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _)) throw ApiError.BadRequest("error decoding YAML: the body holds more than one document");
            return node;
        }
        catch (YamlException e)
        {
            throw ApiError.BadRequest($"error decoding YAML: {e.Message}");
        }
    }

    static JsonNode? Read(IParser parser, Dictionary<string, JsonNode?> anchors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            return anchors.TryGetValue(alias.Value.Value, out var target) ? target?.DeepClone() : throw ApiError.BadRequest($"error decoding YAML: unknown anchor {alias.Value}");
        }
        JsonNode? node;
        AnchorName anchor;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            anchor = scalar.Anchor;
            node = Scalar(scalar);
        }
        else if (parser.TryConsume<MappingStart>(out var mapping))
        {
            anchor = mapping.Anchor;
            var obj = new JsonObject();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = Read(parser, anchors);
                var name = key is JsonValue v && v.TryGetValue<string>(out var s) ? s : key is null ? "null" : Json.ToText(key);
                obj[name] = Read(parser, anchors);
            }
            node = obj;
        }
        else if (parser.TryConsume<SequenceStart>(out var sequence))
        {
            anchor = sequence.Anchor;
            var array = new JsonArray();
            while (!parser.TryConsume<SequenceEnd>(out _)) array.Push(Read(parser, anchors));
            node = array;
        }
        else
        {
            throw ApiError.BadRequest($"error decoding YAML: unexpected {parser.Current?.GetType().Name}");
        }
        if (!anchor.IsEmpty) anchors[anchor.Value] = node;
        return node;
    }

    static JsonNode? Scalar(Scalar scalar)
    {
        var text = scalar.Value;
        var tag = scalar.Tag.IsEmpty ? "" : scalar.Tag.Value;
        if (tag == "tag:yaml.org,2002:str" || scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            return JsonValue.Create(text);
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF":
                return JsonValue.Create(false);
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "-.inf" or ".nan" or ".NaN" or ".NAN":
                return JsonValue.Create(text);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return JsonValue.Create(integer);
        if (text.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            return JsonValue.Create(hex);
        if (text.Length > 0 && (char.IsDigit(text[0]) || text[0] is '-' or '+' or '.') && text.Any(char.IsDigit)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
            return JsonValue.Create(real);
        return JsonValue.Create(text);
    }
}
