using Fluid.Values;
using Orkestra.Templating.Values;
using static Orkestra.Templating.Functions.Library.Args;
using static Orkestra.Templating.Functions.Library.ObjectAccess;

namespace Orkestra.Templating.Functions.Library;

/// <summary>Containers of a workload: the pod template of a Deployment/StatefulSet/DaemonSet/Job, a CronJob's job template, or a Pod's own
/// spec.</summary>
internal static class Containers
{
    private const string C = "containers";

    public static void Register(FunctionRegistry r)
    {
        r.Add(C, "containerImage", "containerImage OBJ I", "the image of container I of OBJ, or \"\"", 2, 2, ValueShape.String,
            (a, in _) => Str(Text(At(a[0], a[1], "containerImage"), "image")));
        r.Add(C, "containerEnv", "containerEnv OBJ I NAME", "the value of env variable NAME of container I, or \"\"", 3, 3,
            ValueShape.String, (a, in _) =>
        {
            var name = Str(a[2]);
            var env = Items(At(a[0], a[1], "containerEnv"), "env").FirstOrDefault(e => Text(e, "name") == name);
            return Str(env is null ? "" : Text(env, "value"));
        });
        r.Add(C, "containerPort", "containerPort OBJ I PORT", "true when container I exposes containerPort PORT", 3, 3, ValueShape.Bool,
            (a, in _) =>
        {
            var port = Int("containerPort", a[2]);
            return Bool(Items(At(a[0], a[1], "containerPort"), "ports").Any(p => Long(p, "containerPort") == port));
        });
        r.Add(C, "containerPortByName", "containerPortByName OBJ I NAME",
            "the containerPort named NAME of container I, or 0", 3, 3, ValueShape.Number, (a, in _) =>
        {
            var name = Str(a[2]);
            var port = Items(At(a[0], a[1], "containerPortByName"), "ports").FirstOrDefault(p => Text(p, "name") == name);
            return GoValues.Number(port is null ? 0 : Long(port, "containerPort"));
        });
        r.Add(C, "containerPorts", "containerPorts OBJ I", "the containerPorts of container I as a list of numbers", 2, 2, ValueShape.List,
            (a, in _) => List(Items(At(a[0], a[1], "containerPorts"), "ports").Select(p => GoValues.Number(Long(p, "containerPort")))));
        r.ObjInt(C, "containerCount", "the number of containers of OBJ", o => GoValues.Count(All(o)));
    }

    /// <summary>The containers list of a pod-bearing object, or nil.</summary>
    public static FluidValue All(FluidValue obj)
    {
        foreach (var path in s_paths)
        {
            var v = Path(obj, path);
            if (GoValues.Kind(v) == GoKind.List) return v;
        }
        return NilValue.Instance;
    }

    private static readonly string[][] s_paths =
    [
        ["spec", "template", "spec", "containers"],
        ["spec", "jobTemplate", "spec", "template", "spec", "containers"],
        ["spec", "containers"],
    ];

    private static FluidValue At(FluidValue obj, FluidValue index, string fn) =>
        GoValues.ListItem(All(obj), (int)Math.Clamp(Int(fn, index), -1, int.MaxValue));
}
