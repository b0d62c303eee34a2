namespace Orkestra.Host;

/// <summary>
/// Command-line dispatch for <c>ork</c>: one entry per command in <see cref="All"/>, each implemented in
/// Commands/ as <c>static int Run(string[] args, TextWriter stdout, TextWriter stderr)</c>. Exit codes:
/// 0 success, 1 the command ran and found problems (e.g. invalid Katalog), 2 usage errors.
/// </summary>
internal static class Cli
{
    internal delegate int CommandHandler(string[] args, TextWriter stdout, TextWriter stderr);

    internal sealed record Command(string Name, string Summary, CommandHandler Run);

    /// <summary>Every command, in the order `ork --help` lists them.</summary>
    internal static readonly Command[] All =
    [
        new("init", Commands.InitCommand.Summary, Commands.InitCommand.Run),
        new("validate", Commands.ValidateCommand.Summary, Commands.ValidateCommand.Run),
        new("render", Commands.RenderCommand.Summary, Commands.RenderCommand.Run),
        new("plan", Commands.PlanCommand.Summary, Commands.PlanCommand.Run),
        new("simulate", Commands.SimulateCommand.Summary, Commands.SimulateCommand.Run),
        new("e2e", Commands.E2ECommand.Summary, Commands.E2ECommand.Run),
        new("notes", Commands.NotesCommand.Summary, Commands.NotesCommand.Run),
        new("run", Commands.RunCommand.Summary, Commands.RunCommand.Run),
        new("cleanup", Commands.CleanupCommand.Summary, Commands.CleanupCommand.Run),
        new("sandbox", Commands.SandboxCommand.Summary, Commands.SandboxCommand.Run),
        new("push", Commands.PushCommand.Summary, Commands.PushCommand.Run),
        new("pull", Commands.PullCommand.Summary, Commands.PullCommand.Run),
        new("generate", Commands.GenerateCommand.Summary, Commands.GenerateCommand.Run),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            stdout.WriteLine(Usage());
            return args.Length == 0 ? 2 : 0;
        }
        if (args[0] is "--version" or "version")
        {
            stdout.WriteLine($"ork {Version}");
            return 0;
        }
        foreach (var command in All)
        {
            if (command.Name == args[0]) return command.Run(args[1..], stdout, stderr);
        }
        stderr.WriteLine($"ork: unknown command '{args[0]}'");
        stderr.WriteLine(Usage());
        return 2;
    }

    internal static string Version => typeof(Cli).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    internal static string Usage()
    {
        var width = All.Length == 0 ? 8 : All.Max(c => c.Name.Length) + 2;
        var lines = string.Join("\n", All.Select(c => $"  {c.Name.PadRight(width)} {c.Summary}"));
        return $"""
            ork {Version} — declarative Kubernetes operators from a Katalog

            Usage: ork <command> [options]      (ork <command> --help for its options)

            Commands:
            {lines}

            ork --version prints the version.
            """;
    }
}
