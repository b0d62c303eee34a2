using static Orkestra.Templating.Functions.Library.ObjectAccess;

namespace Orkestra.Templating.Functions.Library;

/// <summary>Node helpers: on a Node object, and on a pod-bearing object through enrichment <c>_node</c>
/// (<c>{name, zone, region, instanceType}</c>, enrich: node).</summary>
internal static class Nodes
{
    private const string C = "nodes";

    public static void Register(FunctionRegistry r)
    {
        r.ObjBool(C, "nodeReady", "true when the Node's Ready condition is True", o => ConditionTrue(o, "Ready"));
        r.Add(C, "nodeCondition", "nodeCondition OBJ TYPE", "the status (True/False/Unknown) of node condition TYPE, or \"\"", 2, 2,
            ValueShape.String,
            (a, in _) => Args.Str(Text(Condition(a[0], Args.Str(a[1])), "status")));
        r.ObjString(C, "nodeAllocatableCPU", "status.allocatable.cpu of a Node, or \"\"", o => Text(o, "status", "allocatable", "cpu"));
        r.ObjString(C, "nodeAllocatableMemory", "status.allocatable.memory of a Node, or \"\"",
            o => Text(o, "status", "allocatable", "memory"));
        r.ObjString(C, "nodeTaints", "the taint keys of a Node, comma-separated, or \"\"",
            o => Csv(Items(o, "spec", "taints").Select(t => Text(t, "key"))));
        r.ObjString(C, "podNodeName", "the node the pod runs on (enrichment _node), or \"\"", o => Text(o, "_node", "name"));
        r.ObjString(C, "podNodeZone", "the topology.kubernetes.io/zone of the pod's node (enrichment _node), or \"\"",
            o => Text(o, "_node", "zone"));
        r.ObjString(C, "podNodeRegion", "the topology.kubernetes.io/region of the pod's node (enrichment _node), or \"\"",
            o => Text(o, "_node", "region"));
        r.ObjString(C, "podNodeInstanceType", "the node.kubernetes.io/instance-type of the pod's node (enrichment _node), or \"\"",
            o => Text(o, "_node", "instanceType"));
    }
}
