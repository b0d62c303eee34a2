using System.Globalization;
using Fluid.Values;
using Orkestra.Templating.Values;

namespace Orkestra.Templating.Functions.Library;

/// <summary>
/// Reads the text forms asList/asMap accept: JSON, or a one-level YAML block list ("- a\n- b") or block map
/// ("k: v\nk2: v2") of scalars. Nested YAML is not read (returns null); callers treat that as "not a list/map".
/// </summary>
internal static class FlatYaml
{
    public static FluidValue? Parse(string text)
    {
        if (Types.ParseJson(text) is { } json) return json;
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))
            .ToList();
        if (lines.Count == 0 || lines.Any(l => char.IsWhiteSpace(l[0]))) return null;
        if (lines.All(l => l == "-" || l.StartsWith("- ", StringComparison.Ordinal)))
            return new ListValue(lines.Select(l => Scalar(l.Length > 1 ? l[2..] : "")).ToArray());
        var map = new Dictionary<string, FluidValue>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon < 0 && line.EndsWith(':')) colon = line.Length - 1;
            if (colon <= 0) return null;
            var value = line[(colon + 1)..].Trim();
            if (value.StartsWith('-') && value.Length == 1) return null;
            map[Unquote(line[..colon].Trim())] = Scalar(value);
        }
        return new MapValue(map);
    }

    private static FluidValue Scalar(string raw)
    {
        var s = raw.Trim();
        if (s.Length >= 2 && (s[0] == '"' || s[0] == '\'') && s[^1] == s[0]) return GoValues.String(Unquote(s));
        return s switch
        {
            "" or "~" or "null" or "Null" or "NULL" => NilValue.Instance,
            "true" or "True" or "TRUE" => BooleanValue.True,
            "false" or "False" or "FALSE" => BooleanValue.False,
            _ when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => GoValues.Number(l),
            _ when decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && s.Any(char.IsAsciiDigit) =>
                GoValues.Number(d),
            _ => GoValues.String(s),
        };
    }

    private static string Unquote(string s) =>
        s.Length >= 2 && (s[0] == '"' || s[0] == '\'') && s[^1] == s[0] ? s[1..^1] : s;
}
