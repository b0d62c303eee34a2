namespace Orkestra.Sandbox.Auth;

/// <summary>Kube's escalation check: whether the rules a user holds cover every rule of a Role being written. Each
/// requested rule is broken into single verb/group/resource/name (or verb/URL) pieces; every piece needs one owner rule
/// that covers it, <c>*</c> covering anything and a requested <c>*</c> only covered by <c>*</c>.</summary>
internal static class RuleCoverage
{
    public static bool Covers(IReadOnlyList<PolicyRule> owned, PolicyRule requested) =>
        Pieces(requested).All(piece => owned.Any(owner => OwnerCovers(owner, piece)));

    private static IEnumerable<PolicyRule> Pieces(PolicyRule r)
    {
        foreach (var verb in r.Verbs)
        {
            foreach (var group in r.ApiGroups)
                foreach (var resource in r.Resources)
                    if (r.ResourceNames.Count == 0) yield return new([verb], [group], [resource], [], []);
                    else foreach (var name in r.ResourceNames) yield return new([verb], [group], [resource], [name], []);
            foreach (var url in r.NonResourceUrls) yield return new([verb], [], [], [], [url]);
        }
    }

    private static bool OwnerCovers(PolicyRule owner, PolicyRule piece)
    {
        if (!Has(owner.Verbs, piece.Verbs[0])) return false;
        if (piece.NonResourceUrls.Count > 0) return owner.NonResourceUrls.Any(url => UrlCovers(url, piece.NonResourceUrls[0]));
        return Has(owner.ApiGroups, piece.ApiGroups[0])
            && owner.Resources.Any(res => ResourceCovers(res, piece.Resources[0]))
            && (owner.ResourceNames.Count == 0 || (piece.ResourceNames.Count > 0 && owner.ResourceNames.Contains(piece.ResourceNames[0])));
    }

    private static bool Has(IReadOnlyList<string> owner, string value) => owner.Contains("*") || owner.Contains(value);

    private static bool ResourceCovers(string owner, string requested)
    {
        if (owner == "*" || owner == requested) return true;
        var slash = requested.IndexOf('/');
        return owner.StartsWith("*/", StringComparison.Ordinal) && slash > 0 && owner[1..] == requested[slash..];
    }

    private static bool UrlCovers(string owner, string requested) =>
        owner == requested || (owner.EndsWith('*') && requested.StartsWith(owner[..^1], StringComparison.Ordinal));
}
