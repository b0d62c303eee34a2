namespace Orkestra.Host.Tests;

public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Test]
    public void Version_prints_the_assembly_version() => Run("--version").Out.Trim().ShouldBe($"ork {Cli.Version}");

    [Test]
    public void Help_lists_every_command()
    {
        var (code, output, _) = Run("--help");
        code.ShouldBe(0);
        foreach (var command in Cli.All) output.ShouldContain(command.Name);
    }

    [Test]
    public void Every_command_answers_help_with_its_usage()
    {
        foreach (var command in Cli.All)
        {
            var (code, output, _) = Run(command.Name, "--help");
            code.ShouldBe(0, command.Name);
            output.ShouldContain("Usage: ork " + command.Name, Case.Sensitive, command.Name);
        }
    }

    [Test]
    public void No_arguments_prints_usage_and_fails() => Run().Code.ShouldBe(2);

    [Test]
    public void An_unknown_command_is_a_usage_error()
    {
        var (code, _, err) = Run("frobnicate");
        code.ShouldBe(2);
        err.ShouldContain("unknown command 'frobnicate'");
    }
}
