namespace Orkestra.Sandbox.Auth;

/// <summary>An authenticated caller: name and groups (always including <c>system:authenticated</c>).</summary>
internal sealed record UserInfo(string Name, IReadOnlyList<string> Groups)
{
    public const string Authenticated = "system:authenticated";

    /// <summary>The identity of a ServiceAccount token: <c>system:serviceaccount:NS:NAME</c> in
    /// <c>system:serviceaccounts</c>, <c>system:serviceaccounts:NS</c> and <c>system:authenticated</c>.</summary>
    public static UserInfo ServiceAccount(string ns, string name) =>
        new(ServiceAccountName(ns, name), ["system:serviceaccounts", $"system:serviceaccounts:{ns}", Authenticated]);

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
