using System.Text;

namespace Orkestra.ApiMachinery.Selectors;

/// <summary>
/// Label and field selector parsing and matching (kube syntax: <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>,
/// <c>k in (a,b)</c>, <c>k notin (a)</c>, <c>k</c>, <c>!k</c>, comma = AND; field selectors only the first three,
/// with <c>\,</c> <c>\=</c> <c>\\</c> escapes). Immutable once parsed.
/// </summary>
public sealed class Selector
{
    private enum Op { Equals, NotEquals, In, NotIn, Exists, DoesNotExist }

    private sealed record Requirement(string Key, Op Op, string[] Values);

    private readonly List<Requirement> _requirements;

    private Selector(List<Requirement> requirements) => _requirements = requirements;

    public IEnumerable<string> Keys => _requirements.Select(r => r.Key);

    public bool Matches(Func<string, string?> lookup)
    {
        foreach (var r in _requirements)
        {
            var value = lookup(r.Key);
            var ok = r.Op switch
            {
                Op.Equals => value is not null && value == r.Values[0],
                Op.NotEquals => value is null || value != r.Values[0],
                Op.In => value is not null && r.Values.Contains(value),
                Op.NotIn => value is null || !r.Values.Contains(value),
                Op.Exists => value is not null,
                _ => value is null,
            };
            if (!ok) return false;
        }
        return true;
    }

    public static bool TryParseLabels(string? text, out Selector selector, out string? error)
    {
        selector = new Selector(new());
        error = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        foreach (var raw in SplitTopLevel(text))
        {
            var part = raw.Trim();
            if (part.Length == 0) { error = "found '', expected: identifier"; return false; }
            Requirement? r;
            if (part[0] == '!')
            {
                r = new Requirement(part[1..].Trim(), Op.DoesNotExist, []);
            }
            else if (TrySet(part, " notin ", Op.NotIn, out r) || TrySet(part, " in ", Op.In, out r))
            {
                if (r is null) { error = $"unable to parse \"{part}\": expected a parenthesised list of values"; return false; }
            }
            else if (part.IndexOf("!=", StringComparison.Ordinal) is var ne and > 0)
            {
                r = new Requirement(part[..ne].Trim(), Op.NotEquals, [part[(ne + 2)..].Trim()]);
            }
            else if (part.IndexOf("==", StringComparison.Ordinal) is var ee and > 0)
            {
                r = new Requirement(part[..ee].Trim(), Op.Equals, [part[(ee + 2)..].Trim()]);
            }
            else if (part.IndexOf('=') is var eq and > 0)
            {
                r = new Requirement(part[..eq].Trim(), Op.Equals, [part[(eq + 1)..].Trim()]);
            }
            else
            {
                r = new Requirement(part, Op.Exists, []);
            }
            if (!ValidKey(r.Key))
            {
                error = $"invalid label key \"{r.Key}\": name part must consist of alphanumeric characters, '-', '_' or '.', " +
                    "and must start and end with an alphanumeric character";
                return false;
            }
            foreach (var v in r.Values)
            {
                if (!ValidValue(v))
                {
                    error = $"invalid label value: \"{v}\": at key: \"{r.Key}\": a valid label must be an empty string or " +
                        "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
                    return false;
                }
            }
            selector._requirements.Add(r);
        }
        return true;
    }

    public static bool TryParseFields(string? text, out Selector selector, out string? error)
    {
        selector = new Selector(new());
        error = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        foreach (var term in SplitEscaped(text, ','))
        {
            if (term.Length == 0) continue;
            var (op, index, width) = FindFieldOperator(term);
            if (index < 0) { error = $"invalid selector: '{text}'; can't understand '{term}'"; return false; }
            var key = Unescape(term[..index]).Trim();
            var value = Unescape(term[(index + width)..]);
            selector._requirements.Add(new Requirement(key, op, [value]));
        }
        return true;
    }

    private static (Op Op, int Index, int Width) FindFieldOperator(string term)
    {
        for (var i = 0; i < term.Length; i++)
        {
            if (term[i] == '\\') { i++; continue; }
            if (term[i] == '!' && i + 1 < term.Length && term[i + 1] == '=') return (Op.NotEquals, i, 2);
            if (term[i] == '=') return (Op.Equals, i, i + 1 < term.Length && term[i + 1] == '=' ? 2 : 1);
        }
        return (Op.Equals, -1, 0);
    }

    private static bool TrySet(string part, string keyword, Op op, out Requirement? r)
    {
        r = null;
        var at = part.IndexOf(keyword, StringComparison.Ordinal);
        if (at <= 0) return false;
        var rest = part[(at + keyword.Length)..].Trim();
        if (rest.Length < 2 || rest[0] != '(' || rest[^1] != ')') return true;
        var values = rest[1..^1].Split(',').Select(v => v.Trim()).ToArray();
        r = new Requirement(part[..at].Trim(), op, values);
        return true;
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }

    private static IEnumerable<string> SplitEscaped(string text, char separator)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\') { i++; continue; }
            if (text[i] == separator)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }

    private static string Unescape(string text)
    {
        if (!text.Contains('\\')) return text;
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length) i++;
            sb.Append(text[i]);
        }
        return sb.ToString();
    }

    private static bool ValidKey(string key)
    {
        if (key.Length == 0) return false;
        var slash = key.LastIndexOf('/');
        var name = slash >= 0 ? key[(slash + 1)..] : key;
        return name.Length is > 0 and <= 63 && ValidValue(name);
    }

    private static bool ValidValue(string value)
    {
        if (value.Length == 0) return true;
        if (value.Length > 63 || !char.IsAsciiLetterOrDigit(value[0]) || !char.IsAsciiLetterOrDigit(value[^1])) return false;
        return value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
    }
}
