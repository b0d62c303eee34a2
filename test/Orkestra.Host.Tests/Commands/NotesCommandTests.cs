using Fluid.Values;
using Orkestra.Host.Commands;
using Orkestra.Templating.Functions;

namespace Orkestra.Host.Tests.Commands;

public class NotesCommandTests
{
    private static FunctionRegistry Registry()
    {
        var registry = new FunctionRegistry();
        static FluidValue Nil(ReadOnlySpan<FluidValue> args, in FunctionCall call) => NilValue.Instance;
        registry.Add(new FunctionDescriptor("toUpper", "strings", "toUpper S", "upper-cases S", 1, 1, ValueShape.String, Nil));
        registry.Add(new FunctionDescriptor("toLower", "strings", "toLower S", "lower-cases S", 1, 1, ValueShape.String, Nil));
        registry.Add(new FunctionDescriptor("add", "math", "add A B", "sums two numbers", 2, 2, ValueShape.Number, Nil));
        registry.Freeze();
        return registry;
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = NotesCommand.Run(args, stdout, stderr, Registry());
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Test]
    public void Lists_every_function_grouped_by_category()
    {
        var (code, output, _) = Run();
        code.ShouldBe(0);
        output.ShouldBe("math:\n  add A B  sums two numbers\nstrings:\n  toLower S  lower-cases S\n  toUpper S  upper-cases S\n".Replace("\n", Environment.NewLine));
    }

    [Test]
    public void Search_matches_name_category_and_description()
    {
        Run("search", "upper").Out.ShouldContain("toUpper S");
        Run("search", "upper").Out.ShouldNotContain("toLower");
        Run("search", "math").Out.ShouldContain("add A B");
        var (code, _, err) = Run("search", "zzz");
        code.ShouldBe(1);
        err.ShouldContain("no function matches \"zzz\"");
    }

    [Test]
    public void Show_prints_one_function_and_suggests_close_names_for_a_miss()
    {
        var (code, output, _) = Run("show", "add");
        code.ShouldBe(0);
        output.ShouldContain("add A B");
        output.ShouldContain("category: math");
        output.ShouldContain("returns:  number");
        var miss = Run("show", "Upper");
        miss.Code.ShouldBe(1);
        miss.Err.ShouldContain("did you mean: toUpper?");
    }

    [Test]
    public void Bad_arguments_are_a_usage_error() => Run("frobnicate").Code.ShouldBe(2);

    [Test]
    public void The_standard_listing_shows_every_registered_function()
    {
        var stdout = new StringWriter();
        NotesCommand.Run([], stdout, new StringWriter()).ShouldBe(0);
        foreach (var f in FunctionRegistry.Standard.All) stdout.ToString().ShouldContain(f.Signature);
    }
}
