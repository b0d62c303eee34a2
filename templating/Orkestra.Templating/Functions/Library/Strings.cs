using System.Text;
using Fluid.Values;
using Orkestra.Templating.Values;
using static Orkestra.Templating.Functions.Library.Args;

namespace Orkestra.Templating.Functions.Library;

internal static class Strings
{
    private const string C = "strings";
    private const int V = FunctionDescriptor.Variadic;

    public static void Register(FunctionRegistry r)
    {
        One(r, "toLower", "S in lower case", s => s.ToLowerInvariant());
        One(r, "toUpper", "S in upper case", s => s.ToUpperInvariant());
        One(r, "trimSpace", "S without leading and trailing white space", s => s.Trim());
        One(r, "camelToKebab", "camelCase S as kebab-case", CamelToKebab);
        r.Add(C, "trim", "trim S CUTSET", "S without leading and trailing characters in CUTSET", 2, 2, ValueShape.String,
            (a, in _) => Str(Str(a[0]).Trim(Str(a[1]).ToCharArray())));
        r.Add(C, "trimPrefix", "trimPrefix S PREFIX", "S without PREFIX at the start", 2, 2, ValueShape.String, (a, in _) =>
        {
            var s = Str(a[0]); var p = Str(a[1]);
            return Str(p.Length > 0 && s.StartsWith(p, StringComparison.Ordinal) ? s[p.Length..] : s);
        });
        r.Add(C, "trimSuffix", "trimSuffix S SUFFIX", "S without SUFFIX at the end", 2, 2, ValueShape.String, (a, in _) =>
        {
            var s = Str(a[0]); var p = Str(a[1]);
            return Str(p.Length > 0 && s.EndsWith(p, StringComparison.Ordinal) ? s[..^p.Length] : s);
        });
        r.Add(C, "hasPrefix", "hasPrefix S PREFIX", "true when S starts with PREFIX", 2, 2, ValueShape.Bool,
            (a, in _) => Bool(Str(a[0]).StartsWith(Str(a[1]), StringComparison.Ordinal)));
        r.Add(C, "hasSuffix", "hasSuffix S SUFFIX", "true when S ends with SUFFIX", 2, 2, ValueShape.Bool,
            (a, in _) => Bool(Str(a[0]).EndsWith(Str(a[1]), StringComparison.Ordinal)));
        r.Add(C, "contains", "contains S SUB", "true when S contains SUB", 2, 2, ValueShape.Bool,
            (a, in _) => Bool(Str(a[0]).Contains(Str(a[1]), StringComparison.Ordinal)));
        r.Add(C, "replace", "replace S OLD NEW", "S with every OLD replaced by NEW", 3, 3, ValueShape.String, (a, in _) =>
        {
            var old = Str(a[1]);
            return Str(old.Length == 0 ? Str(a[0]) : Str(a[0]).Replace(old, Str(a[2]), StringComparison.Ordinal));
        });
        r.Add(C, "split", "split S SEP", "the parts of S between SEP", 2, 2, ValueShape.List,
            (a, in _) => StrList(Str(a[0]).Split(Str(a[1]))));
        r.Add(C, "join", "join LIST SEP", "the items of LIST printed and joined with SEP", 2, 2, ValueShape.String,
            (a, in _) => Str(string.Join(Str(a[1]), GoValues.EnumerateList(a[0]).Select(Str))));
        r.Add(C, "repeat", "repeat S N", "S repeated N times", 2, 2, ValueShape.String, (a, in _) =>
        {
            var n = Int("repeat", a[1]);
            if (n < 0) throw new TemplateFunctionException("repeat: negative count");
            var s = Str(a[0]);
            if (s.Length * n > 1 << 20) throw new TemplateFunctionException("repeat: result too long");
            return Str(string.Concat(Enumerable.Repeat(s, (int)n)));
        });
        r.Add(C, "concat", "concat S...", "the arguments printed and joined", 1, V, ValueShape.String, (a, in _) =>
        {
            var sb = new StringBuilder();
            foreach (var v in a) sb.Append(Str(v));
            return Str(sb.ToString());
        });
        r.Add(C, "truncate", "truncate S N", "S cut to N characters, ending in \"...\" when cut", 2, 2, ValueShape.String, (a, in _) =>
        {
            var s = Str(a[0]); var n = (int)Math.Max(0, Int("truncate", a[1]));
            return Str(s.Length <= n ? s : s[..n] + "...");
        });
    }

    private static void One(FunctionRegistry r, string name, string description, Func<string, string> f) =>
        r.Add(C, name, $"{name} S", description, 1, 1, ValueShape.String, (a, in _) => Str(f(Str(a[0]))));

    private static string CamelToKebab(string s)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (char.IsLower(s[i - 1]) || (i + 1 < s.Length && char.IsLower(s[i + 1]) && char.IsUpper(s[i - 1]))))
                    sb.Append('-');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c == '_' ? '-' : c);
        }
        return sb.ToString();
    }
}
