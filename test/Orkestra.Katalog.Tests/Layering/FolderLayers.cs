using System.Text.RegularExpressions;

namespace Orkestra.Katalog.Tests.Layering;

/// <summary>
/// The folders of runtime/Orkestra.Katalog in data-path order, and a reader that finds every reference from a folder
/// to a later one. The compiler cannot enforce folder order (one assembly), so this reads the source: a
/// <c>using</c>, a fully qualified <c>Orkestra.Katalog.X</c>, or a partly qualified <c>X.Type</c> where Type is
/// declared in folder X. Comments are ignored. Pure; reads files only.
/// </summary>
public static partial class FolderLayers
{
    /// <summary>Each folder may use the folders before it, never one after it.</summary>
    public static readonly string[] Order =
    [
        "Diagnostics", "Syntax", "Manifests", "Conditions", "Children", "Model", "Binding", "Composition", "Validation",
        "Compilation", "Rendering", "Planning",
    ];

    public sealed record SourceFile(string Folder, string RelativePath, string[] Lines);

    /// <summary>Every .cs file under <paramref name="root"/> (bin/obj skipped); Folder is the first path segment.</summary>
    public static IReadOnlyList<SourceFile> Read(string root) =>
        Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(rel => !rel.StartsWith("bin/", StringComparison.Ordinal) && !rel.StartsWith("obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(rel => new SourceFile(rel.Contains('/') ? rel[..rel.IndexOf('/')] : "", rel,
                File.ReadAllLines(Path.Combine(root, rel))))
            .ToArray();

    /// <summary>Files whose namespace is not <c>Orkestra.Katalog.</c> + their folder path (dots for slashes).</summary>
    public static IEnumerable<string> NamespaceMismatches(IReadOnlyList<SourceFile> files)
    {
        foreach (var file in files)
        {
            var expected = "Orkestra.Katalog." + Path.GetDirectoryName(file.RelativePath)!.Replace('/', '.').Replace('\\', '.');
            var line = Array.FindIndex(file.Lines, l => l.StartsWith("namespace ", StringComparison.Ordinal));
            var actual = line < 0 ? "(none)" : file.Lines[line]["namespace ".Length..].TrimEnd(';', ' ', '{');
            if (actual != expected) yield return $"{file.RelativePath}:{line + 1}: namespace {actual}, expected {expected}";
        }
    }

    /// <summary>Files in a folder that is not in <see cref="Order"/> (a new folder must be given its place).</summary>
    public static IEnumerable<string> Unplaced(IReadOnlyList<SourceFile> files) =>
        files.Where(f => !Order.Contains(f.Folder)).Select(f => $"{f.RelativePath}: folder '{f.Folder}' is not in the order");

    /// <summary>Every reference from a file to a folder later in <see cref="Order"/>, as <c>file:line: text</c>.</summary>
    public static IEnumerable<string> BackwardReferences(IReadOnlyList<SourceFile> files)
    {
        var declared = Order.ToDictionary(f => f, f => files.Where(s => s.Folder == f)
            .SelectMany(s => s.Lines.Select(StripComment))
            .SelectMany(l => TypeDeclaration().Matches(l).Select(m => m.Groups["name"].Value))
            .ToHashSet(StringComparer.Ordinal));
        foreach (var file in files)
        {
            var rank = Array.IndexOf(Order, file.Folder);
            if (rank < 0) continue;
            for (var i = 0; i < file.Lines.Length; i++)
            {
                var code = StripComment(file.Lines[i]);
                var used = FullyQualified().Matches(code).Select(m => m.Groups["folder"].Value)
                    .Concat(PartlyQualified().Matches(code)
                        .Where(m => declared.TryGetValue(m.Groups["folder"].Value, out var types) && types.Contains(m.Groups["type"].Value))
                        .Select(m => m.Groups["folder"].Value));
                foreach (var folder in used.Distinct())
                {
                    if (Array.IndexOf(Order, folder) > rank)
                        yield return $"{file.RelativePath}:{i + 1}: {file.Folder} uses {folder}, which comes after it: {code.Trim()}";
                }
            }
        }
    }

    /// <summary>The line without a trailing <c>//</c> comment (a <c>//</c> inside a string literal is rare in this code and
    /// only hides references, never invents one).</summary>
    private static string StripComment(string line)
    {
        var at = line.IndexOf("//", StringComparison.Ordinal);
        return at < 0 ? line : line[..at];
    }

    [GeneratedRegex(@"\bOrkestra\.Katalog\.(?<folder>[A-Z]\w*)")]
    private static partial Regex FullyQualified();

    [GeneratedRegex(@"(?<![\w.])(?<folder>[A-Z]\w*)\.(?<type>[A-Z]\w*)")]
    private static partial Regex PartlyQualified();

    [GeneratedRegex(@"\b(?:class|struct|record|interface|enum)\s+(?:class\s+|struct\s+)?(?<name>[A-Z]\w*)")]
    private static partial Regex TypeDeclaration();
}
