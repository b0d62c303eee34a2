namespace Orkestra.Host;

/// <summary>Command-line dispatch for `ork`. Each command lives in Commands/ and returns an exit code.</summary>
internal static class Cli
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            stdout.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        if (args[0] is "--version" or "version")
        {
            stdout.WriteLine($"ork {typeof(Cli).Assembly.GetName().Version?.ToString(3)}");
            return 0;
        }
        stderr.WriteLine($"ork: unknown command '{args[0]}'\n\n{Usage}");
        return 2;
    }

    internal const string Usage = """
        ork — declarative Kubernetes operators from a Katalog

        Usage: ork <command> [options]

        Commands:
          --version      print the version
        """;
}
