using System.Globalization;
using System.Text.RegularExpressions;
using Fluid.Values;
using static Orkestra.Templating.Functions.Library.Args;

namespace Orkestra.Templating.Functions.Library;

/// <summary>
/// Semantic versions (semver 2.0 precedence) with the lenient parsing Masterminds/semver uses: a leading "v" and
/// missing minor/patch ("1", "1.2") are accepted. Constraints use Masterminds syntax: = != &gt; &lt; &gt;= &lt;=, ~, ^,
/// x/X/* wildcards, "A - B" ranges, ',' or space for AND, "||" for OR. A pre-release version only satisfies a
/// constraint group that names a pre-release itself (Masterminds' rule).
/// </summary>
internal static partial class Semver
{
    private const string C = "semver";

    public static void Register(FunctionRegistry r)
    {
        Part(r, "semverMajor", "major", v => v.Major);
        Part(r, "semverMinor", "minor", v => v.Minor);
        Part(r, "semverPatch", "patch", v => v.Patch);
        r.Add(C, "semverValid", "semverValid V", "true when V is a semantic version (a leading v is allowed)", 1, 1, ValueShape.Bool,
            (a, in _) => Bool(Version.TryParse(Str(a[0]), out var _)));
        r.Add(C, "semverCompare", "semverCompare A B", "-1, 0 or 1 as A is older than, equal to or newer than B; 0 when either is invalid",
            2, 2, ValueShape.Number,
            (a, in _) => Num(Version.TryParse(Str(a[0]), out var x) && Version.TryParse(Str(a[1]), out var y) ? Math.Sign(x.CompareTo(y))
                : 0));
        r.Add(C, "semverBump", "semverBump V major|minor|patch",
            "V with that component incremented and pre-release/build dropped; V unchanged when invalid", 2, 2, ValueShape.String,
            (a, in _) =>
        {
            var text = Str(a[0]);
            if (!Version.TryParse(text, out var v)) return Str(text);
            var prefix = text.TrimStart().StartsWith('v') ? "v" : "";
            return Str(Str(a[1]).Trim().ToLowerInvariant() switch
            {
                "major" => $"{prefix}{v.Major + 1}.0.0",
                "minor" => $"{prefix}{v.Major}.{v.Minor + 1}.0",
                "patch" => $"{prefix}{v.Major}.{v.Minor}.{v.Patch + 1}",
                _ => text,
            });
        });
        r.Add(C, "semverConstraint", "semverConstraint V CONSTRAINT",
            "true when V satisfies CONSTRAINT (Masterminds syntax, e.g. \">=1.2.0, <2.0.0\", \"^1.0\", \"~1.2\", \"1.x\"); false for an " +
            "invalid V; an error for an invalid CONSTRAINT",
            2, 2, ValueShape.Bool, (a, in _) =>
            {
                var constraint = Constraint.Parse(Str(a[1]))
                    ?? throw new TemplateFunctionException($"semverConstraint: \"{Str(a[1])}\" is not a valid constraint");
                return Bool(Version.TryParse(Str(a[0]), out var v) && constraint.IsSatisfiedBy(v));
            });
    }

    private static void Part(FunctionRegistry r, string name, string part, Func<Version, long> f) =>
        r.Add(C, name, $"{name} V", $"the {part} number of version V (leading v stripped); 0 when V is invalid", 1, 1, ValueShape.Number,
            (a, in _) => Num(Version.TryParse(Str(a[0]), out var v) ? f(v) : 0));

    internal sealed record Version(long Major, long Minor, long Patch, string Pre) : IComparable<Version>
    {
        public static bool TryParse(string text, out Version version)
        {
            version = null!;
            var m = VersionPattern().Match(text.Trim());
            if (!m.Success) return false;
            if (!long.TryParse(m.Groups["major"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var major)) return false;
            long minor = 0, patch = 0;
            if (m.Groups["minor"].Success
                && !long.TryParse(m.Groups["minor"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out minor)) return false;
            if (m.Groups["patch"].Success
                && !long.TryParse(m.Groups["patch"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out patch)) return false;
            version = new Version(major, minor, patch, m.Groups["pre"].Value);
            return true;
        }

        public int CompareTo(Version? other)
        {
            if (other is null) return 1;
            var c = Major.CompareTo(other.Major);
            if (c == 0) c = Minor.CompareTo(other.Minor);
            if (c == 0) c = Patch.CompareTo(other.Patch);
            return c != 0 ? c : ComparePre(Pre, other.Pre);
        }

        private static int ComparePre(string a, string b)
        {
            if (a == b) return 0;
            if (a.Length == 0) return 1;
            if (b.Length == 0) return -1;
            var pa = a.Split('.');
            var pb = b.Split('.');
            for (var i = 0; i < Math.Min(pa.Length, pb.Length); i++)
            {
                var na = long.TryParse(pa[i], NumberStyles.None, CultureInfo.InvariantCulture, out var xa);
                var nb = long.TryParse(pb[i], NumberStyles.None, CultureInfo.InvariantCulture, out var xb);
                var c = na && nb ? xa.CompareTo(xb) : na ? -1 : nb ? 1 : string.CompareOrdinal(pa[i], pb[i]);
                if (c != 0) return Math.Sign(c);
            }
            return pa.Length.CompareTo(pb.Length);
        }
    }

    /// <summary>An OR of AND-groups of primitive comparisons.</summary>
    private sealed class Constraint
    {
        private readonly List<List<(string Op, Version V)>> _groups;

        private Constraint(List<List<(string Op, Version V)>> groups) => _groups = groups;

        public static Constraint? Parse(string text)
        {
            var groups = new List<List<(string, Version)>>();
            foreach (var orPart in text.Split("||"))
            {
                var group = new List<(string, Version)>();
                var part = HyphenRange().Replace(orPart.Trim(), m => $">={m.Groups[1].Value}, <={m.Groups[2].Value}");
                var terms = TermPattern().Matches(part);
                var consumed = string.Concat(terms.Select(t => t.Value)).Replace(" ", "").Replace(",", "");
                if (terms.Count == 0 || consumed != part.Replace(" ", "").Replace(",", "")) return null;
                foreach (Match t in terms)
                {
                    if (!Expand(t.Groups["op"].Value, t.Groups["ver"].Value, group)) return null;
                }
                groups.Add(group);
            }
            return new Constraint(groups);
        }

        public bool IsSatisfiedBy(Version v) => _groups.Any(g =>
            (v.Pre.Length == 0 || g.Any(c => c.V.Pre.Length > 0)) && g.All(c => Test(c.Op, v, c.V)));

        private static bool Test(string op, Version v, Version c) => op switch
        {
            "=" => v.CompareTo(c) == 0,
            "!=" => v.CompareTo(c) != 0,
            ">" => v.CompareTo(c) > 0,
            "<" => v.CompareTo(c) < 0,
            ">=" => v.CompareTo(c) >= 0,
            "<=" => v.CompareTo(c) <= 0,
            _ => false,
        };

        /// <summary>Turns one term (operator + possibly partial/wildcard version) into primitive comparisons.</summary>
        private static bool Expand(string op, string text, List<(string, Version)> into)
        {
            var m = PartialPattern().Match(text);
            if (!m.Success) return false;
            op = op switch { "==" => "=", "=>" => ">=", "=<" => "<=", "~>" => "~", _ => op };
            var pre = m.Groups["pre"].Value;
            var parts = new[] { m.Groups["major"], m.Groups["minor"], m.Groups["patch"] }
                .Select(g => g.Success && g.Value is not ("x" or "X" or "*") ? long.Parse(g.Value, CultureInfo.InvariantCulture)
                    : (long?)null).ToArray();
            var known = parts.TakeWhile(p => p.HasValue).Count();
            if (parts.Skip(known).Any(p => p.HasValue)) return false; // "1.x.3"
            long Get(int i) => parts[i] ?? 0;
            var low = new Version(Get(0), Get(1), Get(2), pre);

            Version Next(int level) => level switch
            {
                0 => new Version(Get(0) + 1, 0, 0, ""),
                1 => new Version(Get(0), Get(1) + 1, 0, ""),
                _ => new Version(Get(0), Get(1), Get(2) + 1, ""),
            };

            void Range(Version lo, Version hi) { into.Add((">=", lo)); into.Add(("<", hi)); }

            if (known == 0)
            {
                // "*", "x", "^*", ">=*" … match everything; "<*", "!=*" match nothing.
                if (op is "<" or "!=") into.Add(("<", new Version(0, 0, 0, "")));
                else into.Add((">=", new Version(0, 0, 0, "")));
                return true;
            }
            switch (op)
            {
                case "~":
                    Range(low, Next(known == 1 ? 0 : 1));
                    return true;
                case "^":
                    var level = Get(0) != 0 || known == 1 ? 0 : Get(1) != 0 || known == 2 ? 1 : 2;
                    Range(low, Next(level));
                    return true;
                case "" or "=":
                    if (known == 3) into.Add(("=", low));
                    else Range(low, Next(known - 1));
                    return true;
                case "!=":
                    if (known == 3) { into.Add(("!=", low)); return true; }
                    return false;
                case ">":
                    if (known == 3) into.Add((">", low));
                    else into.Add((">=", Next(known - 1)));
                    return true;
                case "<=":
                    if (known == 3) into.Add(("<=", low));
                    else into.Add(("<", Next(known - 1)));
                    return true;
                case ">=" or "<":
                    into.Add((op, low));
                    return true;
                default:
                    return false;
            }
        }
    }

    [GeneratedRegex(@"^v?(?<major>\d+)(?:\.(?<minor>\d+))?(?:\.(?<patch>\d+))?" +
        @"(?:-(?<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^v?(?<major>\d+|[xX*])(?:\.(?<minor>\d+|[xX*]))?(?:\.(?<patch>\d+|[xX*]))?" +
        @"(?:-(?<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-.]+)?$")]
    private static partial Regex PartialPattern();

    [GeneratedRegex(@"\s*(?<op>==|!=|>=|<=|=>|=<|>|<|=|~>|~|\^)?\s*(?<ver>v?[0-9xX*][0-9A-Za-z.+*-]*)\s*,?")]
    private static partial Regex TermPattern();

    [GeneratedRegex(@"(v?[0-9xX*][0-9A-Za-z.+*-]*)\s+-\s+(v?[0-9xX*][0-9A-Za-z.+*-]*)")]
    private static partial Regex HyphenRange();
}
