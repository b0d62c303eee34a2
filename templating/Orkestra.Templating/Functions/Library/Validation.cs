using System.Text.Json;
using System.Text.RegularExpressions;
using Fluid.Values;
using Orkestra.Templating.Values;
using static Orkestra.Templating.Functions.Library.Args;

namespace Orkestra.Templating.Functions.Library;

/// <summary>Shape checks for user input (validation rules). Each returns a bool and never fails; they do not dial hosts.</summary>
internal static partial class Validation
{
    private const string C = "validation";
    private const string K = "kube validation";

    public static void Register(FunctionRegistry r)
    {
        Check(r, C, "isValidEmail", "true when S is one bare email address (user@example.com, not \"Name <user@…>\")",
            s => Email().IsMatch(s));
        Check(r, C, "isValidGitRepository",
            "true when S looks like a git repository URL (https://, http://, git://, ssh:// or git@host:org/repo)", IsGitRepository);
        Check(r, C, "isValidImageRef",
            "true when S looks like a container image reference: [registry[:port]/]lowercase/path[:tag][@digest]", IsImageRef);
        Check(r, C, "isValidJSON", "true when S is syntactically valid JSON", IsJson);
        r.Add(C, "isValidPort", "isValidPort S", "true when S is an integer in 1..65535", 1, 1, ValueShape.Bool,
            (a, in _) => Bool(GoValues.Kind(a[0]) is GoKind.String or GoKind.Number && long.TryParse(Str(a[0]).Trim(), out var p)
                && p is >= 1 and <= 65535));
        Check(r, C, "isValidURL", "true when S is an absolute http or https URL with a host", s =>
            Uri.TryCreate(s, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)
                && u.Host.Length > 0 && !s.Any(char.IsWhiteSpace));
        Check(r, K, "isDNS1123Subdomain",
            "true when S is a DNS-1123 subdomain (lowercase alphanumerics and '-', dot-separated, at most 253 characters)",
            IsDns1123Subdomain);
        Check(r, K, "isValidLabelKey",
            "true when S is a valid label key: [dns-subdomain-prefix/]name, name at most 63 alphanumerics, '-', '_', '.'", IsQualifiedName);
        Check(r, K, "isValidLabelValue",
            "true when S is a valid label value: \"\" or at most 63 alphanumerics, '-', '_', '.', starting and ending alphanumeric", s =>
            s.Length == 0 || (s.Length <= 63 && QualifiedPart().IsMatch(s)));
        Check(r, K, "isValidAnnotationKey", "true when S is a valid annotation key (same format as a label key)", IsQualifiedName);
    }

    private static void Check(FunctionRegistry r, string category, string name, string description, Func<string, bool> f) =>
        r.Add(category, name, $"{name} S", description, 1, 1, ValueShape.Bool,
            (a, in _) => Bool(GoValues.Kind(a[0]) == GoKind.String && f(a[0].ToStringValue())));

    public static bool IsDns1123Subdomain(string s) => s.Length is > 0 and <= 253 && Dns1123Subdomain().IsMatch(s);

    private static bool IsQualifiedName(string s)
    {
        var slash = s.IndexOf('/');
        var name = s;
        if (slash >= 0)
        {
            if (!IsDns1123Subdomain(s[..slash])) return false;
            name = s[(slash + 1)..];
        }
        return name.Length is > 0 and <= 63 && QualifiedPart().IsMatch(name);
    }

    private static bool IsGitRepository(string s) =>
        (s.StartsWith("https://", StringComparison.Ordinal) || s.StartsWith("http://", StringComparison.Ordinal)
            || s.StartsWith("git://", StringComparison.Ordinal) || s.StartsWith("ssh://", StringComparison.Ordinal))
            ? Uri.TryCreate(s, UriKind.Absolute, out var u) && u.Host.Length > 0 && u.AbsolutePath.Trim('/').Length > 0
                && !s.Any(char.IsWhiteSpace)
            : ScpGit().IsMatch(s);

    private static bool IsImageRef(string s) => s.Length is > 0 and <= 4096 && ImageRef().IsMatch(s);

    private static bool IsJson(string s)
    {
        try
        {
            using var _ = JsonDocument.Parse(s);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^[^\s@<>()\[\]\\,;:""]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$")]
    private static partial Regex Email();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex QualifiedPart();

    [GeneratedRegex(@"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._~/-]+$")]
    private static partial Regex ScpGit();

    // [host[:port]/]path-component(/path-component)*[:tag][@algo:hex]
    [GeneratedRegex(@"^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?|" +
        @"localhost(?::[0-9]+)?)/)?" +
        @"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*" +
        @"(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$")]
    private static partial Regex ImageRef();
}
