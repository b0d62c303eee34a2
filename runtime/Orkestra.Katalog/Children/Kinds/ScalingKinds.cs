using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Kinds;
using Orkestra.ApiMachinery.Meta;
using static Orkestra.Katalog.Children.Coerce;

namespace Orkestra.Katalog.Children.Kinds;

/// <summary>hpa → autoscaling/v2 HorizontalPodAutoscaler. scaleTargetRef (or the docs' deploymentRef) defaults to the CR's
/// Deployment.</summary>
internal sealed class HpaKind() : ChildKindBase("hpa", BuiltInKinds.Get("autoscaling", "HorizontalPodAutoscaler"), "hpa", "hpas", "hpa",
    new ChildField("scaleTargetRef", FieldType.Object), new ChildField("deploymentRef", FieldType.Any),
    new ChildField("minReplicas", FieldType.Int), new ChildField("maxReplicas", FieldType.Int, Required: true),
    new ChildField("targetCPUUtilizationPercentage", FieldType.Int), new ChildField("targetMemoryUtilizationPercentage", FieldType.Int),
    new ChildField("behavior", FieldType.Object))
{
    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name)
    {
        JsonObject target;
        if (Section(entry, "scaleTargetRef", "apiVersion", "kind", "name") is { } reference)
        {
            target = new JsonObject
            {
                ["apiVersion"] = Text(reference["apiVersion"], "scaleTargetRef.apiVersion") ?? "apps/v1",
                ["kind"] = Text(reference["kind"], "scaleTargetRef.kind") ?? "Deployment",
                ["name"] = Text(reference["name"], "scaleTargetRef.name") ?? throw new ChildBuildException("scaleTargetRef.name",
                    "scaleTargetRef.name: required"),
            };
        }
        else
        {
            var deployment = entry["deploymentRef"] switch
            {
                null => context.Owner.Name,
                JsonObject o => Text(o["name"], "deploymentRef.name") ?? context.Owner.Name,
                var v => Text(v, "deploymentRef") ?? context.Owner.Name,
            };
            target = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = deployment };
        }
        var max = Int(entry, "maxReplicas") ?? throw new ChildBuildException("maxReplicas", "maxReplicas: required");
        var min = Int(entry, "minReplicas") ?? 1;
        if (min < 1 || max < min) throw new ChildBuildException("maxReplicas",
            $"maxReplicas: {max} must be at least minReplicas {min} (≥ 1)");
        var spec = new JsonObject { ["scaleTargetRef"] = target, ["minReplicas"] = min, ["maxReplicas"] = max };
        var metrics = new JsonArray();
        foreach (var (field, resource) in new[] { ("targetCPUUtilizationPercentage", "cpu"), ("targetMemoryUtilizationPercentage",
            "memory") })
        {
            if (Int(entry, field) is not { } utilization) continue;
            metrics.AddNode(new JsonObject
            {
                ["type"] = "Resource",
                ["resource"] = new JsonObject
                {
                    ["name"] = resource,
                    ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = utilization },
                },
            });
        }
        if (metrics.Count > 0) spec["metrics"] = metrics;
        Put(spec, "behavior", Section(entry, "behavior", "scaleUp", "scaleDown"));
        obj["spec"] = spec;
    }
}

/// <summary>pdb → policy/v1 PodDisruptionBudget. selector defaults to the CR's pods; minAvailable XOR maxUnavailable.</summary>
internal sealed class PdbKind() : ChildKindBase("pdb", BuiltInKinds.Get("policy", "PodDisruptionBudget"), "pdb", "pdbs", "pdb",
    new ChildField("selector", FieldType.StringMap), new ChildField("minAvailable", FieldType.IntOrString), new ChildField("maxUnavailable",
        FieldType.IntOrString))
{
    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name)
    {
        var min = IntOrString(entry, "minAvailable");
        var max = IntOrString(entry, "maxUnavailable");
        if (min is not null && max is not null) throw new ChildBuildException("maxUnavailable",
            "minAvailable and maxUnavailable are mutually exclusive");
        var spec = new JsonObject
        {
            ["selector"] = new JsonObject
            {
                ["matchLabels"] = StringMap(entry, "selector")
                    ?? new JsonObject { [WellKnownLabels.Owner] = WellKnownLabels.OwnerValue(context.Owner.Name) },
            },
        };
        if (min is not null) spec["minAvailable"] = min;
        else spec["maxUnavailable"] = max ?? JsonValue.Create(1);
        obj["spec"] = spec;
    }
}
