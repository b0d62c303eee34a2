namespace Orkestra.Host.Commands;

/// <summary>
/// <c>ork init DIR [--pack NAME] [--force]</c>: writes one of the starter packs embedded in the binary
/// (<see cref="StarterPacks"/>) into DIR. An existing file is never replaced without <c>--force</c>: without it, the
/// command writes nothing when any target file exists. <c>--list</c> prints the packs.
/// </summary>
internal static class InitCommand
{
    public const string Summary = "start a new operator: write a starter pack (CRD, Katalog, CR, simulate.yaml, e2e.yaml, README)";

    private const string Help = """
        Usage: ork init DIR [--pack NAME] [--force]
               ork init --list

        Writes a starter pack into the folder DIR (created when missing): crd.yaml (a CRD with a real schema),
        katalog.yaml, cr.yaml, simulate.yaml, e2e.yaml and a README.md that says what to run next. The packs are
        part of the ork binary; nothing is downloaded. As written, each pack passes ork validate, ork simulate
        and ork e2e.

        Options:
          -p, --pack NAME   beginner (default), intermediate or advanced (ork init --list describes them)
          -l, --list        list the packs and exit
          --force           replace files that already exist in DIR (without it nothing is written when one does)
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["-h" or "--help"]) { stdout.WriteLine(Help); return 0; }
        var line = CommandLine.Parse(args, [["--pack", "-p"]], ["--list", "-l", "--force"]);
        var list = line.Has("--list") || line.Has("-l");
        var usage = line.Error
                    ?? (line.Positional.Count > 1 ? $"unexpected argument {line.Positional[1]}" : null)
                    ?? (!list && line.Positional.Count == 0 ? "name the folder to write the pack into (ork init DIR)" : null);
        if (usage is not null)
        {
            stderr.WriteLine($"ork init: {usage}");
            stderr.WriteLine(Help);
            return 2;
        }
        var packs = StarterPacks.All();
        if (list)
        {
            var width = packs.Max(p => p.Name.Length) + 2;
            foreach (var p in packs) stdout.WriteLine($"{p.Name.PadRight(width)}{p.Summary}");
            return 0;
        }
        var packName = line.One("--pack") ?? StarterPacks.Order[0];
        if (StarterPacks.Find(packName) is not { } pack)
        {
            stderr.WriteLine($"ork init: no pack named '{packName}'; the packs are {string.Join(", ", packs.Select(p => p.Name))}");
            return 2;
        }

        var dir = line.Positional[0];
        if (File.Exists(dir))
        {
            stderr.WriteLine($"ork init: {dir} is a file, not a folder");
            return 1;
        }
        var existing = pack.Files.Where(f => File.Exists(Path.Combine(dir, f)) || Directory.Exists(Path.Combine(dir, f))).ToArray();
        if (existing.Length > 0 && (!line.Has("--force") || existing.Any(f => Directory.Exists(Path.Combine(dir, f)))))
        {
            foreach (var f in existing) stderr.WriteLine($"{Path.Combine(dir, f)}: error: already exists");
            stderr.WriteLine(line.Has("--force")
                ? "ork init: a folder stands where a pack file goes; nothing was written"
                : $"ork init: nothing was written; add --force to replace {(existing.Length == 1 ? "it" : "them")}");
            return 1;
        }
        try
        {
            Directory.CreateDirectory(dir);
            foreach (var file in pack.Files) File.WriteAllText(Path.Combine(dir, file), StarterPacks.Read(pack.Name, file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"ork init: cannot write into {dir}: {e.Message}");
            return 1;
        }
        stdout.WriteLine($"wrote the {pack.Name} pack ({pack.Summary}) into {dir}:");
        foreach (var file in pack.Files)
            stdout.WriteLine($"  {Path.Combine(dir, file)}{(existing.Contains(file, StringComparer.Ordinal) ? " (replaced)" : "")}");
        stdout.WriteLine();
        stdout.WriteLine("next:");
        stdout.WriteLine($"  cd {dir}");
        stdout.WriteLine("  ork validate -k katalog.yaml");
        stdout.WriteLine("  ork simulate -f simulate.yaml");
        stdout.WriteLine("  ork e2e -f e2e.yaml");
        stdout.WriteLine("  ork run -k katalog.yaml --sandbox");
        return 0;
    }
}
