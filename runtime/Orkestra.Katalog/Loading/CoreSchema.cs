using System.Globalization;
using System.Text.Json.Nodes;
using Orkestra.Katalog.Model;

namespace Orkestra.Katalog.Loading;

/// <summary>What a scalar is under the YAML 1.2 core schema.</summary>
public enum ScalarType { Null, Bool, Int, Float, String }

/// <summary>
/// YAML 1.2 core-schema typing for scalars: only plain scalars are typed (null, true/false, decimal/octal/hex
/// integers, floats); quoted and block scalars are strings. <c>.inf</c>/<c>.nan</c> have no JSON form and stay
/// strings. Pure; thread-safe.
/// </summary>
public static class CoreSchema
{
    public static ScalarType Classify(YamlScalar scalar)
    {
        if (!scalar.IsPlain) return ScalarType.String;
        var v = scalar.Value;
        if (scalar.IsNull) return ScalarType.Null;
        if (v is "true" or "True" or "TRUE" or "false" or "False" or "FALSE") return ScalarType.Bool;
        if (TryInt(v, out _)) return ScalarType.Int;
        if (TryFloat(v, out _)) return ScalarType.Float;
        return ScalarType.String;
    }

    /// <summary>The JSON value of a literal scalar.</summary>
    public static JsonNode? ToJson(YamlScalar scalar) => Classify(scalar) switch
    {
        ScalarType.Null => null,
        ScalarType.Bool => JsonValue.Create(scalar.Value is "true" or "True" or "TRUE"),
        ScalarType.Int => TryInt(scalar.Value, out var l) ? JsonValue.Create(l) : JsonValue.Create(scalar.Value),
        ScalarType.Float => TryFloat(scalar.Value, out var d) ? JsonValue.Create(d) : JsonValue.Create(scalar.Value),
        _ => JsonValue.Create(scalar.Value),
    };

    public static bool TryInt(string v, out long value)
    {
        value = 0;
        if (v.StartsWith("0o", StringComparison.Ordinal))
        {
            if (v.Length == 2) return false;
            try { value = Convert.ToInt64(v[2..], 8); return true; } catch (FormatException) { return false; } catch (OverflowException) { return false; }
        }
        if (v.StartsWith("0x", StringComparison.Ordinal))
            return v.Length > 2 && long.TryParse(v.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        if (v.Length == 0) return false;
        var digits = v[0] is '+' or '-' ? v.AsSpan(1) : v.AsSpan();
        if (digits.Length == 0) return false;
        foreach (var c in digits) if (c is < '0' or > '9') return false;
        return long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryFloat(string v, out double value)
    {
        value = 0;
        if (v.Length == 0) return false;
        var i = v[0] is '+' or '-' ? 1 : 0;
        int intDigits = 0, fracDigits = 0;
        while (i < v.Length && char.IsAsciiDigit(v[i])) { i++; intDigits++; }
        if (i < v.Length && v[i] == '.') { i++; while (i < v.Length && char.IsAsciiDigit(v[i])) { i++; fracDigits++; } }
        if (intDigits + fracDigits == 0) return false;
        if (i < v.Length && v[i] is 'e' or 'E')
        {
            i++;
            if (i < v.Length && v[i] is '+' or '-') i++;
            var expDigits = 0;
            while (i < v.Length && char.IsAsciiDigit(v[i])) { i++; expDigits++; }
            if (expDigits == 0) return false;
        }
        return i == v.Length && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }
}
