using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Validation;
using Orkestra.Registry.Diagnostics;

namespace Orkestra.Host.Commands;

/// <summary>
/// <c>ork pull REF [-o DIR]</c>: fetch a Katalog artifact (verified, through the local cache) and write its files, then
/// load the Katalog to prove it is one.
/// </summary>
internal static class PullCommand
{
    public const string Summary = "pull a Katalog artifact from an OCI registry into a folder";

    private const string Help = $"""
        Usage: ork pull REF [-o DIR] [options]

        Fetches the Katalog artifact REF (host[:port]/repository:tag, …@sha256:…, or a short name:tag resolved against
        $ORK_REGISTRY), verifies the digest of everything it reads, and writes its files into DIR (default: the
        current folder) under their recorded paths. A digest already in the local cache is served from it without
        asking the registry; a tag always asks the registry unless --offline is given.

        Options:
          -o, --output DIR             where to write the files (created if missing)
          --offline                    never contact the registry: a tag resolves to the digest it last pulled as
        {RegistryFlags.Help}

        Exit codes: 0 pulled, 1 registry error or the artifact is not a valid Katalog, 2 usage.
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        Run(args, stdout, stderr, Environment.GetEnvironmentVariable);

    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> environment)
    {
        if (args is ["-h" or "--help"]) { stdout.WriteLine(Help); return 0; }
        var line = CommandLine.Parse(args, [.. RegistryFlags.ValueFlags, ["--output", "-o"]], [.. RegistryFlags.Switches, "--offline"]);
        if (line.Error is not null || line.Positional.Count != 1)
        {
            stderr.WriteLine($"ork pull: {line.Error ?? "needs one REF"}");
            stderr.WriteLine(Help);
            return 2;
        }
        var output = line.One("--output") ?? ".";
        try
        {
            var reference = RegistryFlags.ParseReference(line.Positional[0], environment);
            var transfer = RegistryFlags.Transfer(line, reference, environment);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var pulled = transfer.PullAsync(reference, line.Has("--offline"), timeout.Token).GetAwaiter().GetResult();
            foreach (var file in pulled.Files)
            {
                var target = Path.Combine(output, file.Path.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
                File.WriteAllBytes(target, file.Content);
            }
            var origin = pulled.FromCache ? $" from the local cache {transfer.Cache.Root} (the registry was not asked)" : "";
            stdout.WriteLine($"pulled {pulled.Reference} into {output} ({pulled.Files.Count} " +
                             $"file{(pulled.Files.Count == 1 ? "" : "s")}){origin}");
            var katalog = Path.Combine(output, pulled.Config.Katalog);
            var loaded = KatalogLoader.LoadFiles([katalog]);
            var errors = loaded.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
            if (errors.Length > 0 || loaded.Katalogs.Count == 0)
            {
                foreach (var d in errors) stderr.WriteLine(d.ToString());
                stderr.WriteLine($"ork pull: {pulled.Reference}: {pulled.Config.Katalog} is not a valid Katalog");
                return 1;
            }
            return 0;
        }
        catch (Exception e) when (e is RegistryException or FormatException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"ork pull: {e.Message}");
            return 1;
        }
    }
}
