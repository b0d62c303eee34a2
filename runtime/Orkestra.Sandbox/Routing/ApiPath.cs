namespace Orkestra.Sandbox.Routing;

/// <summary>
/// A parsed resource URL: <c>/api/v1[/namespaces/NS]/RESOURCE[/NAME[/SUB]]</c> or the same under
/// <c>/apis/GROUP/VERSION</c>. Namespaces themselves are addressed as <c>/api/v1/namespaces/NAME[/status|finalize]</c>.
/// </summary>
internal sealed record ApiPath(string Group, string Version, string? Namespace, string Resource, string? Name, string? Subresource)
{
    /// <summary>Null when <paramref name="path"/> is not a resource URL (discovery and other endpoints are matched elsewhere).</summary>
    public static ApiPath? Parse(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string group, version;
        int rest;
        if (parts.Length >= 3 && parts[0] == "api") { group = ""; version = parts[1]; rest = 2; }
        else if (parts.Length >= 4 && parts[0] == "apis") { group = parts[1]; version = parts[2]; rest = 3; }
        else return null;
        var s = parts.AsSpan(rest);
        if (s.Length == 0) return null;
        if (s[0] == "namespaces")
        {
            // namespaces | namespaces/NAME | namespaces/NAME/status|finalize | namespaces/NS/RES[/NAME[/SUB]]
            if (s.Length == 1) return new(group, version, null, "namespaces", null, null);
            if (s.Length == 2) return new(group, version, null, "namespaces", s[1], null);
            if (s.Length == 3 && group.Length == 0 && s[2] is "status" or "finalize")
                return new(group, version, null, "namespaces", s[1], s[2]);
            if (s.Length > 5) return null;
            return new(group, version, s[1], s[2], s.Length > 3 ? s[3] : null, s.Length > 4 ? s[4] : null);
        }
        if (s.Length > 3) return null;
        return new(group, version, null, s[0], s.Length > 1 ? s[1] : null, s.Length > 2 ? s[2] : null);
    }
}
