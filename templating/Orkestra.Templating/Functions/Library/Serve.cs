using Fluid.Values;
using static Orkestra.Templating.Functions.Library.ObjectAccess;

namespace Orkestra.Templating.Functions.Library;

/// <summary>Gateway ("serve") provenance: the orkestra.orkspace.io/serve-target, serve-alias and serve-source annotations of a
/// CR.</summary>
internal static class Serve
{
    private const string C = "serve";
    private const string Prefix = "orkestra.orkspace.io/serve-";

    public static void Register(FunctionRegistry r)
    {
        foreach (var (what, name) in new[] { ("target", "Target"), ("alias", "Alias"), ("source", "Source") })
        {
            r.ObjString(C, $"getServe{name}", $"the {Prefix}{what} annotation of OBJ, or \"\"", o => Annotation(o, what));
            r.ObjBool(C, $"hasServe{name}", $"true when OBJ has a non-empty {Prefix}{what} annotation",
                o => Annotation(o, what).Length > 0);
        }
        r.ObjBool(C, "isDirectApply",
            "true when OBJ has none of the serve-target, serve-alias and serve-source annotations (not submitted via the gateway)",
            o => Annotation(o, "target").Length == 0 && Annotation(o, "alias").Length == 0 && Annotation(o, "source").Length == 0);
    }

    private static string Annotation(FluidValue obj, string what) => Text(obj, "metadata", "annotations", Prefix + what);
}
