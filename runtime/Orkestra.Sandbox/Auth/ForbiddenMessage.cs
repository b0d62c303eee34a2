namespace Orkestra.Sandbox.Auth;

/// <summary>What an authorizer decides on: the user and either a resource request or a non-resource path.</summary>
internal sealed record AuthorizationAttributes(
    string User, string Verb, string Group, string Resource, string Subresource, string Namespace, string Name, string? Path)
{
    public bool IsResourceRequest => Path is null;
}

/// <summary>The <c>message</c> of kube's 403 Status for a denied request, text for text.</summary>
internal static class ForbiddenMessage
{
    public static string For(AuthorizationAttributes a, string reason = "")
    {
        var denied = Sanitize(Denied(a));
        if (reason.Length > 0) denied = $"{denied}: {reason}";
        if (!a.IsResourceRequest || a.Resource.Length == 0) return $"forbidden: {denied}";
        var qualified = a.Group.Length == 0 ? a.Resource : $"{a.Resource}.{a.Group}";
        return a.Name.Length == 0 ? $"{qualified} is forbidden: {denied}" : $"{qualified} \"{a.Name}\" is forbidden: {denied}";
    }

    private static string Denied(AuthorizationAttributes a)
    {
        if (!a.IsResourceRequest) return $"User \"{a.User}\" cannot {a.Verb} path \"{a.Path}\"";
        var resource = a.Subresource.Length == 0 ? a.Resource : $"{a.Resource}/{a.Subresource}";
        var scope = a.Namespace.Length == 0 ? "at the cluster scope" : $"in the namespace \"{a.Namespace}\"";
        return $"User \"{a.User}\" cannot {a.Verb} resource \"{resource}\" in API group \"{a.Group}\" {scope}";
    }

    private static string Sanitize(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
