using System.Text.Json.Nodes;
using Orkestra.Sandbox.Handlers;

namespace Orkestra.Sandbox.Auth;

/// <summary>
/// The ClusterRoles and ClusterRoleBindings kube-apiserver bootstraps that matter to a sandbox user: cluster-admin
/// (bound to <c>system:masters</c>), the user-facing admin, edit and view (aggregated from
/// <c>system:aggregate-to-admin|edit|view</c> and any ClusterRole labelled
/// <c>rbac.authorization.k8s.io/aggregate-to-admin|edit|view: "true"</c>), system:discovery, system:basic-user and
/// system:public-info-viewer (bound to every authenticated user), and system:auth-delegator (TokenReview and
/// SubjectAccessReview, for servers that authenticate their callers through the API). Rules restate kube's defaults
/// for the resources the sandbox serves. Created when RBAC is on.
/// </summary>
internal static class DefaultRoles
{
    private const string AggregateLabel = "rbac.authorization.k8s.io/aggregate-to-";
    private static readonly string[] Write = ["create", "delete", "deletecollection", "patch", "update"];
    private static readonly string[] Read = ["get", "list", "watch"];

    public static void Create(ObjectService objects)
    {
        var roles = objects.Registry.Current.Find(RbacAuthorizer.Group, "v1", "clusterroles")!;
        var bindings = objects.Registry.Current.Find(RbacAuthorizer.Group, "v1", "clusterrolebindings")!;
        foreach (var role in ClusterRoles()) objects.Create(roles, null, role, WriteRequest.Internal("kube-apiserver"));
        foreach (var binding in Bindings()) objects.Create(bindings, null, binding, WriteRequest.Internal("kube-apiserver"));
    }

    private static IEnumerable<JsonObject> ClusterRoles()
    {
        yield return Role("cluster-admin", null, null, Rule(["*"], ["*"], ["*"]), Urls(["*"], "*"));
        yield return Role("admin", "admin", null);
        yield return Role("edit", "edit", "admin");
        yield return Role("view", "view", "edit");
        yield return Role("system:aggregate-to-admin", null, "admin",
            Rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]),
            Rule([.. Write, .. Read], ["rbac.authorization.k8s.io"], ["rolebindings", "roles"]));
        yield return Role("system:aggregate-to-edit", null, "edit",
            Rule(Write, [""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"]),
            Rule(["create"], [""], ["pods/eviction"]),
            Rule(Write, [""], ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers",
                "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"]),
            Rule(["create"], [""], ["serviceaccounts/token"]),
            Rule(Write, ["apps"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets",
                "replicasets/scale", "statefulsets", "statefulsets/scale"]),
            Rule(Write, ["autoscaling"], ["horizontalpodautoscalers"]),
            Rule(Write, ["batch"], ["cronjobs", "jobs"]),
            Rule(Write, ["policy"], ["poddisruptionbudgets"]),
            Rule(Write, ["networking.k8s.io"], ["ingresses", "networkpolicies"]),
            Rule(Write, ["coordination.k8s.io"], ["leases"]),
            Rule(["impersonate"], [""], ["serviceaccounts"]));
        yield return Role("system:aggregate-to-view", null, "view",
            Rule(Read, [""], ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods",
                "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"]),
            Rule(Read, [""], ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status",
                "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"]),
            Rule(Read, [""], ["namespaces"]),
            Rule(Read, ["discovery.k8s.io"], ["endpointslices"]),
            Rule(Read, ["apps"], ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale",
                "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale",
                "statefulsets/status"]),
            Rule(Read, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
            Rule(Read, ["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"]),
            Rule(Read, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
            Rule(Read, ["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"]));
        yield return Role("system:discovery", null, null,
            Urls(["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"],
                "get"));
        yield return Role("system:basic-user", null, null,
            Rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
            Rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]));
        yield return Role("system:public-info-viewer", null, null, Urls(["/healthz", "/livez", "/readyz", "/version", "/version/"], "get"));
        yield return Role("system:auth-delegator", null, null,
            Rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
            Rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]));
    }

    private static IEnumerable<JsonObject> Bindings()
    {
        yield return Binding("cluster-admin", "system:masters");
        yield return Binding("system:discovery", UserInfo.Authenticated);
        yield return Binding("system:basic-user", UserInfo.Authenticated);
        yield return Binding("system:public-info-viewer", UserInfo.Authenticated, "system:unauthenticated");
    }

    /// <summary>A ClusterRole; <paramref name="aggregates"/> gives it an aggregationRule over aggregate-to-NAME,
    /// <paramref name="aggregatedInto"/> labels it aggregate-to-NAME.</summary>
    private static JsonObject Role(string name, string? aggregates, string? aggregatedInto, params JsonObject[] rules)
    {
        var labels = new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" };
        if (aggregatedInto is not null) labels[AggregateLabel + aggregatedInto] = "true";
        var role = new JsonObject
        {
            ["apiVersion"] = "rbac.authorization.k8s.io/v1",
            ["kind"] = "ClusterRole",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = labels,
                ["annotations"] = new JsonObject { ["rbac.authorization.kubernetes.io/autoupdate"] = "true" },
            },
        };
        if (aggregates is not null)
        {
            role["aggregationRule"] = new JsonObject
            {
                ["clusterRoleSelectors"] = new JsonArray(new JsonObject
                {
                    ["matchLabels"] = new JsonObject { [AggregateLabel + aggregates] = "true" },
                }),
            };
        }
        role["rules"] = new JsonArray(rules.Select(r => (JsonNode)r).ToArray());
        return role;
    }

    private static JsonObject Binding(string role, params string[] groups) => new()
    {
        ["apiVersion"] = "rbac.authorization.k8s.io/v1",
        ["kind"] = "ClusterRoleBinding",
        ["metadata"] = new JsonObject
        {
            ["name"] = role,
            ["labels"] = new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" },
            ["annotations"] = new JsonObject { ["rbac.authorization.kubernetes.io/autoupdate"] = "true" },
        },
        ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = role },
        ["subjects"] = new JsonArray(groups.Select(g => (JsonNode)new JsonObject
        {
            ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "Group", ["name"] = g,
        }).ToArray()),
    };

    private static JsonObject Rule(string[] verbs, string[] groups, string[] resources) => new()
    {
        ["verbs"] = Strings(verbs), ["apiGroups"] = Strings(groups), ["resources"] = Strings(resources),
    };

    private static JsonObject Urls(string[] urls, string verb) => new()
    {
        ["verbs"] = Strings([verb]), ["nonResourceURLs"] = Strings(urls),
    };

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());
}
