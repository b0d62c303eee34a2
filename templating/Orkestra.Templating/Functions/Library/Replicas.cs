using Fluid.Values;
using static Orkestra.Templating.Functions.Library.ObjectAccess;

namespace Orkestra.Templating.Functions.Library;

/// <summary>Replica counts of Deployments, StatefulSets and ReplicaSets (spec.replicas and the status counters Kubernetes
/// maintains).</summary>
internal static class Replicas
{
    private const string C = "replicas";

    public static void Register(FunctionRegistry r)
    {
        r.ObjInt(C, "readyReplicas", "status.readyReplicas of OBJ; 0 when absent", o => Long(o, "status", "readyReplicas"));
        r.ObjInt(C, "availableReplicas", "status.availableReplicas of OBJ (ready for minReadySeconds); 0 when absent",
            o => Long(o, "status", "availableReplicas"));
        r.ObjInt(C, "updatedReplicas", "status.updatedReplicas of OBJ (pods on the current template); 0 when absent",
            o => Long(o, "status", "updatedReplicas"));
        r.ObjInt(C, "desiredReplicas", "spec.replicas of OBJ; 1 when absent (the Kubernetes default)", Desired);
        r.ObjBool(C, "allReplicasReady", "true when status.readyReplicas equals spec.replicas (true when scaled to 0)",
            o => Long(o, "status", "readyReplicas") == Desired(o));
        r.ObjBool(C, "replicasReady", "alias of allReplicasReady used in Orkestra's examples",
            o => Long(o, "status", "readyReplicas") == Desired(o));
        r.ObjBool(C, "rolloutComplete", "true when status.updatedReplicas equals spec.replicas (pods may not be ready yet)",
            o => Long(o, "status", "updatedReplicas") == Desired(o));
    }

    public static long Desired(FluidValue obj) => Has(obj, "spec", "replicas") ? Long(obj, "spec", "replicas") : 1;
}
