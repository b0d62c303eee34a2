using Orkestra.Katalog.Compilation;

namespace Orkestra.Katalog.Tests.Loading;

/// <summary>
/// Golden folders: testdata/&lt;case&gt;/katalog.yaml is loaded and compiled; the diagnostics must equal
/// testdata/&lt;case&gt;/diagnostics.txt line for line (empty = valid). Relative paths resolve in the case folder.
/// </summary>
public class GoldenKatalogTests
{
    public static IEnumerable<TestCaseData> Cases() =>
        Directory.GetDirectories(TestKatalogs.TestData).Order(StringComparer.Ordinal)
            .Where(d => File.Exists(Path.Combine(d, "katalog.yaml")))
            .Select(d => new TestCaseData(Path.GetFileName(d)).SetName($"golden {Path.GetFileName(d)}"));

    [TestCaseSource(nameof(Cases))]
    public void Diagnostics_match_the_golden_file(string name)
    {
        var folder = Path.Combine(TestKatalogs.TestData, name);
        var text = File.ReadAllText(Path.Combine(folder, "katalog.yaml"));
        var expectedFile = Path.Combine(folder, "diagnostics.txt");
        var expected = File.Exists(expectedFile)
            ? File.ReadAllLines(expectedFile).Where(l => l.Trim().Length > 0).ToArray()
            : [];
        var result = KatalogCompiler.CompileText(text, "katalog.yaml", folder);
        var actual = result.Diagnostics.Select(d => d.ToString()).ToArray();
        actual.ShouldBe(expected, $"diagnostics of {name}:\n{string.Join("\n", actual)}");
        if (!expected.Any(l => l.Contains(": error: ", StringComparison.Ordinal)))
            result.Katalogs.Count.ShouldBe(1, "a case without errors compiles");
    }
}
