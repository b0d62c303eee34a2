using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Model;

namespace Orkestra.Runtime.Reconciliation;

/// <summary>Why a namespace is refused: <see cref="Reason"/> is <c>NamespaceRestricted</c> or <c>NamespaceNotAllowed</c>.</summary>
public sealed record NamespaceRefusal(string Namespace, string Reason, string Message);

/// <summary>
/// Namespace protection of one CRD: the namespaces where its CRs may live and its
/// children may be created. The lists of <c>security.namespaceProtection</c> (when enabled) and the CRD's own
/// <c>restrictedNamespaces</c>/<c>allowedNamespaces</c> add up, as in Orkestra; a restricted namespace is refused
/// first, then, when an allow list exists, every namespace outside it. Patterns are exact names, <c>prefix*</c> or
/// <c>*suffix</c>. Enforced at reconcile (the CR and each namespaced child) and, when registered, at admission
/// (CREATE of a CR). Immutable; thread-safe.
/// </summary>
public sealed class NamespacePolicy
{
    private NamespacePolicy(string crd, IReadOnlyList<string> restricted, IReadOnlyList<string> allowed)
    {
        Crd = crd;
        Restricted = restricted;
        Allowed = allowed;
    }

    public string Crd { get; }
    public IReadOnlyList<string> Restricted { get; }
    public IReadOnlyList<string> Allowed { get; }

    /// <summary>The policy of <paramref name="op"/>, or null when nothing restricts its namespaces.</summary>
    public static NamespacePolicy? For(CompiledOperator op, SecurityConfig? security)
    {
        var global = security?.NamespaceProtection is { Enabled: true } np ? np : null;
        string[] Merge(IReadOnlyList<string>? katalogWide, IReadOnlyList<string> own) =>
            (katalogWide ?? []).Concat(own).Distinct(StringComparer.Ordinal).ToArray();
        var restricted = Merge(global?.RestrictedNamespaces, op.Settings.RestrictedNamespaces);
        var allowed = Merge(global?.AllowedNamespaces, op.Settings.AllowedNamespaces);
        return restricted.Length == 0 && allowed.Length == 0 ? null : new NamespacePolicy(op.Name, restricted, allowed);
    }

    /// <summary>Null when <paramref name="namespace"/> is permitted.</summary>
    public NamespaceRefusal? Check(string @namespace)
    {
        if (Restricted.FirstOrDefault(p => Matches(@namespace, p)) is { } pattern)
        {
            var how = pattern == @namespace ? "" : $" (pattern \"{pattern}\")";
            return new NamespaceRefusal(@namespace, "NamespaceRestricted", $"namespace \"{@namespace}\" is restricted for {Crd}{how}");
        }
        if (Allowed.Count > 0 && !Allowed.Any(p => Matches(@namespace, p)))
        {
            return new NamespaceRefusal(@namespace, "NamespaceNotAllowed",
                $"namespace \"{@namespace}\" is not in the allowed namespaces of {Crd} ({string.Join(", ", Allowed)})");
        }
        return null;
    }

    /// <summary>Exact, <c>prefix*</c> or <c>*suffix</c>.</summary>
    public static bool Matches(string @namespace, string pattern)
    {
        if (pattern == @namespace) return true;
        if (pattern.Length > 0 && pattern[^1] == '*') return @namespace.StartsWith(pattern[..^1], StringComparison.Ordinal);
        if (pattern.Length > 0 && pattern[0] == '*') return @namespace.EndsWith(pattern[1..], StringComparison.Ordinal);
        return false;
    }
}
