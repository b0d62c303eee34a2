namespace Orkestra.Templating.Functions;

/// <summary>
/// Assembles the standard registry: Go text/template's built-ins (Builtins/) and Orkestra's note library
/// (Library/). Each part registers itself explicitly — no reflection, so the trimmer keeps exactly these.
/// </summary>
internal static partial class StandardLibrary
{
    public static void RegisterAll(FunctionRegistry registry)
    {
        RegisterGoBuiltins(registry);
        RegisterOrkestraLibrary(registry);
    }

    /// <summary>and or not eq ne lt le gt ge len index print printf println (Functions/Builtins/).</summary>
    static partial void RegisterGoBuiltins(FunctionRegistry registry);

    /// <summary>Orkestra's notes: the functions it adds (Functions/Library/).</summary>
    static partial void RegisterOrkestraLibrary(FunctionRegistry registry);
}
