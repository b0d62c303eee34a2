namespace Orkestra.ApiMachinery.Kinds;

/// <summary>
/// One built-in Kubernetes kind as discovery describes it: group (<c>""</c> for core), version, kind, plural resource
/// name, scope, short names, categories and whether it has a <c>/status</c> subresource. Immutable.
/// </summary>
public sealed record BuiltInKind(string Group, string Version, string Kind, string Plural, bool Namespaced)
{
    public IReadOnlyList<string> ShortNames { get; init; } = [];

    /// <summary>Discovery categories (<c>all</c> for what <c>kubectl get all</c> lists).</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Served with a <c>/status</c> subresource.</summary>
    public bool HasStatus { get; init; }

    /// <summary><c>v1</c> for the core group, otherwise <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
}

/// <summary>
/// The built-in kinds of the Kubernetes 1.32 API that ork knows by name, defined once: the Katalog completes
/// <c>apiTypes</c> and builds children from it, the sandbox serves the kinds it implements from it. Table order is
/// preference order: of two kinds with one name (core and <c>events.k8s.io</c> <c>Event</c>) the first is the one a
/// bare kind name means. Immutable; thread-safe.
/// </summary>
public static class BuiltInKinds
{
    private static readonly string[] s_all = ["all"];

    public static IReadOnlyList<BuiltInKind> All { get; } =
    [
        // core/v1
        new("", "v1", "Pod", "pods", true) { ShortNames = ["po"], Categories = s_all, HasStatus = true },
        new("", "v1", "Service", "services", true) { ShortNames = ["svc"], Categories = s_all, HasStatus = true },
        new("", "v1", "ConfigMap", "configmaps", true) { ShortNames = ["cm"] },
        new("", "v1", "Secret", "secrets", true),
        new("", "v1", "ServiceAccount", "serviceaccounts", true) { ShortNames = ["sa"] },
        new("", "v1", "Namespace", "namespaces", false) { ShortNames = ["ns"], HasStatus = true },
        new("", "v1", "Node", "nodes", false) { ShortNames = ["no"], HasStatus = true },
        new("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true) { ShortNames = ["pvc"], HasStatus = true },
        new("", "v1", "PersistentVolume", "persistentvolumes", false) { ShortNames = ["pv"], HasStatus = true },
        new("", "v1", "Endpoints", "endpoints", true) { ShortNames = ["ep"] },
        new("", "v1", "Event", "events", true) { ShortNames = ["ev"] },
        new("", "v1", "LimitRange", "limitranges", true) { ShortNames = ["limits"] },
        new("", "v1", "ResourceQuota", "resourcequotas", true) { ShortNames = ["quota"], HasStatus = true },
        new("", "v1", "ReplicationController", "replicationcontrollers", true)
        {
            ShortNames = ["rc"], Categories = s_all, HasStatus = true,
        },
        // apps/v1
        new("apps", "v1", "Deployment", "deployments", true) { ShortNames = ["deploy"], Categories = s_all, HasStatus = true },
        new("apps", "v1", "StatefulSet", "statefulsets", true) { ShortNames = ["sts"], Categories = s_all, HasStatus = true },
        new("apps", "v1", "DaemonSet", "daemonsets", true) { ShortNames = ["ds"], Categories = s_all, HasStatus = true },
        new("apps", "v1", "ReplicaSet", "replicasets", true) { ShortNames = ["rs"], Categories = s_all, HasStatus = true },
        new("apps", "v1", "ControllerRevision", "controllerrevisions", true),
        // batch/v1
        new("batch", "v1", "Job", "jobs", true) { Categories = s_all, HasStatus = true },
        new("batch", "v1", "CronJob", "cronjobs", true) { ShortNames = ["cj"], Categories = s_all, HasStatus = true },
        // networking.k8s.io/v1
        new("networking.k8s.io", "v1", "Ingress", "ingresses", true) { ShortNames = ["ing"], HasStatus = true },
        new("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false),
        new("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true) { ShortNames = ["netpol"] },
        // rbac.authorization.k8s.io/v1
        new("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
        new("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true),
        new("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false),
        new("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false),
        // autoscaling/v2, policy/v1, storage.k8s.io/v1
        new("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true)
        {
            ShortNames = ["hpa"], Categories = s_all, HasStatus = true,
        },
        new("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true) { ShortNames = ["pdb"], HasStatus = true },
        new("storage.k8s.io", "v1", "StorageClass", "storageclasses", false) { ShortNames = ["sc"] },
        // apiextensions.k8s.io/v1, coordination.k8s.io/v1, discovery.k8s.io/v1, scheduling.k8s.io/v1
        new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false)
        {
            ShortNames = ["crd", "crds"], HasStatus = true,
        },
        new("coordination.k8s.io", "v1", "Lease", "leases", true),
        new("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true),
        new("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false) { ShortNames = ["pc"] },
        // admissionregistration.k8s.io/v1
        new("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false),
        new("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false),
        // events.k8s.io/v1 (after core Event: a bare "Event" means the core kind)
        new("events.k8s.io", "v1", "Event", "events", true) { ShortNames = ["ev"] },
    ];

    private static readonly Dictionary<string, BuiltInKind> s_byKind = Index(k => k.Kind);
    private static readonly Dictionary<string, BuiltInKind> s_byGroupKind = Index(k => $"{k.Group}/{k.Kind}");

    /// <summary>The kind a bare name means (the first of that name in <see cref="All"/>).</summary>
    public static bool TryGet(string kind, out BuiltInKind builtIn) => s_byKind.TryGetValue(kind, out builtIn!);

    /// <summary>The kind <paramref name="kind"/> of API group <paramref name="group"/> (<c>""</c> for core).</summary>
    public static bool TryGet(string group, string kind, out BuiltInKind builtIn) =>
        s_byGroupKind.TryGetValue($"{group}/{kind}", out builtIn!);

    /// <summary>Like <see cref="TryGet(string, string, out BuiltInKind)"/>, for kinds the caller knows are in the table.</summary>
    public static BuiltInKind Get(string group, string kind) =>
        TryGet(group, kind, out var builtIn)
            ? builtIn
            : throw new KeyNotFoundException($"{kind} of group \"{group}\" is not in the built-in kind table");

    private static Dictionary<string, BuiltInKind> Index(Func<BuiltInKind, string> key)
    {
        var index = new Dictionary<string, BuiltInKind>(StringComparer.Ordinal);
        foreach (var kind in All) index.TryAdd(key(kind), kind);
        return index;
    }
}
