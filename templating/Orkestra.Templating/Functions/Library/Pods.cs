using Fluid.Values;
using Orkestra.Templating.Values;
using static Orkestra.Templating.Functions.Library.Args;
using static Orkestra.Templating.Functions.Library.ObjectAccess;

namespace Orkestra.Templating.Functions.Library;

/// <summary>
/// Pod helpers over enrichment <c>_pods</c> (enrich: pods): a list of pod summaries
/// <c>{name, ip, phase, ready, node, restartCount, ordinal, exitCode, containers: [{name, image, state, reason, ready, restartCount}]}</c>.
/// Without enrichment every helper reports no pods ("", 0, false, nil).
/// </summary>
internal static class Pods
{
    private const string C = "pods";

    public static IEnumerable<FluidValue> Summaries(FluidValue obj) => Items(obj, "_pods");

    private static IEnumerable<FluidValue> AllContainers(FluidValue obj) => Summaries(obj).SelectMany(p => Items(p, "containers"));

    public static void Register(FunctionRegistry r)
    {
        r.ObjInt(C, "podCount", "the number of pods (enrichment _pods)", o => Summaries(o).Count());
        r.ObjInt(C, "readyPodCount", "the number of ready pods (enrichment _pods)",
            o => Summaries(o).Count(p => IsTrueBool(Path(p, "ready"))));
        Csv(r, "podNames", "pod names", "name");
        Csv(r, "podIPs", "pod IPs (\"\" while unassigned)", "ip");
        Csv(r, "podNodes", "node names the pods run on (\"\" while pending)", "node");
        Csv(r, "podPhases", "pod phases in order", "phase");
        r.ObjInt(C, "podMaxRestarts", "the highest restart count across pods; 0 without pods (enrichment _pods)",
            o => Summaries(o).Select(p => Long(p, "restartCount")).DefaultIfEmpty(0).Max());
        r.ObjBool(C, "hasCrashingPod", "true when a pod restarted more than twice (enrichment _pods)",
            o => Summaries(o).Any(p => Long(p, "restartCount") > 2));
        Reason(r, "podCrashLoopDetected", "CrashLoopBackOff");
        Reason(r, "podImagePullBackOffDetected", "ImagePullBackOff");
        Reason(r, "podErrImagePullDetected", "ErrImagePull");
        Reason(r, "podInvalidImageNameDetected", "InvalidImageName");
        Reason(r, "podCreateContainerErrorDetected", "CreateContainerError");
        Reason(r, "podRunContainerErrorDetected", "RunContainerError");
        Reason(r, "podOOMKilledDetected", "OOMKilled");
        Reason(r, "podErrorDetected", "Error");
        Reason(r, "podPreStartHookErrorDetected", "PreStartHookError");
        Reason(r, "podPostStartHookErrorDetected", "PostStartHookError");
        r.ObjString(C, "podContainerReasons",
            "the distinct waiting/terminated reasons of all containers, comma-separated (enrichment _pods)",
            o => ObjectAccess.Csv(AllContainers(o).Select(c => Text(c, "reason")).Where(x => x.Length > 0)
                .Distinct(StringComparer.Ordinal)));
        r.Add(C, "podByOrdinal", "podByOrdinal OBJ N",
            "the summary map (name, ip, phase, ready, node, restartCount, ordinal) of the pod with ordinal N, or nil (enrichment _pods)",
            2, 2, ValueShape.Any, (a, in _) => ByOrdinal(a[0], Int("podByOrdinal", a[1])));
        r.Add(C, "podContainerState", "podContainerState OBJ N CONTAINER",
            "the state (Running, Waiting, Terminated) of CONTAINER in the pod with ordinal N, or \"\" (enrichment _pods)",
            3, 3, ValueShape.String, (a, in _) =>
            {
                var name = Str(a[2]);
                var container = Items(ByOrdinal(a[0], Int("podContainerState", a[1])), "containers")
                    .FirstOrDefault(c => Text(c, "name") == name);
                return Str(container is null ? "" : Text(container, "state"));
            });
    }

    private static FluidValue ByOrdinal(FluidValue obj, long ordinal)
    {
        var suffix = "-" + Invariant(ordinal);
        foreach (var p in Summaries(obj))
        {
            if (Has(p, "ordinal") ? Long(p, "ordinal") == ordinal : Text(p, "name").EndsWith(suffix, StringComparison.Ordinal)) return p;
        }
        return NilValue.Instance;
    }

    private static bool IsTrueBool(FluidValue v) => GoValues.Kind(v) == GoKind.Bool ? v.ToBooleanValue() : GoValues.Format(v) == "true";

    private static void Csv(FunctionRegistry r, string name, string what, string field) =>
        r.ObjString(C, name, $"{what}, comma-separated (enrichment _pods)",
            o => ObjectAccess.Csv(Summaries(o).Select(p => Text(p, field))));

    private static void Reason(FunctionRegistry r, string name, string reason) =>
        r.ObjBool(C, name, $"true when any container of any pod has reason {reason} (enrichment _pods)",
            o => AllContainers(o).Any(c => Text(c, "reason") == reason));
}
