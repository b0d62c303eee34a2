using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Validation;

namespace Orkestra.Katalog.Tests.Robustness;

/// <summary>
/// A Katalog nested absurdly deep (flow lists, flow maps, block lists, indentation) is one located error, read in
/// bounded time — never a stack overflow of the process or a minutes-long scan.
/// </summary>
public sealed class DeepYamlTests
{
    [TestCase("[", 32_000)]
    [TestCase("{a: ", 20_000)]
    [TestCase("- ", 20_000)]
    [TestCase("indent", 2_000)]
    [CancelAfter(10_000)]
    public void A_Katalog_nested_too_deep_is_one_located_error(string opening, int depth)
    {
        var nested = opening == "indent"
            ? string.Join("\n", Enumerable.Range(0, depth).Select(i => new string(' ', 2 * i + 2) + "a:")).TrimStart()
            : string.Concat(Enumerable.Repeat(opening, depth)) + "x";
        var text = "apiVersion: orkestra.orkspace.io/v1\nkind: Katalog\nmetadata:\n  name: deep\nspec:\n  " + nested + "\n";
        var result = KatalogLoader.LoadText(text, "katalog.yaml");
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        errors.ShouldHaveSingleItem(string.Join("\n", errors));
        errors[0].Message.ShouldContain("deeper than 256");
        errors[0].Location.File.ShouldBe("katalog.yaml");
        errors[0].Location.Line.ShouldBeGreaterThanOrEqualTo(5);
        errors[0].Location.Column.ShouldBeGreaterThan(0);
    }

    [Test]
    public void Control_characters_from_the_input_are_escaped_in_a_located_error()
    {
        var text = "apiVersion: orkestra.orkspace.io/v1\nkind: Katalog\nmetadata:\n  name: x\n"
                   + "  \"a\\u001b[31mb\": 1\n  \"a\\u001b[31mb\": 2\n";
        var errors = KatalogLoader.LoadText(text, "katalog.yaml").Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        errors.ShouldNotBeEmpty();
        errors.ShouldAllBe(e => !e.Message.Any(char.IsControl));
        errors.ShouldContain(e => e.Message.Contains("a\\u001B[31mb"), string.Join("\n", errors));
    }
}
