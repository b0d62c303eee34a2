using Orkestra.Templating.Tests.Language;

namespace Orkestra.Templating.Tests.Robustness;

/// <summary>
/// A template nested deeper than the parser's limit is a located syntax error, not a stack overflow that ends the
/// process (a 50,000-deep parenthesis used to crash <c>ork validate</c>); nesting within the limit still compiles.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class NestingLimitTests
{
    [TestCase(50_000)]
    [TestCase(200)]
    public void Parentheses_nested_beyond_the_limit_are_a_syntax_error(int depth)
    {
        var result = TemplateTestKit.Compiler.Compile("{{ " + new string('(', depth) + ".spec.image" + new string(')', depth) + " }}");
        result.Template.ShouldBeNull();
        result.Diagnostics.ShouldHaveSingleItem().Message.ShouldContain("nested too deeply");
    }

    [Test]
    public void Blocks_nested_beyond_the_limit_are_a_syntax_error()
    {
        const int depth = 20_000;
        var source = string.Concat(Enumerable.Repeat("{{ if true }}", depth)) + "x" + string.Concat(Enumerable.Repeat("{{ end }}", depth));
        var result = TemplateTestKit.Compiler.Compile(source);
        result.Template.ShouldBeNull();
        result.Diagnostics.ShouldHaveSingleItem().Message.ShouldContain("nested too deeply");
    }

    [Test]
    public void Nesting_within_the_limit_compiles_and_its_reads_are_found()
    {
        const int depth = 40;
        var source = string.Concat(Enumerable.Repeat("{{ with .spec }}", depth)) + "{{ (((.image))) }}"
            + string.Concat(Enumerable.Repeat("{{ end }}", depth));
        var template = TemplateTestKit.Compile(source);
        FieldReads.Of(template).ShouldContain(r => r.Path.Count == depth + 1 && r.Path[r.Path.Count - 1] == "image");
    }
}
