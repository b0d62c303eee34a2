using System.Text.Json.Nodes;

namespace Orkestra.ApiMachinery.Shapes;

/// <summary>
/// The list and map markers of the built-in kinds operators manage, as kube's Go types declare them
/// (<c>+listType</c>/<c>+listMapKey</c>/<c>+mapType</c>/<c>+structType</c> for server-side apply,
/// <c>patchStrategy</c>/<c>patchMergeKey</c> for strategic merge patch; k8s.io/api core/v1, apps/v1, batch/v1 and
/// apimachinery meta/v1). Fields not listed follow <see cref="Shape.Unknown"/>: lists atomic, objects granular.
/// </summary>
public static class BuiltInShapes
{
    private static readonly Dictionary<string, JsonNode> ProtocolTcp = new() { ["protocol"] = "TCP" };

    /// <summary>ObjectMeta: labels/annotations granular, finalizers a set, ownerReferences keyed by uid.</summary>
    public static readonly Shape ObjectMeta = Shape.Struct(
        ("labels", Shape.Map()),
        ("annotations", Shape.Map()),
        ("finalizers", Shape.ScalarSet(patchMerge: true)),
        ("ownerReferences", Shape.ListMap(Shape.Unknown, ["uid"])));

    private static readonly Shape Conditions = Shape.ListMap(Shape.Unknown, ["type"]);

    private static readonly Shape Container = Shape.Struct(
        ("ports", Shape.ListMap(Shape.Unknown, ["containerPort", "protocol"], "containerPort", ProtocolTcp)),
        ("env", Shape.ListMap(Shape.Unknown, ["name"])),
        ("volumeMounts", Shape.ListMap(Shape.Unknown, ["mountPath"])),
        ("volumeDevices", Shape.ListMap(Shape.Unknown, ["devicePath"])),
        ("resources", Shape.Struct(("limits", Shape.Map()), ("requests", Shape.Map()))));

    private static readonly Shape PodSpec = Shape.Struct(
        ("containers", Shape.ListMap(Container, ["name"])),
        ("initContainers", Shape.ListMap(Container, ["name"])),
        ("ephemeralContainers", Shape.ListMap(Container, ["name"])),
        ("volumes", Shape.ListMap(Shape.Struct().WithRetainKeys(), ["name"])),
        ("imagePullSecrets", Shape.ListMap(Shape.Unknown, ["name"])),
        ("hostAliases", Shape.ListMap(Shape.Unknown, ["ip"])),
        ("topologySpreadConstraints", Shape.ListMap(Shape.Unknown, ["topologyKey", "whenUnsatisfiable"], "topologyKey")),
        ("schedulingGates", Shape.ListMap(Shape.Unknown, ["name"])),
        ("resourceClaims", Shape.ListMap(Shape.Unknown, ["name"])),
        ("nodeSelector", Shape.AtomicMap()));

    private static readonly Shape PodTemplate = Shape.Struct(("metadata", ObjectMeta), ("spec", PodSpec));

    private static readonly Shape Selector = Shape.AtomicMap();

    private static readonly Shape ConditionsStatus = Shape.Struct(("conditions", Conditions));

    private static readonly Shape JobSpec = Shape.Struct(("selector", Selector), ("template", PodTemplate));

    private static Shape Kind(params (string Name, Shape Shape)[] fields) => Shape.Struct([("metadata", ObjectMeta), .. fields]);

    private static readonly Dictionary<(string Group, string Kind), Shape> Kinds = new()
    {
        [("", "Pod")] = Kind(("spec", PodSpec), ("status", ConditionsStatus)),
        [("", "PodTemplate")] = Kind(("template", PodTemplate)),
        [("", "ReplicationController")] =
            Kind(("spec", Shape.Struct(("selector", Shape.AtomicMap()), ("template", PodTemplate))), ("status", ConditionsStatus)),
        [("", "Service")] = Kind(
            ("spec", Shape.Struct(("ports", Shape.ListMap(Shape.Unknown, ["port", "protocol"], "port", ProtocolTcp)),
                ("selector", Shape.AtomicMap()))),
            ("status", ConditionsStatus)),
        [("", "ServiceAccount")] = Kind(("secrets", Shape.ListMap(Shape.Unknown, ["name"]))),
        [("", "Namespace")] = Kind(("status", ConditionsStatus)),
        [("", "PersistentVolumeClaim")] = Kind(("status", ConditionsStatus)),
        [("", "Node")] = Kind(("status", ConditionsStatus)),
        [("apps", "Deployment")] = Kind(
            ("spec", Shape.Struct(("selector", Selector), ("template", PodTemplate), ("strategy", Shape.Struct().WithRetainKeys()))),
            ("status", ConditionsStatus)),
        [("apps", "ReplicaSet")] =
            Kind(("spec", Shape.Struct(("selector", Selector), ("template", PodTemplate))), ("status", ConditionsStatus)),
        [("apps", "StatefulSet")] =
            Kind(("spec", Shape.Struct(("selector", Selector), ("template", PodTemplate))), ("status", ConditionsStatus)),
        [("apps", "DaemonSet")] =
            Kind(("spec", Shape.Struct(("selector", Selector), ("template", PodTemplate))), ("status", ConditionsStatus)),
        [("batch", "Job")] = Kind(("spec", JobSpec), ("status", ConditionsStatus)),
        [("batch", "CronJob")] = Kind(("spec", Shape.Struct(("jobTemplate", Shape.Struct(("metadata", ObjectMeta), ("spec", JobSpec)))))),
        [("policy", "PodDisruptionBudget")] = Kind(("spec", Shape.Struct(("selector", Selector))), ("status", ConditionsStatus)),
        [("apiextensions.k8s.io", "CustomResourceDefinition")] = Kind(("status", ConditionsStatus)),
    };

    private static readonly Shape Plain = Kind();

    /// <summary>The shape of built-in <paramref name="kind"/> in <paramref name="group"/> ("" for core); unknown kinds get ObjectMeta
    /// only.</summary>
    public static Shape For(string group, string kind) => Kinds.TryGetValue((group, kind), out var shape) ? shape : Plain;

    /// <summary>A custom resource: the CRD version's schema, with ObjectMeta's markers for <c>metadata</c>.</summary>
    public static Shape ForCustomResource(JsonNode? openApiV3Schema) => Shape.FromOpenApi(openApiV3Schema).With(("metadata", ObjectMeta));
}
