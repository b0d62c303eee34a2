using System.Text.Json.Nodes;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Resources;

namespace Orkestra.Sandbox.Auth;

/// <summary>
/// kube's privilege-escalation prevention on RBAC writes (when RBAC is on; <c>system:masters</c> and the sandbox's own
/// writes are exempt): a Role or ClusterRole may only be created or changed with rules the writer holds where the
/// role applies (a Role: its namespace; a ClusterRole: cluster-wide), unless the writer may <c>escalate</c> it; an
/// <c>aggregationRule</c> needs full authority. A RoleBinding or ClusterRoleBinding needs <c>bind</c> on the role it
/// references, or every rule of that role. Refusals are kube's 403 (<c>... is attempting to grant RBAC permissions
/// not currently held:</c> and the missing rules). An update that leaves the rules (or roleRef and subjects) as they
/// were is not checked.
/// </summary>
internal sealed class EscalationCheck(RbacAuthorizer authorizer)
{
    private static readonly PolicyRule[] FullAuthority = [new(["*"], ["*"], ["*"], [], []), new(["*"], [], [], [], ["*"])];

    public void Check(ResourceType type, JsonObject obj, JsonObject? old, UserInfo? user)
    {
        if (user is null || user.IsMaster || !authorizer.Enabled || type.Group != RbacAuthorizer.Group) return;
        var ns = type.Namespaced ? Json.Str(obj["metadata"], "namespace") ?? "" : "";
        var name = Json.Str(obj["metadata"], "name") ?? "";
        var policy = authorizer.Policy;
        switch (type.Resource)
        {
            case "roles" or "clusterroles":
                if (old is not null && JsonNode.DeepEquals(old["rules"], obj["rules"]) &&
                    JsonNode.DeepEquals(old["aggregationRule"], obj["aggregationRule"])) return;
                if (authorizer.Allows(user, new(user.Name, "escalate", type.Group, type.Resource, "", ns, name, null))) return;
                var owned = policy.RulesFor(user, ns).ToList();
                Confirm(type, name, user, owned, RbacAuthorizer.Rules(obj["rules"]));
                if (obj["aggregationRule"] is JsonObject && RuleCoverage.Missing(owned, FullAuthority).Count > 0)
                    throw Forbidden(type, name, "must have cluster-admin privileges to use the aggregationRule");
                return;
            case "rolebindings" or "clusterrolebindings":
                if (old is not null && JsonNode.DeepEquals(old["roleRef"], obj["roleRef"]) &&
                    JsonNode.DeepEquals(old["subjects"], obj["subjects"])) return;
                var roleKind = Json.Str(obj["roleRef"], "kind") ?? "";
                var roleName = Json.Str(obj["roleRef"], "name") ?? "";
                var roleResource = roleKind == "Role" ? "roles" : "clusterroles";
                if (authorizer.Allows(user, new(user.Name, "bind", type.Group, roleResource, "", ns, roleName, null))) return;
                var rules = policy.RoleRules(roleKind == "Role" ? ns : "", roleName)
                    ?? throw Forbidden(type, name, $"{roleResource}.{RbacAuthorizer.Group} \"{roleName}\" not found");
                Confirm(type, name, user, policy.RulesFor(user, ns).ToList(), rules);
                return;
        }
    }

    private static void Confirm(ResourceType type, string name, UserInfo user, IReadOnlyList<PolicyRule> owned,
        IEnumerable<PolicyRule> rules)
    {
        var missing = RuleCoverage.Missing(owned, rules);
        if (missing.Count == 0) return;
        throw Forbidden(type, name, $"user \"{user.Name}\" (groups={RuleCoverage.Quoted(user.Groups)}) is attempting to grant RBAC " +
                                    $"permissions not currently held:\n{RuleCoverage.Describe(missing)}");
    }

    private static ApiError Forbidden(ResourceType type, string name, string why) =>
        ApiError.Forbidden($"{type.GroupResource} \"{name}\" is forbidden: {why}",
            new JsonObject { ["name"] = name, ["group"] = type.Group, ["kind"] = type.Resource });
}
