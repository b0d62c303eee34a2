namespace Orkestra.Templating.Functions;

/// <summary>Registers every Orkestra note (the template functions beyond Go's builtins), one category file each under
/// Functions/Library/.</summary>
internal static partial class StandardLibrary
{
    static partial void RegisterOrkestraLibrary(FunctionRegistry registry)
    {
        Library.Conditional.Register(registry);
        Library.Types.Register(registry);
        Library.Collections.Register(registry);
        Library.Strings.Register(registry);
        Library.Data.Register(registry);
        Library.Domain.Register(registry);
        Library.MathFunctions.Register(registry);
        Library.Quantity.Register(registry);
        Library.RandomFunctions.Register(registry);
        Library.Time.Register(registry);
        Library.Cron.Register(registry);
        Library.Semver.Register(registry);
        Library.Network.Register(registry);
        Library.Validation.Register(registry);
        Library.KubeObjects.Register(registry);
        Library.Replicas.Register(registry);
        Library.Containers.Register(registry);
        Library.Services.Register(registry);
        Library.Jobs.Register(registry);
        Library.Pods.Register(registry);
        Library.Warnings.Register(registry);
        Library.Hpa.Register(registry);
        Library.Ingress.Register(registry);
        Library.Pvc.Register(registry);
        Library.Nodes.Register(registry);
        Library.ReplicaSets.Register(registry);
        Library.Prometheus.Register(registry);
        Library.Serve.Register(registry);
    }
}
