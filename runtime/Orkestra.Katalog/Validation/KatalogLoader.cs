using Orkestra.Katalog.Binding;
using Orkestra.Katalog.Composition;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Validation;

/// <summary>Loaded Katalogs (those whose YAML could be bound, possibly with errors) and every diagnostic.</summary>
public sealed record KatalogLoadResult(IReadOnlyList<KatalogDocument> Katalogs, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}

/// <summary>
/// Katalog file → located tree → model. Never throws on bad input: every problem becomes a located diagnostic,
/// all of them are reported, and a document is returned whenever its YAML could be read (so the compiler can
/// report template errors in the same run). Stateless; safe on any thread.
/// </summary>
public static class KatalogLoader
{
    /// <summary>Loads files and runs the cross-document validators (CRD names, dependsOn, cross targets).</summary>
    public static KatalogLoadResult LoadFiles(IEnumerable<string> paths) => LoadFiles(paths, KatalogLoadOptions.Default);

    /// <summary>Loads files (Katalogs or Komposers, whose imports are resolved here, once, through
    /// <paramref name="options"/>' registry) and runs the cross-document validators.</summary>
    public static KatalogLoadResult LoadFiles(IEnumerable<string> paths, KatalogLoadOptions options)
    {
        var diagnostics = new DiagnosticBag();
        var katalogs = new List<KatalogDocument>();
        foreach (var path in paths)
        {
            if (LoadFile(path, diagnostics, options) is { } katalog) katalogs.Add(katalog);
        }
        KatalogValidators.Run(katalogs, diagnostics);
        return new KatalogLoadResult(katalogs, diagnostics.Sorted());
    }

    /// <summary>Loads Katalog text (tests, stdin); relative paths resolve against <paramref name="directory"/>.</summary>
    public static KatalogLoadResult LoadText(string text, string file, string? directory = null, KatalogLoadOptions? options = null)
    {
        var diagnostics = new DiagnosticBag();
        var katalog = LoadText(text, file, directory ?? Directory.GetCurrentDirectory(), diagnostics,
            options ?? KatalogLoadOptions.Default);
        IReadOnlyList<KatalogDocument> katalogs = katalog is null ? [] : [katalog];
        KatalogValidators.Run(katalogs, diagnostics);
        return new KatalogLoadResult(katalogs, diagnostics.Sorted());
    }

    internal static KatalogDocument? LoadFile(string path, DiagnosticBag diagnostics, KatalogLoadOptions options)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            diagnostics.Error(SourceLocation.None(path), e is FileNotFoundException or DirectoryNotFoundException
                ? "Katalog file not found" : $"cannot read the Katalog file: {e.Message}");
            return null;
        }
        return LoadText(text, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? Directory.GetCurrentDirectory(), diagnostics,
            options);
    }

    internal static KatalogDocument? LoadText(string text, string file, string directory, DiagnosticBag diagnostics,
        KatalogLoadOptions options)
    {
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        var source = new SourceText(file, text.Replace("\r\n", "\n", StringComparison.Ordinal));
        var root = YamlTreeReader.Read(source, diagnostics);
        if (root is null) return null;
        var ctx = new LoadContext(diagnostics, Path.GetFullPath(directory));
        IReadOnlyList<KatalogSource> sources = [];
        if (KomposerMerger.IsKomposer(root))
        {
            if (new KomposerMerger(ctx, options).Merge((YamlMap)root, Path.GetFullPath(Path.Combine(directory, Path.GetFileName(file))))
                is not { } merged) return null;
            (root, sources) = merged;
        }
        root = new MotifImports(ctx, options).Expand(root);
        var katalog = new KatalogBinder(ctx, source).BindDocument(root);
        return katalog is null ? null : katalog with { Sources = sources, Origins = diagnostics.Origins.ToDictionary() };
    }
}
