using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Fluid.Values;
using static Orkestra.Templating.Functions.Library.Args;

namespace Orkestra.Templating.Functions.Library;

internal static partial class Data
{
    private const string C = "data";
    private const int V = FunctionDescriptor.Variadic;

    public static void Register(FunctionRegistry r)
    {
        r.Add(C, "toBase64", "toBase64 S", "S encoded as standard base64", 1, 1, ValueShape.String,
            (a, in _) => Str(Convert.ToBase64String(Encoding.UTF8.GetBytes(Str(a[0])))));
        r.Add(C, "fromBase64", "fromBase64 S", "S decoded from base64 (an error when S is not base64)", 1, 1, ValueShape.String,
            (a, in _) =>
        {
            try { return Str(Encoding.UTF8.GetString(Convert.FromBase64String(Str(a[0]).Trim()))); }
            catch (FormatException) { throw new TemplateFunctionException($"fromBase64: {Describe(a[0])} is not valid base64"); }
        });
        r.Add(C, "sha256sum", "sha256sum S", "the first 8 hex characters of the SHA-256 of S (a short, stable fingerprint)", 1, 1,
            ValueShape.String,
            (a, in _) => Str(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Str(a[0]))))[..8].ToLowerInvariant()));
        r.Add(C, "slugify", "slugify S", "S lower-cased, every run of other characters than a-z0-9 replaced by '-', trimmed of '-'", 1, 1,
            ValueShape.String, (a, in _) => Str(Slugify(Str(a[0]))));
        r.Add(C, "truncateName", "truncateName S N", "S cut to at most N characters (no suffix), trailing '-' removed", 2, 2,
            ValueShape.String, (a, in _) =>
        {
            var s = Str(a[0]); var n = (int)Math.Max(0, Int("truncateName", a[1]));
            return Str((s.Length <= n ? s : s[..n]).TrimEnd('-'));
        });
        r.Add(C, "repoSlug", "repoSlug REF", "the last path segment of a repository reference, without .git, slugified", 1, 1,
            ValueShape.String, (a, in _) =>
        {
            var s = Str(a[0]).Trim().TrimEnd('/');
            var last = s[(s.LastIndexOfAny(['/', ':']) + 1)..];
            if (last.EndsWith(".git", StringComparison.OrdinalIgnoreCase)) last = last[..^4];
            return Str(Slugify(last));
        });
        r.Add(C, "lookup", "lookup KEY K1 V1 K2 V2...", "the value following the first Kn equal to KEY, or \"\"", 1, V, ValueShape.Any,
            (a, in _) =>
        {
            var key = Str(a[0]);
            for (var i = 1; i + 1 < a.Length; i += 2) if (Str(a[i]) == key) return a[i + 1];
            return Str("");
        });
    }

    public static string Slugify(string s) => NonAlnum().Replace(s.ToLowerInvariant(), "-").Trim('-');

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonAlnum();
}
