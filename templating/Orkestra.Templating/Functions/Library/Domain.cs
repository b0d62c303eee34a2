using Fluid.Values;
using Orkestra.Templating.Values;
using static Orkestra.Templating.Functions.Library.Args;

namespace Orkestra.Templating.Functions.Library;

/// <summary>Domain-name clean-up for user-entered hosts (idempotent; "" for nil or non-string input).</summary>
internal static class Domain
{
    private const string C = "domain";

    public static void Register(FunctionRegistry r)
    {
        r.Add(C, "domainHost", "domainHost S",
            "S without surrounding white space, an http:// or https:// prefix and a trailing '/'; \"\" for non-strings", 1, 1,
            ValueShape.String,
            (a, in _) => Str(Host(a[0])));
        r.Add(C, "domainBare", "domainBare S", "domainHost S without a leading \"www.\"", 1, 1, ValueShape.String, (a, in _) =>
        {
            var h = Host(a[0]);
            return Str(h.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? h[4..] : h);
        });
    }

    private static string Host(FluidValue v)
    {
        if (GoValues.Kind(v) != GoKind.String) return "";
        var s = v.ToStringValue().Trim();
        foreach (var scheme in new[] { "https://", "http://" })
        {
            if (s.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) { s = s[scheme.Length..]; break; }
        }
        return s.TrimEnd('/');
    }
}
