using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Runtime.Hosting;

namespace Orkestra.Host.Commands;

/// <summary>
/// <c>ork validate -k FILE [-k FILE…]</c>: load, compile and check Katalogs offline — the same checks <c>ork run</c> makes
/// before starting. Exit 0 and a short summary when valid; otherwise every diagnostic as <c>FILE:LINE:COL: error: MESSAGE</c> and exit 1.
/// </summary>
internal static class ValidateCommand
{
    public const string Summary = "check Katalogs offline: every error as FILE:LINE:COL";

    private const string Help = $"""
        Usage: ork validate -k KATALOG [-k KATALOG…] [--offline] [--insecure-registry]

        Loads, compiles and checks every Katalog without a cluster — exactly the checks ork run makes before it
        starts. Prints a summary and exits 0 when all are valid; otherwise prints every problem as
        FILE:LINE:COL: error: MESSAGE and exits 1.

        Options:
          -k, -f, --katalog FILE       a Katalog or Komposer file (repeatable; katalog.yaml when omitted); a Komposer's
                                       imports are pulled and merged exactly as ork run does
        {KomposerLoad.Help}
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        Run(args, stdout, stderr, Environment.GetEnvironmentVariable);

    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> environment)
    {
        if (args is ["-h" or "--help"]) { stdout.WriteLine(Help); return 0; }
        var line = CommandLine.Parse(args, [["--katalog", "-k", "-f", "--file"]], KomposerLoad.Switches);
        if (line.Error is not null || line.Positional.Count > 0)
        {
            stderr.WriteLine($"ork validate: {line.Error ?? $"unexpected argument {line.Positional[0]}"}");
            stderr.WriteLine(Help);
            return 2;
        }
        var files = line.All("--katalog").Count > 0 ? line.All("--katalog") : ["katalog.yaml"];
        var result = KomposerLoad.Compile(files, environment, line);
        // Exactly the checks ork run makes before it starts (RuntimeSupport.Diagnose): valid here means it can run.
        var diagnostics = RuntimeSupport.Diagnose(result);
        foreach (var d in diagnostics) stderr.WriteLine(d.ToString());
        var errors = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        if (errors > 0)
        {
            stderr.WriteLine($"{errors} error{(errors == 1 ? "" : "s")}");
            return 1;
        }
        foreach (var katalog in result.Katalogs)
        {
            stdout.WriteLine($"{katalog.Source.File}: Katalog {katalog.Name} is valid");
            foreach (var op in katalog.Operators)
            {
                var hooks = op.Hooks.Select(h => $"{Orkestra.Katalog.Model.Hooks.Name(h.Hook)} {h.Children.Count}").ToArray();
                stdout.WriteLine($"  {op.Name}: {op.ApiTypes.ApiVersion} {op.ApiTypes.Kind}" +
                                 (hooks.Length > 0 ? $" — children: {string.Join(", ", hooks)}" : "") +
                                 (op.Status.Fields.Count > 0 ? $"; status fields: {op.Status.Fields.Count}" : ""));
            }
        }
        return 0;
    }
}
