using Fluid.Values;
using Orkestra.Templating.Values;
using static Orkestra.Templating.Functions.Library.Args;

namespace Orkestra.Templating.Functions.Library;

/// <summary>Nil-safe access to Kubernetes objects (a CR, <c>.children.deployment</c>, <c>.cross.db</c>…).</summary>
internal static class KubeObjects
{
    private const string C = "kubernetes objects";
    private const int V = FunctionDescriptor.Variadic;

    public static void Register(FunctionRegistry r)
    {
        r.Add(C, "get", "get OBJ KEY...", "OBJ.KEY.KEY2… (nil when any step is missing)", 1, V, ValueShape.Any,
            (a, in _) => Path(a[0], a[1..].ToArray().Select(Str).ToArray()));
        Section(r, "meta", "metadata");
        Section(r, "spec", "spec");
        Section(r, "status", "status");
        r.Add(C, "labels", "labels OBJ", "metadata.labels (an empty map when absent)", 1, 1, ValueShape.Map, (a, in _) => MapOrEmpty(Path(a[0], "metadata", "labels")));
        r.Add(C, "annotations", "annotations OBJ", "metadata.annotations (an empty map when absent)", 1, 1, ValueShape.Map, (a, in _) => MapOrEmpty(Path(a[0], "metadata", "annotations")));
        r.Add(C, "getLabel", "getLabel OBJ KEY", "the label KEY, or \"\"", 2, 2, ValueShape.String, (a, in _) => Str(Str(Path(a[0], "metadata", "labels", Str(a[1])))));
        r.Add(C, "getLabelInt", "getLabelInt OBJ KEY", "the label KEY as an integer (0 when absent or not a number)", 2, 2, ValueShape.Number,
            (a, in _) => Num(TryNumber(Path(a[0], "metadata", "labels", Str(a[1])), out var n) ? decimal.Truncate(n) : 0));
        r.Add(C, "hasLabel", "hasLabel OBJ KEY", "true when OBJ has the label KEY", 2, 2, ValueShape.Bool, (a, in _) => Bool(GoValues.TryGetMember(Path(a[0], "metadata", "labels"), Str(a[1]), out var unused)));
        r.Add(C, "labelMatches", "labelMatches OBJ KEY VALUE...", "true when every KEY VALUE pair is a label of OBJ", 3, V, ValueShape.Bool, (a, in _) =>
        {
            var labels = Path(a[0], "metadata", "labels");
            for (var i = 1; i + 1 < a.Length; i += 2)
            {
                if (!GoValues.TryGetMember(labels, Str(a[i]), out var v) || Str(v) != Str(a[i + 1])) return BooleanValue.False;
            }
            return BooleanValue.True;
        });
        r.Add(C, "getAnnotation", "getAnnotation OBJ KEY", "the annotation KEY, or \"\"", 2, 2, ValueShape.String, (a, in _) => Str(Str(Path(a[0], "metadata", "annotations", Str(a[1])))));
        r.Add(C, "getAnnotationInt", "getAnnotationInt OBJ KEY", "the annotation KEY as an integer (0 when absent or not a number)", 2, 2, ValueShape.Number,
            (a, in _) => Num(TryNumber(Path(a[0], "metadata", "annotations", Str(a[1])), out var n) ? decimal.Truncate(n) : 0));
        r.Add(C, "hasAnnotation", "hasAnnotation OBJ KEY", "true when OBJ has the annotation KEY", 2, 2, ValueShape.Bool, (a, in _) => Bool(GoValues.TryGetMember(Path(a[0], "metadata", "annotations"), Str(a[1]), out var unused)));
        r.Add(C, "getStatus", "getStatus OBJ KEY", "status.KEY printed as a string (\"\" when absent)", 2, 2, ValueShape.String, (a, in _) => Str(Str(Path(a[0], "status", Str(a[1])))));
        r.Add(C, "hasStatus", "hasStatus OBJ KEY", "true when OBJ has status.KEY", 2, 2, ValueShape.Bool, (a, in _) => Bool(GoValues.TryGetMember(Path(a[0], "status"), Str(a[1]), out var unused)));
        r.Add(C, "phase", "phase OBJ", "status.phase, or \"\"", 1, 1, ValueShape.String, (a, in _) => Str(Str(Path(a[0], "status", "phase"))));
        r.Add(C, "hasCondition", "hasCondition OBJ TYPE", "true when condition TYPE has status \"True\"", 2, 2, ValueShape.Bool,
            (a, in _) => Bool(Str(Path(Condition(a[0], Str(a[1])), "status")) == "True"));
        r.Add(C, "conditionReason", "conditionReason OBJ TYPE", "the reason of condition TYPE, or \"\"", 2, 2, ValueShape.String, (a, in _) => Str(Str(Path(Condition(a[0], Str(a[1])), "reason"))));
        r.Add(C, "conditionMessage", "conditionMessage OBJ TYPE", "the message of condition TYPE, or \"\"", 2, 2, ValueShape.String, (a, in _) => Str(Str(Path(Condition(a[0], Str(a[1])), "message"))));
        r.Add(C, "generation", "generation OBJ", "metadata.generation (0 when absent)", 1, 1, ValueShape.Number, (a, in _) => Num(PathInt(a[0], "metadata", "generation")));
        r.Add(C, "observedGeneration", "observedGeneration OBJ", "status.observedGeneration (0 when absent)", 1, 1, ValueShape.Number, (a, in _) => Num(PathInt(a[0], "status", "observedGeneration")));
        r.Add(C, "isSynced", "isSynced OBJ", "true when status.observedGeneration equals metadata.generation", 1, 1, ValueShape.Bool,
            (a, in _) => Bool(!GoValues.IsNil(a[0]) && PathInt(a[0], "metadata", "generation") == PathInt(a[0], "status", "observedGeneration")));
        r.Add(C, "isTerminating", "isTerminating OBJ", "true when metadata.deletionTimestamp is set", 1, 1, ValueShape.Bool, (a, in _) => Bool(!GoValues.IsEmpty(Path(a[0], "metadata", "deletionTimestamp"))));
        r.Add(C, "resourceExists", "resourceExists OBJ", "true when OBJ is an object (e.g. the child exists)", 1, 1, ValueShape.Bool, (a, in _) => Bool(GoValues.Kind(a[0]) == GoKind.Map && GoValues.Count(a[0]) > 0));
        r.Add(C, "ownerKind", "ownerKind OBJ", "the kind of the first owner reference, or \"\"", 1, 1, ValueShape.String, (a, in _) => Str(Str(Path(FirstOwner(a[0]), "kind"))));
        r.Add(C, "ownerName", "ownerName OBJ", "the name of the first owner reference, or \"\"", 1, 1, ValueShape.String, (a, in _) => Str(Str(Path(FirstOwner(a[0]), "name"))));
        Field(r, "name", "metadata.name, or \"\"", "metadata", "name");
        Field(r, "namespace", "metadata.namespace, or \"\"", "metadata", "namespace");
        Field(r, "resourceName", "metadata.name, or \"\"", "metadata", "name");
        Field(r, "resourceNamespace", "metadata.namespace, or \"\"", "metadata", "namespace");
        Field(r, "resourceUID", "metadata.uid, or \"\"", "metadata", "uid");
        Field(r, "resourceVersion", "metadata.resourceVersion, or \"\"", "metadata", "resourceVersion");
        Field(r, "creationTimestamp", "metadata.creationTimestamp, or \"\"", "metadata", "creationTimestamp");
        r.Add(C, "resourceCPU", "resourceCPU OBJ", "the CPU request of the first container (spec or pod template), or \"\"", 1, 1, ValueShape.String, (a, in _) => Str(Str(Path(FirstContainer(a[0]), "resources", "requests", "cpu"))));
        r.Add(C, "resourceMemory", "resourceMemory OBJ", "the memory request of the first container (spec or pod template), or \"\"", 1, 1, ValueShape.String, (a, in _) => Str(Str(Path(FirstContainer(a[0]), "resources", "requests", "memory"))));
    }

    private static void Section(FunctionRegistry r, string name, string key) =>
        r.Add(C, name, $"{name} OBJ", $"OBJ.{key} (an empty map when absent)", 1, 1, ValueShape.Map, (a, in _) => MapOrEmpty(Path(a[0], key)));

    private static void Field(FunctionRegistry r, string name, string description, params string[] path) =>
        r.Add(C, name, $"{name} OBJ", description, 1, 1, ValueShape.String, (a, in _) => Str(Str(Path(a[0], path))));

    private static FluidValue MapOrEmpty(FluidValue v) => GoValues.Kind(v) == GoKind.Map ? v : MapValue.Empty;

    internal static FluidValue Condition(FluidValue obj, string type) =>
        GoValues.EnumerateList(Path(obj, "status", "conditions")).FirstOrDefault(c => Str(Path(c, "type")) == type) ?? NilValue.Instance;

    private static FluidValue FirstOwner(FluidValue obj) => GoValues.ListItem(Path(obj, "metadata", "ownerReferences"), 0);

    internal static FluidValue FirstContainer(FluidValue obj)
    {
        var containers = Path(obj, "spec", "template", "spec", "containers");
        if (GoValues.IsNil(containers)) containers = Path(obj, "spec", "containers");
        if (GoValues.IsNil(containers)) containers = Path(obj, "spec", "jobTemplate", "spec", "template", "spec", "containers");
        return GoValues.ListItem(containers, 0);
    }
}
