using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orkestra.ApiMachinery.Schema;

/// <summary>The JSON types the OpenAPI validator distinguishes (integers are whole numbers that fit int64).</summary>
internal enum ValueKind { Null, Object, Array, String, Integer, Number, Boolean }

/// <summary>
/// A JSON node seen the way the API server's decoder sees it (Go's unstructured JSON: int64 when the literal is an
/// integer that fits, float64 otherwise), and rendered the way Go's fmt verbs render such values in error
/// messages. Pure functions.
/// </summary>
internal static class JsonValues
{
    public static ValueKind Kind(JsonNode? node) => Kind(node, out _, out _);

    public static ValueKind Kind(JsonNode? node, out long integer, out double number)
    {
        integer = 0;
        number = 0;
        switch (node)
        {
            case null: return ValueKind.Null;
            case JsonObject: return ValueKind.Object;
            case JsonArray: return ValueKind.Array;
        }
        var value = (JsonValue)node;
        switch (value.GetValueKind())
        {
            case JsonValueKind.String: return ValueKind.String;
            case JsonValueKind.True or JsonValueKind.False: return ValueKind.Boolean;
            case JsonValueKind.Null: return ValueKind.Null;
            case JsonValueKind.Number:
                if (value.TryGetValue<JsonElement>(out var element))
                {
                    if (element.TryGetInt64(out integer)) { number = integer; return ValueKind.Integer; }
                    number = element.GetDouble();
                    return ValueKind.Number;
                }
                if (value.TryGetValue<long>(out integer) || TryInt(value, out integer)) { number = integer; return ValueKind.Integer; }
                if (value.TryGetValue<double>(out number)) return ValueKind.Number;
                if (value.TryGetValue<float>(out var f)) { number = f; return ValueKind.Number; }
                if (value.TryGetValue<decimal>(out var m)) { number = (double)m; return ValueKind.Number; }
                number = double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);
                return ValueKind.Number;
            default: return ValueKind.Null;
        }
    }

    private static bool TryInt(JsonValue value, out long result)
    {
        if (value.TryGetValue<int>(out var i)) { result = i; return true; }
        if (value.TryGetValue<short>(out var s)) { result = s; return true; }
        if (value.TryGetValue<byte>(out var b)) { result = b; return true; }
        if (value.TryGetValue<uint>(out var u)) { result = u; return true; }
        result = 0;
        return false;
    }

    /// <summary>The OpenAPI type name of a value ("integer", "number", "string", "boolean", "object", "array", "null").</summary>
    public static string TypeName(ValueKind kind) => kind switch
    {
        ValueKind.Null => "null",
        ValueKind.Object => "object",
        ValueKind.Array => "array",
        ValueKind.String => "string",
        ValueKind.Integer => "integer",
        ValueKind.Number => "number",
        _ => "boolean",
    };

    public static string? String(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Semantic equality: numbers compare by value (1 equals 1.0), objects ignore key order.</summary>
    public static bool Equal(JsonNode? a, JsonNode? b)
    {
        var ka = Kind(a, out var ia, out var da);
        var kb = Kind(b, out var ib, out var db);
        if (ka is ValueKind.Integer or ValueKind.Number && kb is ValueKind.Integer or ValueKind.Number)
            return ka == ValueKind.Integer && kb == ValueKind.Integer ? ia == ib : da == db;
        if (ka != kb) return false;
        switch (ka)
        {
            case ValueKind.Null: return true;
            case ValueKind.String: return String(a) == String(b);
            case ValueKind.Boolean: return a!.GetValue<bool>() == b!.GetValue<bool>();
            case ValueKind.Array:
            {
                var x = (JsonArray)a!;
                var y = (JsonArray)b!;
                if (x.Count != y.Count) return false;
                for (var i = 0; i < x.Count; i++)
                {
                    if (!Equal(x[i], y[i])) return false;
                }
                return true;
            }
            default:
            {
                var x = (JsonObject)a!;
                var y = (JsonObject)b!;
                if (x.Count != y.Count) return false;
                foreach (var (key, value) in x)
                {
                    if (!y.TryGetPropertyValue(key, out var other) || !Equal(value, other)) return false;
                }
                return true;
            }
        }
    }

    /// <summary>Go's <c>%v</c> of a float64: shortest round-trip digits, exponent form below 1e-4 and from 1e21.</summary>
    public static string GoFloat(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsInfinity(value)) return value > 0 ? "+Inf" : "-Inf";
        if (value == 0) return 1 / value < 0 ? "-0" : "0";
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        // digits and decimal exponent of the shortest representation
        var negative = shortest.StartsWith('-');
        var body = negative ? shortest[1..] : shortest;
        string mantissa;
        int exponent;
        var e = body.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            mantissa = body[..e];
            exponent = int.Parse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
        else
        {
            mantissa = body;
            exponent = 0;
        }
        var dot = mantissa.IndexOf('.');
        var intPart = dot < 0 ? mantissa : mantissa[..dot];
        var fracPart = dot < 0 ? "" : mantissa[(dot + 1)..];
        var digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        exponent += intPart.Length - 1 - leadingZeros;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        var sb = new StringBuilder();
        if (negative) sb.Append('-');
        if (exponent < -4 || exponent >= 21)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            sb.Append('e').Append(exponent < 0 ? '-' : '+').Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (exponent < 0)
        {
            sb.Append("0.").Append('0', -exponent - 1).Append(digits);
        }
        else if (digits.Length <= exponent + 1)
        {
            sb.Append(digits).Append('0', exponent + 1 - digits.Length);
        }
        else
        {
            sb.Append(digits, 0, exponent + 1).Append('.').Append(digits, exponent + 1, digits.Length - exponent - 1);
        }
        return sb.ToString();
    }

    /// <summary>Go's <c>strconv.Quote</c>.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        foreach (var rune in s.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    var category = Rune.GetUnicodeCategory(rune);
                    var printable = rune.Value == ' '
                        || !(category is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
                        or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator
                        or System.Globalization.UnicodeCategory.SpaceSeparator or System.Globalization.UnicodeCategory.Surrogate
                        or System.Globalization.UnicodeCategory.PrivateUse or System.Globalization.UnicodeCategory.OtherNotAssigned);
                    if (printable) sb.Append(rune.ToString());
                    else if (rune.Value < 0x80) sb.Append("\\x").Append(rune.Value.ToString("x2", CultureInfo.InvariantCulture));
                    else if (rune.Value < 0x10000) sb.Append("\\u").Append(rune.Value.ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append("\\U").Append(rune.Value.ToString("x8", CultureInfo.InvariantCulture));
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>How <c>field.Error</c> prints a bad value: scalars with <c>%v</c>, strings with <c>%q</c>, the rest with
    /// <c>%#v</c>.</summary>
    public static string Render(JsonNode? node) => Kind(node, out var i, out var d) switch
    {
        ValueKind.Null => "\"null\"",
        ValueKind.String => Quote(String(node)!),
        ValueKind.Integer => i.ToString(CultureInfo.InvariantCulture),
        ValueKind.Number => GoFloat(d),
        ValueKind.Boolean => node!.GetValue<bool>() ? "true" : "false",
        _ => GoSyntax(node),
    };

    /// <summary>Go's <c>%#v</c> of an unstructured value (<c>map[string]interface {}{"a":1}</c>).</summary>
    public static string GoSyntax(JsonNode? node)
    {
        switch (Kind(node, out var i, out var d))
        {
            case ValueKind.Null: return "interface {}(nil)";
            case ValueKind.String: return Quote(String(node)!);
            case ValueKind.Integer: return i.ToString(CultureInfo.InvariantCulture);
            case ValueKind.Number: return GoFloat(d);
            case ValueKind.Boolean: return node!.GetValue<bool>() ? "true" : "false";
            case ValueKind.Array:
                return "[]interface {}{" + string.Join(", ", ((JsonArray)node!).Select(GoSyntax)) + "}";
            default:
                var entries = ((JsonObject)node!).OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => Quote(p.Key) + ":" + GoSyntax(p.Value));
                return "map[string]interface {}{" + string.Join(", ", entries) + "}";
        }
    }

    /// <summary>What <c>json.Marshal</c> makes of an enum value (strings stay raw for the supported-values list).</summary>
    public static string EnumText(JsonNode? node) => String(node) ?? (node is null ? "null" : node.ToJsonString());
}
