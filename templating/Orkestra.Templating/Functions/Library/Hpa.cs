using Fluid.Values;
using static Orkestra.Templating.Functions.Library.ObjectAccess;

namespace Orkestra.Templating.Functions.Library;

/// <summary>HorizontalPodAutoscaler helpers (autoscaling/v2 spec and status). The metric and target helpers read enrichment
/// <c>_currentMetrics</c> (falling back to status.currentMetrics) and <c>_scaleTarget</c> (enrich: hpa).</summary>
internal static class Hpa
{
    private const string C = "hpa";

    public static void Register(FunctionRegistry r)
    {
        r.ObjInt(C, "hpaCurrentReplicas", "status.currentReplicas of an HPA; 0 when absent", o => Long(o, "status", "currentReplicas"));
        r.ObjInt(C, "hpaDesiredReplicas", "status.desiredReplicas of an HPA; 0 when absent", o => Long(o, "status", "desiredReplicas"));
        r.ObjInt(C, "hpaMinReplicas", "spec.minReplicas of an HPA; 1 when absent (the Kubernetes default)", Min);
        r.ObjInt(C, "hpaMaxReplicas", "spec.maxReplicas of an HPA; 0 when absent", o => Long(o, "spec", "maxReplicas"));
        r.ObjBool(C, "hpaAtMax", "true when status.currentReplicas >= spec.maxReplicas (false without an HPA)",
            o => Has(o, "spec", "maxReplicas") && Long(o, "status", "currentReplicas") >= Long(o, "spec", "maxReplicas"));
        r.ObjBool(C, "hpaAbleToScale", "true when the AbleToScale condition is True", o => ConditionTrue(o, "AbleToScale"));
        r.ObjBool(C, "hpaScalingActive", "true when the ScalingActive condition is True (the metric is readable)",
            o => ConditionTrue(o, "ScalingActive"));
        r.ObjBool(C, "hpaScalingLimited", "true when the ScalingLimited condition is True (clamped by min/max)",
            o => ConditionTrue(o, "ScalingLimited"));
        r.ObjBool(C, "hpaScaling", "true when ScalingActive is True and current differs from desired replicas",
            o => ConditionTrue(o, "ScalingActive") && Long(o, "status", "currentReplicas") != Long(o, "status", "desiredReplicas"));
        r.ObjString(C, "hpaMetricTypes",
            "the metric source types, comma-separated (enrichment _currentMetrics, else status.currentMetrics)",
            o => Csv(Metrics(o).Select(m => Text(m, "type"))));
        r.ObjString(C, "hpaScaleTargetKind", "the kind of the scaled resource (enrichment _scaleTarget, else spec.scaleTargetRef)",
            o => Target(o, "kind"));
        r.ObjString(C, "hpaScaleTargetName", "the name of the scaled resource (enrichment _scaleTarget, else spec.scaleTargetRef)",
            o => Target(o, "name"));
    }

    private static long Min(FluidValue o) => Has(o, "spec", "minReplicas") ? Long(o, "spec", "minReplicas") : 1;

    private static IEnumerable<FluidValue> Metrics(FluidValue o) =>
        Has(o, "_currentMetrics") ? Items(o, "_currentMetrics") : Items(o, "status", "currentMetrics");

    private static string Target(FluidValue o, string field) =>
        Has(o, "_scaleTarget") ? Text(o, "_scaleTarget", field) : Text(o, "spec", "scaleTargetRef", field);
}
