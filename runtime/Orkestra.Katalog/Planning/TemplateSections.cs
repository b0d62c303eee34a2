using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Planning;

/// <summary>
/// The parts of a Katalog that are templates and rules rather than settings, each as the canonical YAML lines of its
/// subtree (<see cref="CanonicalYaml"/>), named by its path: per CRD <c>labels</c>, <c>operatorBox.onCreate</c>,
/// <c>operatorBox.onReconcile</c>, <c>operatorBox.onDelete</c>, <c>operatorBox.status</c>, <c>operatorBox.cross</c>, the
/// box gate (<c>operatorBox.when</c>/<c>or</c>), <c>operatorBox.reconciler.requeue</c>, <c>validation</c>,
/// <c>mutation</c>, <c>normalize</c>, <c>conversion</c> (an <c>include</c> file's content is appended to its section);
/// per Katalog <c>notes</c>. Everything else of a CRD entry is a setting (<see cref="PlanSettings"/>). The Katalog's
/// text was checked when it compiled; it is read again here for its tree.
/// </summary>
public static class TemplateSections
{
    private static readonly string[] CrdSections = ["labels", "validation", "mutation", "normalize", "conversion"];

    /// <summary>operatorBox keys that are settings (compared as <see cref="PlanSettings"/>) or not executed.</summary>
    private static readonly HashSet<string> BoxSettings =
        new(["reconciler", "reconcile", "default", "finalizers", "autoscale", "workers", "resync", "queue"], StringComparer.Ordinal);

    public static IReadOnlyList<(string Section, IReadOnlyList<string> Lines)> Of(CompiledKatalog katalog, string crd)
    {
        var sections = new List<(string, IReadOnlyList<string>)>();
        if (Root(katalog)?.Find("spec")?.Value is not YamlMap spec || spec.Find("crds")?.Value is not YamlMap crds
            || crds.Find(crd)?.Value is not YamlMap entry)
            return sections;
        foreach (var key in CrdSections)
        {
            if (entry.Find(key) is { } found) sections.Add((key, WithIncludes(katalog, found.Value)));
        }
        if (entry.Find("operatorBox")?.Value is YamlMap box)
        {
            foreach (var item in box.Entries)
            {
                if (!BoxSettings.Contains(item.Key.Value))
                    sections.Add(($"operatorBox.{item.Key.Value}", CanonicalYaml.Lines(item.Value)));
            }
            foreach (var alias in new[] { "reconciler", "reconcile" })
            {
                if (box.Find(alias)?.Value is YamlMap reconciler && reconciler.Find("requeue") is { } requeue)
                    sections.Add(("operatorBox.reconciler.requeue", CanonicalYaml.Lines(requeue.Value)));
            }
        }
        return sections;
    }

    /// <summary>The Katalog's own sections: <c>notes</c> (user functions and their includes).</summary>
    public static IReadOnlyList<(string Section, IReadOnlyList<string> Lines)> Of(CompiledKatalog katalog) =>
        Root(katalog)?.Find("notes") is { } notes ? [("notes", CanonicalYaml.Lines(notes.Value))] : [];

    private static YamlMap? Root(CompiledKatalog katalog) =>
        YamlTreeReader.Read(katalog.Source.Source, new DiagnosticBag()) as YamlMap;

    /// <summary>The subtree's lines, then for an <c>include</c> file its own lines under <c># include FILE</c>.</summary>
    private static IReadOnlyList<string> WithIncludes(CompiledKatalog katalog, YamlNode node)
    {
        var lines = CanonicalYaml.Lines(node).ToList();
        if (node is not YamlMap map || map.Find("include")?.Value is not YamlScalar { IsNull: false } include) return lines;
        var path = Path.Combine(katalog.Source.Directory, include.Value.Trim());
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            lines.Add($"# include {include.Value.Trim()}: unreadable ({e.Message})");
            return lines;
        }
        lines.Add($"# include {include.Value.Trim()}");
        if (YamlTreeReader.Read(new SourceText(path, text), new DiagnosticBag()) is { } tree) lines.AddRange(CanonicalYaml.Lines(tree));
        return lines;
    }
}
