using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Kinds;
using Orkestra.Sandbox.Api;

namespace Orkestra.Sandbox.Resources;

/// <summary>
/// The built-in resources every sandbox serves: a kind's identity (group, version, plural, scope, short names,
/// categories, /status) from the one table, <see cref="BuiltInKinds"/>, plus what the server does for it here
/// (generation, /scale, field selectors, table columns, delete answers).
/// </summary>
internal static class BuiltInResources
{
    public static IReadOnlyList<ResourceType> Create() =>
    [
        // core/v1
        new(Kind("", "Namespace"))
        {
            HasFinalize = true,
            FieldSelectors = Fields(("status.phase", "status.phase")),
            Columns = [Column("Status", "string", o => Json.Path(o, "status.phase"))],
        },
        new(Kind("", "ConfigMap")) { Columns = [Column("Data", "integer", o => CountOf(o, "data", "binaryData"))] },
        new(Kind("", "Secret"))
        {
            FieldSelectors = Fields(("type", "type")),
            Columns = [Column("Type", "string", o => o["type"]?.DeepClone()), Column("Data", "integer", o => CountOf(o, "data"))],
        },
        new(Kind("", "Service"))
        {
            Columns =
            [
                Column("Type", "string", o => Json.Path(o, "spec.type")?.DeepClone()),
                Column("Cluster-IP", "string", o => Json.Path(o, "spec.clusterIP")?.DeepClone() ?? "<none>"),
                Column("External-IP", "string", ServiceExternalIp),
                Column("Port(s)", "string", ServicePorts),
            ],
        },
        new(Kind("", "ServiceAccount")) { ReturnsDeletedObject = true },
        new(Kind("", "Pod"))
        {
            ReturnsDeletedObject = true,
            FieldSelectors = Fields(("spec.nodeName", "spec.nodeName"), ("status.phase", "status.phase"),
                ("spec.restartPolicy", "spec.restartPolicy"), ("spec.schedulerName", "spec.schedulerName"),
                ("spec.serviceAccountName", "spec.serviceAccountName"), ("status.podIP", "status.podIP"),
                ("status.nominatedNodeName", "status.nominatedNodeName")),
            Columns =
            [
                Column("Ready", "string", PodReady),
                Column("Status", "string", o => Json.Path(o, "status.phase")?.DeepClone() ?? "Pending"),
                Column("Restarts", "string", _ => "0"),
            ],
        },
        new(Kind("", "PersistentVolumeClaim"))
        {
            Columns =
            [
                Column("Status", "string", o => Json.Path(o, "status.phase")?.DeepClone() ?? "Pending"),
                Column("Volume", "string", o => Json.Path(o, "spec.volumeName")?.DeepClone() ?? ""),
            ],
        },
        new(Kind("", "PersistentVolume")) { Columns = [Column("Status", "string", o => Json.Path(o, "status.phase")?.DeepClone())] },
        new(Kind("", "Endpoints")),
        new(Kind("", "Event"))
        {
            FieldSelectors = EventFields,
            Columns =
            [
                Column("Type", "string", o => o["type"]?.DeepClone()),
                Column("Reason", "string", o => o["reason"]?.DeepClone()),
                Column("Object", "string", o =>
                    $"{Json.Str(o["involvedObject"], "kind")?.ToLowerInvariant()}/{Json.Str(o["involvedObject"], "name")}"),
                Column("Message", "string", o => o["message"]?.DeepClone()),
            ],
        },
        new(Kind("", "ResourceQuota")),
        new(Kind("", "LimitRange")),
        // events.k8s.io/v1 (stored apart from core events: see docs/sandbox.md)
        new(Kind("events.k8s.io", "Event"))
        {
            FieldSelectors = Fields(("reason", "reason"), ("type", "type"),
                ("regarding.kind", "regarding.kind"), ("regarding.name", "regarding.name"),
                ("regarding.namespace", "regarding.namespace"), ("regarding.uid", "regarding.uid"),
                ("reportingController", "reportingController")),
        },
        // apps/v1
        new(Kind("apps", "Deployment"))
        {
            TracksGeneration = true,
            Scale = Replicas,
            Columns =
            [
                Column("Ready", "string", ReadyOfReplicas),
                Column("Up-to-date", "integer", o => Json.Long(o["status"], "updatedReplicas") ?? 0),
                Column("Available", "integer", o => Json.Long(o["status"], "availableReplicas") ?? 0),
            ],
        },
        new(Kind("apps", "ReplicaSet"))
        {
            TracksGeneration = true,
            Scale = Replicas,
            FieldSelectors = Fields(("status.replicas", "status.replicas")),
            Columns =
            [
                Column("Desired", "integer", o => Json.Long(o["spec"], "replicas") ?? 1),
                Column("Current", "integer", o => Json.Long(o["status"], "replicas") ?? 0),
                Column("Ready", "integer", o => Json.Long(o["status"], "readyReplicas") ?? 0),
            ],
        },
        new(Kind("apps", "StatefulSet"))
        {
            TracksGeneration = true,
            Scale = Replicas,
            Columns = [Column("Ready", "string", ReadyOfReplicas)],
        },
        new(Kind("apps", "DaemonSet")) { TracksGeneration = true },
        // batch/v1
        new(Kind("batch", "Job"))
        {
            TracksGeneration = true,
            FieldSelectors = Fields(("status.successful", "status.succeeded")),
            Columns =
            [
                Column("Status", "string", JobStatus),
                Column("Completions", "string", o =>
                    $"{Json.Long(o["status"], "succeeded") ?? 0}/{Json.Long(o["spec"], "completions") ?? 1}"),
            ],
        },
        new(Kind("batch", "CronJob"))
        {
            TracksGeneration = true,
            Columns =
            [
                Column("Schedule", "string", o => Json.Path(o, "spec.schedule")?.DeepClone()),
                Column("Suspend", "boolean", o => Json.Bool(o["spec"], "suspend") ?? false),
            ],
        },
        // networking.k8s.io/v1
        new(Kind("networking.k8s.io", "Ingress")) { TracksGeneration = true },
        new(Kind("networking.k8s.io", "NetworkPolicy")) { TracksGeneration = true },
        // rbac.authorization.k8s.io/v1
        new(Kind("rbac.authorization.k8s.io", "Role")),
        new(Kind("rbac.authorization.k8s.io", "RoleBinding")),
        new(Kind("rbac.authorization.k8s.io", "ClusterRole")),
        new(Kind("rbac.authorization.k8s.io", "ClusterRoleBinding")),
        // autoscaling/v2, policy/v1, coordination.k8s.io/v1
        new(Kind("autoscaling", "HorizontalPodAutoscaler")),
        new(Kind("policy", "PodDisruptionBudget")) { TracksGeneration = true },
        new(Kind("coordination.k8s.io", "Lease"))
        {
            Columns = [Column("Holder", "string", o => Json.Path(o, "spec.holderIdentity")?.DeepClone() ?? "")],
        },
        // apiextensions.k8s.io/v1, admissionregistration.k8s.io/v1
        new(Kind("apiextensions.k8s.io", "CustomResourceDefinition"))
        {
            TracksGeneration = true,
            Columns = [Column("Created At", "date", o => Json.Path(o, "metadata.creationTimestamp")?.DeepClone())],
        },
        new(Kind("admissionregistration.k8s.io", "ValidatingWebhookConfiguration")) { TracksGeneration = true },
        new(Kind("admissionregistration.k8s.io", "MutatingWebhookConfiguration")) { TracksGeneration = true },
    ];

    private static BuiltInKind Kind(string group, string kind) => BuiltInKinds.Get(group, kind);

    private static readonly ScaleSpec Replicas = new("spec.replicas", "status.replicas", "status.selector");

    private static readonly IReadOnlyDictionary<string, string> EventFields = Fields(
        ("involvedObject.kind", "involvedObject.kind"), ("involvedObject.namespace", "involvedObject.namespace"),
        ("involvedObject.name", "involvedObject.name"), ("involvedObject.uid", "involvedObject.uid"),
        ("involvedObject.apiVersion", "involvedObject.apiVersion"), ("involvedObject.resourceVersion", "involvedObject.resourceVersion"),
        ("involvedObject.fieldPath", "involvedObject.fieldPath"), ("reason", "reason"), ("reportingComponent", "reportingComponent"),
        ("source", "source.component"), ("type", "type"));

    private static Dictionary<string, string> Fields(params (string Label, string Path)[] fields) =>
        fields.ToDictionary(f => f.Label, f => f.Path);

    private static TableColumn Column(string name, string type, Func<JsonObject, JsonNode?> cell) => new(name, type, "", name, 0, cell);

    private static JsonNode ReadyOfReplicas(JsonObject o) =>
        $"{Json.Long(o["status"], "readyReplicas") ?? 0}/{Json.Long(o["spec"], "replicas") ?? 1}";

    private static JsonNode CountOf(JsonObject o, params string[] keys) => keys.Sum(k => (o[k] as JsonObject)?.Count ?? 0);

    /// <summary>kubectl's EXTERNAL-IP: external IPs, load-balancer ingress (or &lt;pending&gt;), the external name, else
    /// &lt;none&gt;.</summary>
    private static JsonNode ServiceExternalIp(JsonObject svc)
    {
        static IEnumerable<string> Strings(JsonNode? list) =>
            (list as JsonArray)?.Select(n => n?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string)n! : null)
                .OfType<string>() ?? [];
        var external = Strings(Json.Path(svc, "spec.externalIPs")).ToList();
        switch (Json.Str(Json.Path(svc, "spec"), "type") ?? "ClusterIP")
        {
            case "LoadBalancer":
                var ingress = (Json.Path(svc, "status.loadBalancer.ingress") as JsonArray)?.OfType<JsonObject>()
                    .Select(i => Json.Str(i, "ip") ?? Json.Str(i, "hostname")).OfType<string>() ?? [];
                var all = ingress.Concat(external).ToList();
                return all.Count > 0 ? string.Join(",", all) : "<pending>";
            case "ExternalName":
                return Json.Str(Json.Path(svc, "spec"), "externalName") ?? "<none>";
            default:
                return external.Count > 0 ? string.Join(",", external) : "<none>";
        }
    }

    /// <summary>kubectl's PORT(S): <c>port[:nodePort]/protocol</c>, comma-separated, or &lt;none&gt;.</summary>
    private static JsonNode ServicePorts(JsonObject svc)
    {
        var ports = (Json.Path(svc, "spec.ports") as JsonArray)?.OfType<JsonObject>().Select(p =>
        {
            var node = p["nodePort"] is JsonValue np ? ":" + np.ToJsonString() : "";
            return $"{p["port"]?.ToJsonString()}{node}/{Json.Str(p, "protocol") ?? "TCP"}";
        }).ToList() ?? [];
        return ports.Count > 0 ? string.Join(",", ports) : "<none>";
    }

    private static JsonNode PodReady(JsonObject pod)
    {
        var total = (Json.Path(pod, "spec.containers") as JsonArray)?.Count ?? 0;
        var ready = (Json.Path(pod, "status.containerStatuses") as JsonArray)?.Count(c => Json.Bool(c, "ready") == true) ?? 0;
        return $"{ready}/{total}";
    }

    private static JsonNode JobStatus(JsonObject job)
    {
        foreach (var condition in (Json.Path(job, "status.conditions") as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Json.Str(condition, "status") != "True") continue;
            if (Json.Str(condition, "type") == "Complete") return "Complete";
            if (Json.Str(condition, "type") == "Failed") return "Failed";
        }
        return "Running";
    }
}
