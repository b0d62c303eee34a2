namespace Orkestra.Sandbox.Auth;

/// <summary>Kube's escalation check: whether the rules a user holds cover every rule of a Role being written. Each
/// requested rule is broken into single verb/group/resource/name (or verb/URL) pieces; every piece needs one owner rule
/// that covers it, <c>*</c> covering anything and a requested <c>*</c> only covered by <c>*</c>.</summary>
internal static class RuleCoverage
{
    public static bool Covers(IReadOnlyList<PolicyRule> owned, PolicyRule requested) =>
        Pieces(requested).All(piece => owned.Any(owner => OwnerCovers(owner, piece)));

    /// <summary>The single-verb pieces of <paramref name="requested"/> that no owned rule covers.</summary>
    public static List<PolicyRule> Missing(IReadOnlyList<PolicyRule> owned, IEnumerable<PolicyRule> requested) =>
        requested.SelectMany(Pieces).Where(piece => !owned.Any(owner => OwnerCovers(owner, piece))).ToList();

    /// <summary>kube's text for missing rights: pieces of one group and resource (and at most one name) merged into one
    /// rule with their verbs in order, each rendered <c>{APIGroups:["g"], Resources:["r"], ResourceNames:["n"],
    /// Verbs:["get" "list"]}</c> (URL pieces <c>{NonResourceURLs:["/x"], Verbs:["get"]}</c>), sorted, one a line.</summary>
    public static string Describe(IEnumerable<PolicyRule> missing)
    {
        var merged = new Dictionary<string, (PolicyRule Rule, List<string> Verbs)>(StringComparer.Ordinal);
        var others = new List<PolicyRule>();
        foreach (var piece in missing)
        {
            if (piece.NonResourceUrls.Count > 0) { others.Add(piece); continue; }
            var key = $"{piece.ApiGroups[0]}\n{piece.Resources[0]}\n{string.Join(",", piece.ResourceNames)}";
            if (merged.TryGetValue(key, out var existing)) existing.Verbs.AddRange(piece.Verbs);
            else merged[key] = (piece, [.. piece.Verbs]);
        }
        var lines = merged.Values.Select(m => m.Rule with { Verbs = m.Verbs }).Concat(others).Select(Compact)
            .Distinct(StringComparer.Ordinal).OrderBy(l => l, StringComparer.Ordinal);
        return string.Join("\n", lines);
    }

    private static string Compact(PolicyRule r)
    {
        var parts = new List<string>();
        if (r.ApiGroups.Count > 0) parts.Add($"APIGroups:{Quoted(r.ApiGroups)}");
        if (r.Resources.Count > 0) parts.Add($"Resources:{Quoted(r.Resources)}");
        if (r.NonResourceUrls.Count > 0) parts.Add($"NonResourceURLs:{Quoted(r.NonResourceUrls)}");
        if (r.ResourceNames.Count > 0) parts.Add($"ResourceNames:{Quoted(r.ResourceNames)}");
        if (r.Verbs.Count > 0) parts.Add($"Verbs:{Quoted(r.Verbs)}");
        return "{" + string.Join(", ", parts) + "}";
    }

    /// <summary>Go's <c>%q</c> of a string slice: <c>["a" "b"]</c>.</summary>
    public static string Quoted(IEnumerable<string> values) =>
        "[" + string.Join(" ", values.Select(v => "\"" + v.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"")) + "]";

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
