using Fluid.Values;
using static Orkestra.Templating.Functions.Library.ObjectAccess;

namespace Orkestra.Templating.Functions.Library;

/// <summary>ReplicaSet and StatefulSet revision helpers. Reads enrichment <c>_replicaSets</c> (enrich: replicasets),
/// <c>_owner</c> (enrich: owner) and <c>_pvcs</c> (enrich: pvcs).</summary>
internal static class ReplicaSets
{
    private const string C = "replicasets";
    private const string S = "statefulsets";
    private const string Revision = "deployment.kubernetes.io/revision";

    public static void Register(FunctionRegistry r)
    {
        r.ObjInt(C, "deploymentReplicaSetCount",
            "the number of ReplicaSets of a Deployment, including scaled-to-zero ones (enrichment _replicaSets)",
            o => Items(o, "_replicaSets").Count());
        r.Add(C, "deploymentReplicaSets", "deploymentReplicaSets OBJ",
            "the names of every ReplicaSet of a Deployment (enrichment _replicaSets)", 1, 1, ValueShape.List,
            (a, in _) => Args.StrList(Items(a[0], "_replicaSets").Select(rs => Text(rs, "metadata", "name"))));
        r.Add(C, "oldDeploymentReplicaSets", "oldDeploymentReplicaSets OBJ",
            "the names of ReplicaSets whose revision differs from the Deployment's current revision (enrichment _replicaSets)", 1, 1,
                ValueShape.List,
            (a, in _) => Args.StrList(Old(a[0])));
        r.ObjString(C, "replicaSetOwnerKind", "the kind of the controlling owner (enrichment _owner), or \"\"",
            o => Text(o, "_owner", "kind"));
        r.ObjString(C, "replicaSetOwnerName", "the name of the controlling owner (enrichment _owner), or \"\"",
            o => Text(o, "_owner", "name"));

        r.ObjString(S, "statefulSetCurrentRevision", "status.currentRevision of a StatefulSet, or \"\" before the first rollout",
            o => Text(o, "status", "currentRevision"));
        r.ObjString(S, "statefulSetUpdateRevision",
            "status.updateRevision of a StatefulSet (equals the current one when rolled out), or \"\"", o =>
            Text(o, "status", "updateRevision"));
        r.ObjInt(S, "statefulSetPVCCount", "the number of PVCs of a StatefulSet (enrichment _pvcs)", o => Items(o, "_pvcs").Count());
    }

    private static IEnumerable<string> Old(FluidValue deployment)
    {
        var sets = Items(deployment, "_replicaSets").ToList();
        var current = Text(deployment, "metadata", "annotations", Revision);
        if (current.Length == 0)
        {
            // Without the Deployment's revision annotation the newest ReplicaSet (highest revision) is the current one.
            current = sets.Select(rs => Text(rs, "metadata", "annotations", Revision)).MaxBy(x => long.TryParse(x, out var n) ? n : -1)
                ?? "";
        }
        return sets.Where(rs => Text(rs, "metadata", "annotations", Revision) != current).Select(rs => Text(rs, "metadata", "name"));
    }
}
