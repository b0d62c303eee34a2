using System.Globalization;
using System.Text.Json.Nodes;

namespace Orkestra.ApiMachinery.Yaml;

/// <summary>What a plain YAML scalar is.</summary>
public enum YamlScalarKind { Null, Bool, Int, Float, String }

/// <summary>
/// What a plain (unquoted, untagged) YAML scalar means, as Kubernetes reads YAML: sigs.k8s.io/yaml decodes with
/// go-yaml v2, whose resolver follows YAML 1.1. Null: <c>""</c>, <c>~</c>, <c>null</c>, <c>Null</c>, <c>NULL</c>.
/// Booleans: <c>y Y yes Yes YES true True TRUE on On ON</c> and <c>n N no No NO false False FALSE off Off OFF</c>.
/// Integers, for text starting with a digit or a sign, after every <c>_</c> is dropped, as Go's
/// <c>strconv.ParseInt(s, 0, 64)</c> reads them: decimal, <c>0x</c> hex, <c>0o</c> and leading-<c>0</c> octal
/// (<c>007</c> is 7, <c>010</c> is 8), <c>0b</c> binary; beyond int64, unsigned 64-bit. Floats: the decimal forms
/// (<c>1.5</c>, <c>.5</c>, <c>1e3</c>, <c>1_000.5</c>; <c>08</c>, an octal misfit, is the float 8) and
/// <c>.inf</c>/<c>-.inf</c>/<c>.nan</c> in their three spellings, which have no JSON form. Everything else, a float
/// that overflows and a timestamp included, is a string. Pure; thread-safe.
/// </summary>
public static class YamlScalars
{
    private static readonly Dictionary<string, (YamlScalarKind Kind, object? Value)> s_words = Words();

    /// <summary>The kind of the plain scalar <paramref name="text"/>.</summary>
    public static YamlScalarKind Classify(string text) => Resolve(text).Kind;

    /// <summary>True for the plain scalars that mean null.</summary>
    public static bool IsNull(string text) => text is "" or "~" or "null" or "Null" or "NULL";

    /// <summary>The boolean a plain scalar means, if it is one.</summary>
    public static bool TryBool(string text, out bool value)
    {
        var (kind, resolved) = Resolve(text);
        value = kind == YamlScalarKind.Bool && (bool)resolved!;
        return kind == YamlScalarKind.Bool;
    }

    /// <summary>The integer a plain scalar means, if it is one that fits a signed 64-bit integer.</summary>
    public static bool TryInt(string text, out long value)
    {
        var (kind, resolved) = Resolve(text);
        value = resolved is long l ? l : 0;
        return kind == YamlScalarKind.Int && resolved is long;
    }

    /// <summary>The number a plain scalar means (an integer or a finite float), if it is one.</summary>
    public static bool TryNumber(string text, out double value)
    {
        (value, var ok) = Resolve(text).Value switch
        {
            long l => (l, true),
            ulong u => (u, true),
            double d when double.IsFinite(d) => (d, true),
            _ => (0d, false),
        };
        return ok;
    }

    /// <summary>
    /// The JSON value of a plain scalar (null for the null words). False, with <paramref name="error"/> set, for the
    /// floats JSON cannot hold (<c>.inf</c>, <c>.nan</c>): kube refuses them too.
    /// </summary>
    public static bool TryToJson(string text, out JsonNode? value, out string? error)
    {
        error = null;
        value = null;
        switch (Resolve(text).Value)
        {
            case null:
                return true;
            case bool b:
                value = JsonValue.Create(b);
                return true;
            case long l:
                value = JsonValue.Create(l);
                return true;
            case ulong u:
                value = JsonValue.Create(u);
                return true;
            case double d when double.IsFinite(d):
                value = JsonValue.Create(d);
                return true;
            case double:
                error = $"{text} is a YAML float JSON cannot hold; quote it to keep the text";
                return false;
            default:
                value = JsonValue.Create(text);
                return true;
        }
    }

    /// <summary>
    /// The JSON value of a scalar with an explicit tag (<paramref name="tag"/> as <c>!!int</c> or
    /// <c>tag:yaml.org,2002:int</c>), whatever its style: <c>!!str</c> and tags outside the YAML core set keep the
    /// text; <c>!!int</c>, <c>!!float</c> (an integer becomes a float), <c>!!bool</c>, <c>!!null</c> and
    /// <c>!!timestamp</c> type it as a plain scalar would be and refuse text of another type, with go-yaml's message;
    /// <c>!!binary</c> is base64-decoded to UTF-8 text.
    /// </summary>
    public static bool TryTagged(string text, string tag, out JsonNode? value, out string? error)
    {
        const string Core = "tag:yaml.org,2002:";
        value = null;
        error = null;
        var name = tag.StartsWith("!!", StringComparison.Ordinal) ? tag[2..]
            : tag.StartsWith(Core, StringComparison.Ordinal) ? tag[Core.Length..]
            : null;
        if (name is null or "str")
        {
            value = JsonValue.Create(text);
            return true;
        }
        if (name == "binary")
        {
            try
            {
                value = JsonValue.Create(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(text)));
                return true;
            }
            catch (FormatException)
            {
                error = "!!binary value contains invalid base64 data";
                return false;
            }
        }
        var kind = Resolve(text).Kind;
        var fits = (name, kind) switch
        {
            ("int", YamlScalarKind.Int) or ("bool", YamlScalarKind.Bool) or ("null", YamlScalarKind.Null) => true,
            ("float", YamlScalarKind.Float or YamlScalarKind.Int) => true,
            ("timestamp", YamlScalarKind.String) => true,
            _ => false,
        };
        if (!fits)
        {
            error = $"cannot decode !!{ShortTag(kind)} `{text}` as a !!{name}";
            return false;
        }
        if (name == "timestamp")
        {
            value = JsonValue.Create(text);
            return true;
        }
        if (!TryToJson(text, out value, out error)) return false;
        if (name == "float" && value is JsonValue v && v.TryGetValue<long>(out var l)) value = JsonValue.Create((double)l);
        return true;
    }

    private static string ShortTag(YamlScalarKind kind) => kind switch
    {
        YamlScalarKind.Null => "null",
        YamlScalarKind.Bool => "bool",
        YamlScalarKind.Int => "int",
        YamlScalarKind.Float => "float",
        _ => "str",
    };

    /// <summary>go-yaml v2's <c>resolve</c> for an untagged plain scalar: the kind and the value (null, bool, long,
    /// ulong, double, or the text itself for a string).</summary>
    internal static (YamlScalarKind Kind, object? Value) Resolve(string text)
    {
        if (s_words.TryGetValue(text, out var word)) return word;
        if (text.Length == 0) return (YamlScalarKind.String, text);
        var first = text[0];
        if (first == '.')
        {
            return IsDecimalFloat(text) && TryFloat(text, out var f) ? (YamlScalarKind.Float, f) : (YamlScalarKind.String, text);
        }
        if (!char.IsAsciiDigit(first) && first is not ('+' or '-')) return (YamlScalarKind.String, text);
        var plain = text.Contains('_', StringComparison.Ordinal) ? text.Replace("_", "", StringComparison.Ordinal) : text;
        if (TryGoInt(plain, out var integer, out var unsigned)) return (YamlScalarKind.Int, unsigned is { } u ? u : integer);
        if (IsDecimalFloat(plain) && TryFloat(plain, out var real)) return (YamlScalarKind.Float, real);
        return (YamlScalarKind.String, text);
    }

    /// <summary>Go's <c>strconv.ParseInt(s, 0, 64)</c>, then <c>ParseUint(s, 0, 64)</c> for what overflows it: an optional
    /// sign (ParseInt only), a base prefix (<c>0x</c>, <c>0o</c>, <c>0b</c>, or a leading <c>0</c> for octal) and at least
    /// one digit of that base.</summary>
    private static bool TryGoInt(string s, out long value, out ulong? unsigned)
    {
        value = 0;
        unsigned = null;
        var i = 0;
        var negative = false;
        if (s.Length > 0 && s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            i = 1;
        }
        var signed = i == 1;
        var radix = 10;
        if (s.Length - i >= 2 && s[i] == '0')
        {
            switch (s[i + 1])
            {
                case 'x' or 'X': radix = 16; i += 2; break;
                case 'o' or 'O': radix = 8; i += 2; break;
                case 'b' or 'B': radix = 2; i += 2; break;
                default: radix = 8; i += 1; break;
            }
        }
        if (i >= s.Length) return false;
        ulong magnitude = 0;
        var overflow = false;
        for (; i < s.Length; i++)
        {
            var digit = DigitValue(s[i]);
            if (digit < 0 || digit >= radix) return false;
            if (magnitude > (ulong.MaxValue - (ulong)digit) / (ulong)radix) overflow = true;
            else magnitude = magnitude * (ulong)radix + (ulong)digit;
        }
        if (overflow) return false;
        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1) return false;
            value = magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)magnitude;
            return true;
        }
        if (magnitude <= long.MaxValue)
        {
            value = (long)magnitude;
            return true;
        }
        if (signed) return false;   // ParseUint takes no sign
        unsigned = magnitude;
        return true;
    }

    private static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>go-yaml's <c>^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$</c>.</summary>
    private static bool IsDecimalFloat(string s)
    {
        var i = 0;
        if (i < s.Length && s[i] is '+' or '-') i++;
        var intDigits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; intDigits++; }
        if (i < s.Length && s[i] == '.')
        {
            i++;
            var fracDigits = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; fracDigits++; }
            if (intDigits == 0 && fracDigits == 0) return false;
        }
        else if (intDigits == 0)
        {
            return false;
        }
        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-') i++;
            var expDigits = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; expDigits++; }
            if (expDigits == 0) return false;
        }
        return i == s.Length;
    }

    /// <summary>Go's <c>ParseFloat</c> on text <see cref="IsDecimalFloat"/> accepted: false when it overflows.</summary>
    private static bool TryFloat(string s, out double value) =>
        double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static Dictionary<string, (YamlScalarKind, object?)> Words()
    {
        var words = new Dictionary<string, (YamlScalarKind, object?)>(StringComparer.Ordinal);
        void Add(YamlScalarKind kind, object? value, params string[] texts)
        {
            foreach (var text in texts) words[text] = (kind, value);
        }
        Add(YamlScalarKind.Bool, true, "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON");
        Add(YamlScalarKind.Bool, false, "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF");
        Add(YamlScalarKind.Null, null, "", "~", "null", "Null", "NULL");
        Add(YamlScalarKind.Float, double.NaN, ".nan", ".NaN", ".NAN");
        Add(YamlScalarKind.Float, double.PositiveInfinity, ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF");
        Add(YamlScalarKind.Float, double.NegativeInfinity, "-.inf", "-.Inf", "-.INF");
        return words;
    }
}
