namespace Orkestra.Sandbox.Auth;

/// <summary>An authenticated caller: name and groups (always including <c>system:authenticated</c>), and for
/// ServiceAccount tokens the account's uid and the token's extra fields.</summary>
internal sealed record UserInfo(string Name, IReadOnlyList<string> Groups, string Uid = "",
    IReadOnlyDictionary<string, string[]>? Extra = null)
{
    public const string Authenticated = "system:authenticated";
    public const string Masters = "system:masters";

    /// <summary>The holder of the sandbox's admin token (and the identity admission webhooks see for it).</summary>
    public static readonly UserInfo Admin = new("sandbox", [Masters, Authenticated]);

    /// <summary>The superuser group: every request allowed, no escalation check (as kube treats it).</summary>
    public bool IsMaster => Groups.Contains(Masters);

    /// <summary>The identity of a ServiceAccount token: <c>system:serviceaccount:NS:NAME</c> in
    /// <c>system:serviceaccounts</c>, <c>system:serviceaccounts:NS</c> and <c>system:authenticated</c>.</summary>
    public static UserInfo ServiceAccount(string ns, string name, string uid = "", IReadOnlyDictionary<string, string[]>? extra = null) =>
        new(ServiceAccountName(ns, name), ServiceAccountGroups(ns).Append(Authenticated).ToArray(), uid, extra);

    public static string[] ServiceAccountGroups(string ns) => ["system:serviceaccounts", $"system:serviceaccounts:{ns}"];

    /// <summary>The namespace and name of a <c>system:serviceaccount:NS:NAME</c> user; null for any other name.</summary>
    public static (string Namespace, string Name)? ParseServiceAccount(string user)
    {
        const string prefix = "system:serviceaccount:";
        if (!user.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var parts = user[prefix.Length..].Split(':');
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0 ? (parts[0], parts[1]) : null;
    }

    public static string ServiceAccountName(string ns, string name) => $"system:serviceaccount:{ns}:{name}";
}

/// <summary>One <c>subjects[]</c> entry of a RoleBinding or ClusterRoleBinding.</summary>
internal sealed record Subject(string Kind, string Name, string Namespace)
{
    /// <summary>Whether the subject names this user; a ServiceAccount without a namespace means the binding's own
    /// namespace (none for a ClusterRoleBinding, then it matches nobody).</summary>
    public bool AppliesTo(UserInfo user, string bindingNamespace) => Kind switch
    {
        "User" => user.Name == Name,
        "Group" => user.Groups.Contains(Name),
        "ServiceAccount" => (Namespace.Length > 0 ? Namespace : bindingNamespace) is { Length: > 0 } ns
            && user.Name == UserInfo.ServiceAccountName(ns, Name),
        _ => false,
    };
}
