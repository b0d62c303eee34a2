using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Kinds;
using static Orkestra.Katalog.Children.Coerce;

namespace Orkestra.Katalog.Children.Kinds;

/// <summary>roles / clusterRoles → rbac.authorization.k8s.io/v1; at least one rule with verbs.</summary>
internal sealed class RoleKind(bool cluster) : ChildKindBase(cluster ? "clusterRoles" : "roles",
    BuiltInKinds.Get("rbac.authorization.k8s.io", cluster ? "ClusterRole" : "Role"),
    cluster ? "clusterrole" : "role", cluster ? "clusterroles" : "roles",
    cluster ? "cluster-role" : "role", new ChildField("rules", FieldType.List, Required: true))
{
    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name)
    {
        var rules = List(entry, "rules");
        if (rules is null || rules.Count == 0) throw new ChildBuildException("rules", "rules: at least one rule is required");
        var result = new JsonArray();
        for (var i = 0; i < rules.Count; i++)
        {
            if (rules[i] is not JsonObject rule) throw new ChildBuildException($"rules[{i}]",
                $"rules[{i}]: expected {{apiGroups, resources, verbs}}");
            var built = new JsonObject();
            foreach (var key in new[] { "apiGroups", "resources", "resourceNames", "nonResourceURLs", "verbs" }) Put(built, key,
                StringList(rule[key], $"rules[{i}].{key}"));
            if (built["verbs"] is not JsonArray { Count: > 0 }) throw new ChildBuildException($"rules[{i}].verbs",
                $"rules[{i}].verbs: required");
            foreach (var (key, _) in rule)
            {
                if (key is not ("apiGroups" or "resources" or "resourceNames" or "nonResourceURLs" or "verbs"))
                    throw new ChildBuildException($"rules[{i}].{key}", $"rules[{i}]: unknown key \"{key}\"");
            }
            result.AddNode(built);
        }
        obj["rules"] = result;
    }
}

/// <summary>roleBindings / clusterRoleBindings → rbac.authorization.k8s.io/v1; roleRef.kind defaults to Role / ClusterRole.</summary>
internal sealed class RoleBindingKind(bool cluster) : ChildKindBase(cluster ? "clusterRoleBindings" : "roleBindings",
    BuiltInKinds.Get("rbac.authorization.k8s.io", cluster ? "ClusterRoleBinding" : "RoleBinding"),
    cluster ? "clusterrolebinding" : "rolebinding", cluster ? "clusterrolebindings" : "rolebindings", cluster ? "crb" : "rolebinding",
    new ChildField("roleRef", FieldType.Object, Required: true), new ChildField("subjects", FieldType.List, Required: true))
{
    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name)
    {
        var roleRef = Section(entry, "roleRef", "apiGroup", "kind", "name") ?? throw new ChildBuildException("roleRef",
            "roleRef: required");
        obj["roleRef"] = new JsonObject
        {
            ["apiGroup"] = "rbac.authorization.k8s.io",
            ["kind"] = Text(roleRef["kind"], "roleRef.kind") ?? (cluster ? "ClusterRole" : "Role"),
            ["name"] = Text(roleRef["name"], "roleRef.name") ?? throw new ChildBuildException("roleRef.name", "roleRef.name: required"),
        };
        var subjects = List(entry, "subjects");
        if (subjects is null || subjects.Count == 0) throw new ChildBuildException("subjects",
            "subjects: at least one subject is required");
        var result = new JsonArray();
        for (var i = 0; i < subjects.Count; i++)
        {
            if (subjects[i] is not JsonObject s) throw new ChildBuildException($"subjects[{i}]",
                $"subjects[{i}]: expected {{kind, name, namespace}}");
            var kind = Text(s["kind"], $"subjects[{i}].kind") ?? "ServiceAccount";
            var subject = new JsonObject { ["kind"] = kind, ["name"] = Text(s["name"],
                $"subjects[{i}].name") ?? throw new ChildBuildException($"subjects[{i}].name", $"subjects[{i}].name: required") };
            if (kind == "ServiceAccount") subject["namespace"] = Text(s["namespace"],
                $"subjects[{i}].namespace") ?? context.Owner.Namespace ?? "default";
            else subject["apiGroup"] = "rbac.authorization.k8s.io";
            result.AddNode(subject);
        }
        obj["subjects"] = result;
    }
}
