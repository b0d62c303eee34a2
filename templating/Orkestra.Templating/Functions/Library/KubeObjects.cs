using Fluid.Values;
using Orkestra.Templating.Values;
using static Orkestra.Templating.Functions.Library.Args;
using static Orkestra.Templating.Functions.Library.ObjectAccess;

namespace Orkestra.Templating.Functions.Library;

/// <summary>Reads of any Kubernetes object map (a child such as <c>.children.deployment</c> or the CR <c>.</c>). All nil-safe.</summary>
internal static class KubeObjects
{
    private const string C = "kubernetes";
    private const string F = "fields";
    private const int V = FunctionDescriptor.Variadic;

    public static void Register(FunctionRegistry r)
    {
        r.Add(C, "get", "get OBJ SEGMENT...", "the value at the nested path OBJ.SEGMENT…, or nil when any step is missing", 1, V,
            ValueShape.Any, (a, in _) =>
        {
            var v = a[0];
            foreach (var seg in a[1..])
            {
                v = GoValues.Kind(v) == GoKind.List && TryNumber(seg, out var i)
                    ? GoValues.ListItem(v, (int)Math.Clamp(i, -1, int.MaxValue))
                    : GoValues.TryGetMember(v, Str(seg), out var next) ? next : NilValue.Instance;
                if (GoValues.IsNil(v)) break;
            }
            return v;
        });
        MapPart(r, "meta", "metadata");
        MapPart(r, "spec", "spec");
        MapPart(r, "status", "status");
        r.Add(C, "labels", "labels OBJ", "metadata.labels of OBJ; an empty map when absent", 1, 1, ValueShape.Map,
            (a, in _) => MapOrEmpty(a[0], "metadata", "labels"));
        r.Add(C, "annotations", "annotations OBJ", "metadata.annotations of OBJ; an empty map when absent", 1, 1, ValueShape.Map,
            (a, in _) => MapOrEmpty(a[0], "metadata", "annotations"));
        MetaKey(r, "Label", "labels");
        MetaKey(r, "Annotation", "annotations");
        r.Add(C, "labelMatches", "labelMatches OBJ KEY VALUE...",
            "true when OBJ's labels hold every KEY=VALUE pair given (extra labels are ignored)", 3, V, ValueShape.Bool, (a, in _) =>
        {
            for (var i = 1; i + 1 < a.Length; i += 2)
            {
                if (!GoValues.TryGetMember(Path(a[0], "metadata", "labels"), Str(a[i]), out var v) || Str(v) != Str(a[i + 1]))
                    return BooleanValue.False;
            }
            return BooleanValue.True;
        });
        r.Add(C, "getStatus", "getStatus OBJ KEY", "status.KEY of OBJ printed as a string; \"\" when absent or a map/list", 2, 2,
            ValueShape.String, (a, in _) => Str(Text(a[0], "status", Str(a[1]))));
        r.Add(C, "hasStatus", "hasStatus OBJ KEY", "true when status.KEY of OBJ exists and is not empty", 2, 2, ValueShape.Bool,
            (a, in _) => Bool(!GoValues.IsEmpty(Path(a[0], "status", Str(a[1])))));
        r.ObjString(C, "phase", "status.phase of OBJ, or \"\"", o => Text(o, "status", "phase"));
        r.Add(C, "hasCondition", "hasCondition OBJ TYPE", "true when OBJ's status.conditions has TYPE with status \"True\"", 2, 2,
            ValueShape.Bool, (a, in _) => Bool(ConditionTrue(a[0], Str(a[1]))));
        r.Add(C, "conditionReason", "conditionReason OBJ TYPE",
            "the reason of condition TYPE in OBJ's status.conditions, or \"\"", 2, 2, ValueShape.String, (a, in _) =>
            Str(Text(Condition(a[0], Str(a[1])), "reason")));
        r.Add(C, "conditionMessage", "conditionMessage OBJ TYPE",
            "the message of condition TYPE in OBJ's status.conditions, or \"\"", 2, 2, ValueShape.String, (a, in _) =>
            Str(Text(Condition(a[0], Str(a[1])), "message")));
        r.ObjInt(C, "generation", "metadata.generation of OBJ, or 0", o => Long(o, "metadata", "generation"));
        r.ObjInt(C, "observedGeneration", "status.observedGeneration of OBJ, or 0", o => Long(o, "status", "observedGeneration"));
        r.ObjBool(C, "isSynced",
            "true when metadata.generation equals status.observedGeneration (also when both are absent); false when OBJ does not exist",
            o => GoValues.Kind(o) == GoKind.Map && Long(o, "metadata", "generation") == Long(o, "status", "observedGeneration"));
        r.ObjBool(C, "isTerminating", "true when metadata.deletionTimestamp is set",
            o => Text(o, "metadata", "deletionTimestamp").Length > 0);
        r.ObjBool(C, "resourceExists", "true when OBJ is a map (the child has been observed)", o => GoValues.Kind(o) == GoKind.Map);
        r.ObjString(C, "ownerKind", "the kind of OBJ's first ownerReference, or \"\"",
            o => Text(GoValues.ListItem(Path(o, "metadata", "ownerReferences"), 0), "kind"));
        r.ObjString(C, "ownerName", "the name of OBJ's first ownerReference, or \"\"",
            o => Text(GoValues.ListItem(Path(o, "metadata", "ownerReferences"), 0), "name"));
        r.ObjString(C, "resourceCPU", "spec.resources.requests.cpu of OBJ, or \"\"", o => Text(o, "spec", "resources", "requests", "cpu"));
        r.ObjString(C, "resourceMemory", "spec.resources.requests.memory of OBJ, or \"\"",
            o => Text(o, "spec", "resources", "requests", "memory"));
        r.ObjString(C, "name", "metadata.name of OBJ, or \"\"", o => Text(o, "metadata", "name"));
        r.ObjString(C, "namespace", "metadata.namespace of OBJ, or \"\"", o => Text(o, "metadata", "namespace"));

        r.ObjString(F, "resourceName", "metadata.name of OBJ, or \"\"", o => Text(o, "metadata", "name"));
        r.ObjString(F, "resourceNamespace", "metadata.namespace of OBJ (\"\" for cluster-scoped objects)",
            o => Text(o, "metadata", "namespace"));
        r.ObjString(F, "resourceUID", "metadata.uid of OBJ, or \"\"", o => Text(o, "metadata", "uid"));
        r.ObjString(F, "resourceVersion", "metadata.resourceVersion of OBJ, or \"\"", o => Text(o, "metadata", "resourceVersion"));
        r.ObjString(F, "creationTimestamp", "metadata.creationTimestamp of OBJ (RFC 3339), or \"\"",
            o => Text(o, "metadata", "creationTimestamp"));
    }

    private static void MapPart(FunctionRegistry r, string name, string key) =>
        r.Add(C, name, $"{name} OBJ", $"the {key} map of OBJ; an empty map when absent (never nil)", 1, 1, ValueShape.Map,
            (a, in _) => MapOrEmpty(a[0], key));

    private static void MetaKey(FunctionRegistry r, string what, string key)
    {
        var lower = what.ToLowerInvariant();
        r.Add(C, $"get{what}", $"get{what} OBJ KEY", $"the {lower} KEY of OBJ, or \"\"", 2, 2, ValueShape.String,
            (a, in _) => Str(Text(a[0], "metadata", key, Str(a[1]))));
        r.Add(C, $"get{what}Int", $"get{what}Int OBJ KEY", $"the {lower} KEY of OBJ as an integer; 0 when absent or not numeric", 2, 2,
            ValueShape.Number,
            (a, in _) => GoValues.Number(long.TryParse(Text(a[0], "metadata", key, Str(a[1])).Trim(), out var n) ? n : 0));
        r.Add(C, $"has{what}", $"has{what} OBJ KEY", $"true when OBJ has the {lower} KEY with a non-empty value", 2, 2, ValueShape.Bool,
            (a, in _) => Bool(Text(a[0], "metadata", key, Str(a[1])).Length > 0));
    }
}
