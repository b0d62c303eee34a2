using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Validation;
using Orkestra.Registry.Artifacts;
using Orkestra.Registry.Diagnostics;
using Orkestra.Runtime.Hosting;

namespace Orkestra.Host.Commands;

/// <summary>
/// <c>ork push DIR|FILE REF</c>: validate a Katalog as <c>ork validate</c> does, then push it and every file it
/// references (crdFile, crFiles, setup) to an OCI registry as one Katalog artifact (Orkestra.Registry).
/// </summary>
internal static class PushCommand
{
    public const string Summary = "push a Katalog and the files it references to an OCI registry";

    private const string Help = $"""
        Usage: ork push DIR|FILE REF [options]

        Validates the Katalog (DIR/katalog.yaml, or FILE) exactly as ork validate does, then pushes it with every file
        it references (crdFile, crFiles, setup; they must lie inside the Katalog's folder) as one OCI artifact: an
        image manifest of artifactType application/vnd.orkestra.katalog.v1 with one layer per file. REF is
        host[:port]/repository:tag, or a short name:tag resolved against $ORK_REGISTRY. Prints REF@sha256:… .

        Options:
          --version TEXT               the org.opencontainers.image.version annotation (default: metadata.version)
          --source TEXT                the org.opencontainers.image.source annotation (e.g. the repository URL)
        {RegistryFlags.Help}

        Exit codes: 0 pushed, 1 invalid Katalog or registry error, 2 usage.
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        Run(args, stdout, stderr, Environment.GetEnvironmentVariable);

    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> environment)
    {
        if (args is ["-h" or "--help"]) { stdout.WriteLine(Help); return 0; }
        var line = CommandLine.Parse(args, [.. RegistryFlags.ValueFlags, ["--version"], ["--source"]], RegistryFlags.Switches);
        if (line.Error is not null || line.Positional.Count != 2)
        {
            stderr.WriteLine($"ork push: {line.Error ?? "needs DIR|FILE and REF"}");
            stderr.WriteLine(Help);
            return 2;
        }
        var path = line.Positional[0];
        var file = Directory.Exists(path) ? Path.Combine(path, "katalog.yaml") : path;
        if (!File.Exists(file))
        {
            stderr.WriteLine($"ork push: {file}: no such file");
            return 1;
        }
        try
        {
            var reference = RegistryFlags.ParseReference(line.Positional[1], environment);
            var diagnostics = RuntimeSupport.Diagnose(KatalogCompiler.CompileFiles([file]));
            var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
            if (errors.Length > 0)
            {
                foreach (var d in errors) stderr.WriteLine(d.ToString());
                stderr.WriteLine($"ork push: {errors.Length} error{(errors.Length == 1 ? "" : "s")}; nothing was pushed");
                return 1;
            }
            var loaded = KatalogLoader.LoadFiles([file]);
            var (files, problem) = Collect(file, loaded);
            if (problem is not null)
            {
                stderr.WriteLine($"ork push: {problem}; nothing was pushed");
                return 1;
            }
            var metadata = loaded.Katalogs[0].Metadata;
            var artifact = KatalogArtifact.Pack(files, Path.GetFileName(file), metadata.Name,
                line.One("--version") ?? metadata.Version, line.One("--source"));
            var transfer = RegistryFlags.Transfer(line, reference, environment);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var digest = transfer.PushAsync(artifact, reference, timeout.Token).GetAwaiter().GetResult();
            var bytes = artifact.Layers.Sum(l => l.Content.LongLength);
            stdout.WriteLine($"pushed {reference.AtDigest(digest)} ({files.Count} file{(files.Count == 1 ? "" : "s")}, {bytes} bytes)");
            return 0;
        }
        catch (Exception e) when (e is RegistryException or FormatException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"ork push: {e.Message}");
            return 1;
        }
    }

    /// <summary>The Katalog file and every file it references, as paths relative to its folder.</summary>
    private static (List<ArtifactFile> Files, string? Problem) Collect(string katalogFile, KatalogLoadResult loaded)
    {
        var root = Path.GetDirectoryName(Path.GetFullPath(katalogFile))!;
        var referenced = loaded.Katalogs.SelectMany(k => k.Crds)
            .SelectMany(c => (c.CrdFile is null ? [] : new[] { c.CrdFile }).Concat(c.CrFiles).Concat(c.Setup));
        var files = new List<ArtifactFile>();
        foreach (var full in new[] { Path.GetFullPath(katalogFile) }.Concat(referenced.Select(f => Path.GetFullPath(f, root))).Distinct())
        {
            var relative = Path.GetRelativePath(root, full).Replace(Path.DirectorySeparatorChar, '/');
            if (relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative))
                return (files, $"{full} is outside the Katalog's folder {root} (an artifact holds only files below it)");
            files.Add(new ArtifactFile(relative, File.ReadAllBytes(full)));
        }
        return (files, null);
    }
}
