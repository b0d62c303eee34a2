namespace Orkestra.Sandbox.Auth;

/// <summary>One rule of a Role or ClusterRole (rbac.authorization.k8s.io/v1 <c>rules[]</c>); empty lists match nothing,
/// except <see cref="ResourceNames"/>, where empty means every name.</summary>
internal sealed record PolicyRule(
    IReadOnlyList<string> Verbs,
    IReadOnlyList<string> ApiGroups,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string> ResourceNames,
    IReadOnlyList<string> NonResourceUrls)
{
    /// <summary>Whether this rule allows the request, with kube's matching: <c>*</c> in verbs, groups and resources,
    /// <c>*/sub</c> for a subresource of any resource, <c>res/sub</c> exactly, and a trailing <c>*</c> on a URL as a
    /// prefix.</summary>
    public bool Allows(AuthorizationAttributes a)
    {
        if (!Matches(Verbs, a.Verb)) return false;
        if (!a.IsResourceRequest) return NonResourceUrls.Any(url => UrlMatches(url, a.Path!));
        return Matches(ApiGroups, a.Group) && ResourceMatches(a) && (ResourceNames.Count == 0 || ResourceNames.Contains(a.Name));
    }

    private bool ResourceMatches(AuthorizationAttributes a)
    {
        var combined = a.Subresource.Length == 0 ? a.Resource : $"{a.Resource}/{a.Subresource}";
        foreach (var resource in Resources)
        {
            if (resource == "*" || resource == combined) return true;
            if (a.Subresource.Length > 0 && resource == $"*/{a.Subresource}") return true;
        }
        return false;
    }

    private static bool Matches(IReadOnlyList<string> values, string value) => values.Contains("*") || values.Contains(value);

    private static bool UrlMatches(string rule, string path) =>
        rule == "*" || rule == path || (rule.EndsWith('*') && path.StartsWith(rule[..^1], StringComparison.Ordinal));
}
