using System.Text.Json.Nodes;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Auth;

/// <summary>
/// The sandbox's authorizer. Off (<see cref="Enabled"/> false): every authenticated request is allowed, as kube's
/// AlwaysAllow mode. On: kube's RBAC over the Roles, ClusterRoles, RoleBindings and ClusterRoleBindings in the
/// sandbox's own store, with members of <c>system:masters</c> allowed everything. The store calls
/// <see cref="OnCommit"/> under its lock for every write; writes to the four RBAC tables swap in a new immutable
/// <see cref="RbacPolicy"/>, every other write costs four reference comparisons. Readers take <see cref="Policy"/>
/// without locks.
/// </summary>
internal sealed class RbacAuthorizer
{
    public const string Group = "rbac.authorization.k8s.io";
    public const string RolesKey = "roles." + Group;
    public const string ClusterRolesKey = "clusterroles." + Group;
    public const string RoleBindingsKey = "rolebindings." + Group;
    public const string ClusterRoleBindingsKey = "clusterrolebindings." + Group;

    private readonly ResourceTable _roles;
    private readonly ResourceTable _clusterRoles;
    private readonly ResourceTable _roleBindings;
    private readonly ResourceTable _clusterRoleBindings;
    private volatile RbacPolicy _policy = RbacPolicy.Empty;

    public RbacAuthorizer(ObjectStore store, bool enabled)
    {
        Enabled = enabled;
        _roles = store.Table(RolesKey);
        _clusterRoles = store.Table(ClusterRolesKey);
        _roleBindings = store.Table(RoleBindingsKey);
        _clusterRoleBindings = store.Table(ClusterRoleBindingsKey);
    }

    /// <summary>RBAC is enforced (<c>SandboxOptions.Authorization</c> = <c>Rbac</c>).</summary>
    public bool Enabled { get; }

    public RbacPolicy Policy => _policy;

    /// <summary>Store commit hook (called under the store lock, must not block).</summary>
    public void OnCommit(ResourceTable table, StoreChange e)
    {
        if (!Enabled) return;
        if (!ReferenceEquals(table, _roles) && !ReferenceEquals(table, _clusterRoles) && !ReferenceEquals(table, _roleBindings) &&
            !ReferenceEquals(table, _clusterRoleBindings)) return;
        var roles = _roles.Items.Values.Concat(_clusterRoles.Items.Values)
            .Select(o => new RbacRole(o.Namespace, o.Name, Rules(o.Object["rules"]))).ToList();
        var bindings = _roleBindings.Items.Values.Concat(_clusterRoleBindings.Items.Values).Select(Binding).ToList();
        _policy = new RbacPolicy(roles, bindings);
    }

    /// <summary>Whether the user may do what <paramref name="request"/> describes.</summary>
    public bool Allows(UserInfo user, AuthorizationAttributes request) => !Enabled || user.IsMaster || _policy.Allows(user, request);

    /// <summary>kube's 403 for a denied request: Status reason Forbidden, details {name, group, kind}.</summary>
    public static ApiError Forbidden(AuthorizationAttributes request, string reason = "")
    {
        var details = new JsonObject();
        if (request.IsResourceRequest)
        {
            if (request.Name.Length > 0) details["name"] = request.Name;
            if (request.Group.Length > 0) details["group"] = request.Group;
            if (request.Resource.Length > 0) details["kind"] = request.Resource;
        }
        return ApiError.Forbidden(ForbiddenMessage.For(request, reason), details);
    }

    /// <summary>The <c>rules[]</c> of a stored Role or ClusterRole.</summary>
    public static IReadOnlyList<PolicyRule> Rules(JsonNode? rules) =>
        (rules as JsonArray ?? []).OfType<JsonObject>().Select(r => new PolicyRule(
            Strings(r["verbs"]), Strings(r["apiGroups"]), Strings(r["resources"]), Strings(r["resourceNames"]),
            Strings(r["nonResourceURLs"]))).ToList();

    private static RbacBinding Binding(StoredObject o)
    {
        var roleRef = o.Object["roleRef"] as JsonObject;
        var subjects = (o.Object["subjects"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(s => new Subject(Json.Str(s, "kind") ?? "", Json.Str(s, "name") ?? "", Json.Str(s, "namespace") ?? "")).ToList();
        return new RbacBinding(o.Namespace, Json.Str(roleRef, "kind") ?? "", Json.Str(roleRef, "name") ?? "", subjects);
    }

    public static string[] Strings(JsonNode? list) =>
        (list as JsonArray ?? []).Select(Json.ScalarText).OfType<string>().ToArray();
}
