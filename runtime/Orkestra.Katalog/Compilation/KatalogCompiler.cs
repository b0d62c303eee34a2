using Orkestra.Katalog.Composition;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Validation;
using Orkestra.Templating.Functions;
using Orkestra.Templating;

namespace Orkestra.Katalog.Compilation;

/// <summary>Compiled Katalogs (empty when any error was found) and every diagnostic, sorted by position.</summary>
public sealed record KatalogCompileResult(IReadOnlyList<CompiledKatalog> Katalogs, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}

/// <summary>
/// Loaded Katalogs → compiled model. Each Katalog's <c>notes.functions</c> are compiled first into a registry
/// layered over <see cref="FunctionRegistry.Standard"/>; then every template of that Katalog compiles exactly
/// once against it, conditions are bound, and child entries are type-checked against their kind's fields.
/// Never throws on bad input; all problems are reported together. Stateless; safe on any thread.
/// </summary>
public static class KatalogCompiler
{
    /// <summary>Load and compile Katalog files: the whole offline check behind <c>ork validate</c>.</summary>
    public static KatalogCompileResult CompileFiles(IEnumerable<string> paths) => Compile(KatalogLoader.LoadFiles(paths));

    /// <summary>Load (resolving Komposer imports through <paramref name="options"/>) and compile: what <c>ork run</c> and
    /// <c>ork validate</c> both do before anything else.</summary>
    public static KatalogCompileResult CompileFiles(IEnumerable<string> paths, KatalogLoadOptions options) =>
        Compile(KatalogLoader.LoadFiles(paths, options));

    /// <summary>Load and compile Katalog text (tests, tools).</summary>
    public static KatalogCompileResult CompileText(string text, string file, string? directory = null) =>
        Compile(KatalogLoader.LoadText(text, file, directory));

    /// <summary>Compiles loaded Katalogs; the load's diagnostics are carried over.</summary>
    public static KatalogCompileResult Compile(KatalogLoadResult loaded)
    {
        var diagnostics = new DiagnosticBag();
        diagnostics.AddRange(loaded.Diagnostics);
        foreach (var (file, origin) in loaded.Katalogs.SelectMany(k => k.Origins)) diagnostics.Attribute(file, origin);
        var compiled = loaded.Katalogs.Select(k => Compile(k, diagnostics)).ToArray();
        return new KatalogCompileResult(diagnostics.HasErrors ? [] : compiled, diagnostics.Sorted());
    }

    internal static CompiledKatalog Compile(KatalogDocument katalog, DiagnosticBag diagnostics)
    {
        var functions = CompileFunctions(katalog, diagnostics);
        var templates = new TemplateSet(new TemplateCompiler(functions), diagnostics);
        var operators = katalog.Crds.Select(crd => new OperatorCompiler(katalog, crd, templates).Compile()).ToArray();
        return new CompiledKatalog(katalog, functions, operators);
    }

    private static FunctionRegistry CompileFunctions(KatalogDocument katalog, DiagnosticBag diagnostics)
    {
        if (katalog.Functions.Count == 0) return FunctionRegistry.Standard;
        var sources = katalog.Functions.Select(f => new UserFunctionSource(f.Name, f.Description, f.Expression.Value, f.Shadow,
            f)).ToArray();
        var result = new TemplateCompiler(FunctionRegistry.Standard).CompileUserFunctions(sources);
        foreach (var (tag, d) in result.Diagnostics)
        {
            var function = (UserFunction)tag!;
            // Name-level problems (invalid, duplicate, shadowing, cycles) carry no position inside the expression.
            var at = d.Length == 0 && d.Offset == 0 ? function.Location : function.Expression.LocationOf(d.Offset);
            var quoted = d.Length == 0 && d.Offset == 0 ? "" : $" in template {TemplateText.Quote(function.Expression.Value)}";
            diagnostics.Error(at, $"notes.functions '{function.Name}': {d.Message}{quoted}");
        }
        return result.Registry;
    }
}
