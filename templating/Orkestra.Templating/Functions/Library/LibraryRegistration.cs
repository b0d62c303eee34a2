namespace Orkestra.Templating.Functions;

/// <summary>Registers every Orkestra note (orkestra-schema.md §8.2), one category file each.</summary>
internal static partial class StandardLibrary
{
    static partial void RegisterOrkestraLibrary(FunctionRegistry registry)
    {
        Library.Conditional.Register(registry);
        Library.Types.Register(registry);
        Library.Collections.Register(registry);
        Library.Strings.Register(registry);
        Library.Data.Register(registry);
        Library.MathFunctions.Register(registry);
        Library.RandomFunctions.Register(registry);
        Library.KubeObjects.Register(registry);
        Library.Workloads.Register(registry);
    }
}

