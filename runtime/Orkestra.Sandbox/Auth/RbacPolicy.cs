namespace Orkestra.Sandbox.Auth;

/// <summary>A Role (namespaced) or ClusterRole (<see cref="Namespace"/> empty) with its rules.</summary>
internal sealed record RbacRole(string Namespace, string Name, IReadOnlyList<PolicyRule> Rules);

/// <summary>A RoleBinding (namespaced) or ClusterRoleBinding (<see cref="Namespace"/> empty); <see cref="RoleKind"/> is
/// <c>Role</c> or <c>ClusterRole</c>.</summary>
internal sealed record RbacBinding(string Namespace, string RoleKind, string RoleName, IReadOnlyList<Subject> Subjects);

/// <summary>Kube's RBAC decision over a snapshot of roles and bindings: allowed when any rule of a role bound to the
/// user allows the request. ClusterRoleBindings apply everywhere; a RoleBinding only in its namespace, where it may
/// grant a Role of that namespace or a ClusterRole.</summary>
internal sealed class RbacPolicy(IReadOnlyList<RbacRole> roles, IReadOnlyList<RbacBinding> bindings)
{
    public static readonly RbacPolicy Empty = new([], []);

    public IReadOnlyList<RbacRole> Roles => roles;

    public bool Allows(UserInfo user, AuthorizationAttributes request) =>
        RulesFor(user, request.Namespace).Any(rule => rule.Allows(request));

    /// <summary>Every rule granted to the user in <paramref name="ns"/> ("" = only what ClusterRoleBindings grant).</summary>
    public IEnumerable<PolicyRule> RulesFor(UserInfo user, string ns)
    {
        foreach (var binding in bindings)
        {
            if (binding.Namespace.Length > 0 && binding.Namespace != ns) continue;
            if (!binding.Subjects.Any(s => s.AppliesTo(user, binding.Namespace))) continue;
            var roleNamespace = binding.RoleKind == "Role" ? binding.Namespace : "";
            if (binding.RoleKind == "Role" && roleNamespace.Length == 0) continue;
            var role = roles.FirstOrDefault(r => r.Namespace == roleNamespace && r.Name == binding.RoleName);
            if (role is null) continue;
            foreach (var rule in role.Rules) yield return rule;
        }
    }

    /// <summary>The rules of a Role (<paramref name="ns"/> its namespace) or ClusterRole (<paramref name="ns"/> ""); null
    /// when it does not exist.</summary>
    public IReadOnlyList<PolicyRule>? RoleRules(string ns, string name) =>
        roles.FirstOrDefault(r => r.Namespace == ns && r.Name == name)?.Rules;
}
