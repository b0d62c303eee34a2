namespace Orkestra.Host.Tests.Style;

/// <summary>
/// Shipped code (runtime/**/*.cs, templating/**/*.cs; generated code under obj/ and .build/ excluded) keeps lines at
/// 140 characters or fewer (.editorconfig <c>max_line_length</c>; docs/style.md). The compiler does not check this, so
/// the test names every line that is longer as path:line.
/// </summary>
public sealed class LineLengthTests
{
    private const int MaxLineLength = 140;

    private static readonly string[] ShippedFolders = ["runtime", "templating"];

    private static readonly Lazy<IReadOnlyList<string>> Sources = new(() => ShippedFolders
        .SelectMany(dir => Directory.EnumerateFiles(Repo.Path(dir), "*.cs", SearchOption.AllDirectories))
        .Where(path => !IsGenerated(Path.GetRelativePath(Repo.Root, path)))
        .Order(StringComparer.Ordinal)
        .ToList());

    [Test]
    public void The_scan_sees_the_shipped_sources() => Sources.Value.Count.ShouldBeGreaterThan(200);

    [Test]
    public void No_shipped_line_is_longer_than_140_characters()
    {
        var tooLong = new List<string>();
        foreach (var path in Sources.Value)
        {
            var lines = File.ReadAllLines(path);
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].Length > MaxLineLength)
                    tooLong.Add($"{Path.GetRelativePath(Repo.Root, path).Replace('\\', '/')}:{i + 1}: {lines[i].Length} characters");
            }
        }

        if (tooLong.Count > 0)
            Assert.Fail($"{tooLong.Count} lines longer than {MaxLineLength} characters:\n{string.Join('\n', tooLong)}");
    }

    private static bool IsGenerated(string relative) =>
        relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) is var parts
        && parts.Any(part => part is "obj" or "bin" or ".build");
}
