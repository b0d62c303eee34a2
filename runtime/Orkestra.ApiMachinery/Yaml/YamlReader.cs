using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Orkestra.ApiMachinery.Yaml;

/// <summary>A YAML text that cannot become JSON, with the 1-based position of the problem; control characters from the
/// input are escaped in the message (<see cref="ControlText"/>).</summary>
public sealed class YamlReadException(string message, int line, int column) : Exception(ControlText.Escape(message))
{
    public int Line { get; } = line;
    public int Column { get; } = column;
}

/// <summary>One document of a YAML stream: its JSON value and where it starts (1-based).</summary>
public sealed record YamlDocument(JsonNode? Content, int Line, int Column);

/// <summary>Bounds of one read: nesting depth, and JSON nodes produced (aliases count each copy).</summary>
public sealed record YamlReadLimits
{
    public static readonly YamlReadLimits Default = new();

    public int MaxDepth { get; init; } = 256;

    public int MaxNodes { get; init; } = 500_000;
}

/// <summary>
/// The one YAML → JSON reader (what sigs.k8s.io/yaml's strict conversion does, which kubectl and the API server
/// use): plain scalars typed by <see cref="YamlScalars"/>; quoted and block scalars, and those tagged <c>!!str</c> or
/// with a tag of their own, are strings; <c>!!int</c>, <c>!!float</c>, <c>!!bool</c>, <c>!!null</c> force a type (text
/// that is not one is an error); <c>!!binary</c> is base64-decoded. Mapping keys become strings the way go-yaml's
/// values print (<c>007</c> → "7", <c>yes</c> → "true"); a null, map or list key, a duplicate key, a merge key
/// (<c>&lt;&lt;</c>, not supported) and <c>.inf</c>/<c>.nan</c> values are errors. Aliases are copies of their anchor.
/// JSON, being YAML, reads the same way. Every problem is a <see cref="YamlReadException"/> with its position; reads
/// are bounded by <see cref="YamlReadLimits"/>. Stateless; thread-safe; AOT-safe (YamlDotNet's event parser only).
/// </summary>
public static class YamlReader
{
    /// <summary>Every document of <paramref name="text"/> (an empty stream has none; an empty document is null).</summary>
    public static IReadOnlyList<YamlDocument> ReadAll(string text, YamlReadLimits? limits = null) =>
        new Reading(text, limits ?? YamlReadLimits.Default).All(single: false);

    /// <summary>The single document of <paramref name="text"/> (null when there is none); a second one is an error.</summary>
    public static JsonNode? ReadOne(string text, YamlReadLimits? limits = null) =>
        new Reading(text, limits ?? YamlReadLimits.Default).All(single: true) is [var only] ? only.Content : null;

    private sealed class Reading(string text, YamlReadLimits limits)
    {
        private readonly Parser _parser = new(new StringReader(text));
        private Dictionary<string, JsonNode?> _anchors = new(StringComparer.Ordinal);
        private int _nodes;

        public List<YamlDocument> All(bool single)
        {
            var documents = new List<YamlDocument>();
            try
            {
                _parser.Consume<StreamStart>();
                while (_parser.TryConsume<DocumentStart>(out var start))
                {
                    if (single && documents.Count == 1)
                        throw Error(start.Start, "the body holds more than one YAML document");
                    _anchors = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
                    var content = _parser.Accept<DocumentEnd>(out _) ? null : Read(0);
                    _parser.Consume<DocumentEnd>();
                    documents.Add(new YamlDocument(content, Line(start.Start), Column(start.Start)));
                }
                _parser.Consume<StreamEnd>();
            }
            catch (YamlException e)
            {
                throw Error(e.Start, CleanMessage(e.Message));
            }
            catch (InvalidOperationException)
            {
                // YamlDotNet's parser gives up this way on some truncated flow collections.
                var lines = text.TrimEnd().Split('\n');
                throw new YamlReadException("the document ends inside an unclosed '{' or '['", lines.Length, lines[^1].Length + 1);
            }
            return documents;
        }

        private JsonNode? Read(int depth)
        {
            if (_parser.TryConsume<AnchorAlias>(out var alias))
            {
                if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                    throw Error(alias.Start, $"unknown alias *{alias.Value.Value}");
                Count(alias.Start, CountNodes(target));
                return target?.DeepClone();
            }
            if (depth >= limits.MaxDepth) throw Error(_parser.Current!.Start, $"the YAML nests deeper than {limits.MaxDepth} levels");
            JsonNode? node;
            AnchorName anchor;
            if (_parser.TryConsume<Scalar>(out var scalar))
            {
                Count(scalar.Start, 1);
                node = Value(scalar);
                anchor = scalar.Anchor;
            }
            else if (_parser.TryConsume<MappingStart>(out var mapping))
            {
                Count(mapping.Start, 1);
                var obj = new JsonObject();
                while (!_parser.TryConsume<MappingEnd>(out _))
                {
                    var keyEvent = _parser.Current!;
                    var key = Key(keyEvent, depth + 1);
                    var value = Read(depth + 1);
                    if (obj.ContainsKey(key)) throw Error(keyEvent.Start, $"duplicate key \"{key}\"");
                    obj[key] = value;
                }
                node = obj;
                anchor = mapping.Anchor;
            }
            else
            {
                var sequence = _parser.Consume<SequenceStart>();
                Count(sequence.Start, 1);
                var array = new JsonArray();
                while (!_parser.TryConsume<SequenceEnd>(out _)) array.Add(Read(depth + 1));
                node = array;
                anchor = sequence.Anchor;
            }
            if (!anchor.IsEmpty) _anchors[anchor.Value] = node;   // an alias copies it (a node has one parent)
            return node;
        }

        /// <summary>A mapping key as JSON's field name: go-yaml resolves it like a value, sigs.k8s.io/yaml prints it.</summary>
        private string Key(ParsingEvent keyEvent, int depth)
        {
            if (keyEvent is not (Scalar or AnchorAlias)) throw Error(keyEvent.Start, "a mapping key must be a scalar, not a map or a list");
            if (keyEvent is Scalar { Style: ScalarStyle.Plain, Value: "<<" } merge && merge.Tag.IsEmpty)
                throw Error(keyEvent.Start, "YAML merge keys ('<<') are not supported; write the keys out");
            var key = Read(depth);
            return key switch
            {
                null => throw Error(keyEvent.Start, "a null key (~) cannot be a JSON field name"),
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
                JsonValue v when v.TryGetValue<long>(out var l) => l.ToString(CultureInfo.InvariantCulture),
                JsonValue v when v.TryGetValue<double>(out var d) => GoFloat32(d),
                JsonValue => throw Error(keyEvent.Start, $"unsupported map key {key.ToJsonString()} (beyond the signed 64-bit range)"),
                _ => throw Error(keyEvent.Start, "a mapping key must be a scalar, not a map or a list"),
            };
        }

        private JsonNode? Value(Scalar scalar)
        {
            var tag = scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific ? null : scalar.Tag.Value;
            if (tag is null)
            {
                // Quoted and block scalars are strings, and so is a plain one with the non-specific tag '!'.
                if (scalar.Style != ScalarStyle.Plain || !scalar.Tag.IsEmpty) return JsonValue.Create(scalar.Value);
                return YamlScalars.TryToJson(scalar.Value, out var plain, out var error) ? plain : throw Error(scalar.Start, error!);
            }
            return YamlScalars.TryTagged(scalar.Value, tag, out var value, out var problem) ? value : throw Error(scalar.Start, problem!);
        }

        private void Count(Mark at, int nodes)
        {
            _nodes += nodes;
            if (_nodes > limits.MaxNodes)
                throw Error(at, $"the YAML expands to more than {limits.MaxNodes} values (anchors and aliases count once per use)");
        }

        private static int CountNodes(JsonNode? node) => node switch
        {
            JsonObject o => 1 + o.Sum(p => CountNodes(p.Value)),
            JsonArray a => 1 + a.Sum(CountNodes),
            _ => 1,
        };
    }

    /// <summary>Go's <c>strconv.FormatFloat(f, 'g', -1, 32)</c>, which sigs.k8s.io/yaml uses for float keys.</summary>
    internal static string GoFloat32(double value)
    {
        if (double.IsNaN(value)) return ".nan";
        if (double.IsPositiveInfinity(value)) return ".inf";
        if (double.IsNegativeInfinity(value)) return "-.inf";
        var f = (float)value;
        if (float.IsPositiveInfinity(f)) return "+Inf";
        if (float.IsNegativeInfinity(f)) return "-Inf";
        if (f == 0) return float.IsNegative(f) ? "-0" : "0";
        // Shortest digits that read back as this float32, and the decimal point position.
        var text = f.ToString("R", CultureInfo.InvariantCulture);
        var negative = text.StartsWith('-');
        if (negative) text = text[1..];
        var e = text.IndexOfAny(['E', 'e']);
        var exponent = e < 0 ? 0 : int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? text : text[..e];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var point = (dot < 0 ? mantissa.Length : dot) + exponent;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') lead++;
        digits = digits[lead..].TrimEnd('0');
        point -= lead;
        if (digits.Length == 0) digits = "0";
        var sign = negative ? "-" : "";
        var exp = point - 1;
        if (exp < -4 || exp >= 6)
        {
            var fraction = digits.Length > 1 ? "." + digits[1..] : "";
            return $"{sign}{digits[0]}{fraction}e{(exp < 0 ? '-' : '+')}{Math.Abs(exp):00}";
        }
        if (point <= 0) return $"{sign}0.{new string('0', -point)}{digits}";
        if (point >= digits.Length) return sign + digits + new string('0', point - digits.Length);
        return $"{sign}{digits[..point]}.{digits[point..]}";
    }

    private static YamlReadException Error(Mark at, string message) => new(message, Line(at), Column(at));

    private static int Line(Mark mark) => (int)Math.Max(1, mark.Line);

    private static int Column(Mark mark) => (int)Math.Max(1, mark.Column);

    /// <summary>YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the position is reported apart.</summary>
    private static string CleanMessage(string message)
    {
        var i = message.IndexOf("): ", StringComparison.Ordinal);
        return (i >= 0 && message.StartsWith('(') ? message[(i + 3)..] : message).TrimEnd('.');
    }
}
