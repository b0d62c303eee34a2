namespace Orkestra.Katalog.Loading;

/// <summary>A built-in Kubernetes kind an operator can watch with only <c>apiTypes.kind</c> given.</summary>
public sealed record BuiltinKind(string Group, string Version, string Kind, string Plural, bool Namespaced);

/// <summary>
/// The built-in kinds Orkestra enriches from <c>kind</c> alone (§1.6): group, version, plural and scope of the
/// Kubernetes 1.32 API. Immutable; thread-safe.
/// </summary>
public static class BuiltinKinds
{
    private static readonly Dictionary<string, BuiltinKind> s_byKind = new BuiltinKind[]
    {
        new("", "v1", "Pod", "pods", true),
        new("", "v1", "Service", "services", true),
        new("", "v1", "ConfigMap", "configmaps", true),
        new("", "v1", "Secret", "secrets", true),
        new("", "v1", "ServiceAccount", "serviceaccounts", true),
        new("", "v1", "Namespace", "namespaces", false),
        new("", "v1", "Node", "nodes", false),
        new("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true),
        new("", "v1", "PersistentVolume", "persistentvolumes", false),
        new("", "v1", "Endpoints", "endpoints", true),
        new("", "v1", "Event", "events", true),
        new("", "v1", "LimitRange", "limitranges", true),
        new("", "v1", "ResourceQuota", "resourcequotas", true),
        new("", "v1", "ReplicationController", "replicationcontrollers", true),
        new("apps", "v1", "Deployment", "deployments", true),
        new("apps", "v1", "StatefulSet", "statefulsets", true),
        new("apps", "v1", "DaemonSet", "daemonsets", true),
        new("apps", "v1", "ReplicaSet", "replicasets", true),
        new("apps", "v1", "ControllerRevision", "controllerrevisions", true),
        new("batch", "v1", "Job", "jobs", true),
        new("batch", "v1", "CronJob", "cronjobs", true),
        new("networking.k8s.io", "v1", "Ingress", "ingresses", true),
        new("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false),
        new("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true),
        new("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
        new("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true),
        new("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false),
        new("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false),
        new("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true),
        new("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true),
        new("storage.k8s.io", "v1", "StorageClass", "storageclasses", false),
        new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false),
        new("coordination.k8s.io", "v1", "Lease", "leases", true),
        new("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true),
        new("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false),
        new("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false),
        new("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false),
    }.ToDictionary(k => k.Kind, StringComparer.Ordinal);

    public static IReadOnlyCollection<BuiltinKind> All => s_byKind.Values;

    public static bool TryGet(string kind, out BuiltinKind builtin) => s_byKind.TryGetValue(kind, out builtin!);
}
