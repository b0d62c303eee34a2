using Orkestra.Host.Commands;

namespace Orkestra.Host.Tests.Commands;

/// <summary>`ork init`: the packs embedded in the binary, written as they are, each one passing `ork validate`,
/// `ork simulate` and `ork e2e` as generated; existing files are never replaced without --force.</summary>
[Parallelizable(ParallelScope.All)]
public class InitCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        return (Cli.Run(args, stdout, stderr), stdout.ToString(), stderr.ToString());
    }

    private static readonly string[] PackFiles = ["README.md", "cr.yaml", "crd.yaml", "katalog.yaml", "simulate.yaml", "e2e.yaml"];

    public static IEnumerable<TestCaseData> Packs() =>
        StarterPacks.Order.Select(p => new TestCaseData(p).SetName($"pack {p}"));

    [Test]
    public void List_names_every_pack_with_its_summary_default_first()
    {
        var (code, output, err) = Run("init", "--list");
        code.ShouldBe(0, err);
        var lines = output.TrimEnd().Split('\n');
        lines.Select(l => l.Split(' ')[0]).ShouldBe(["beginner", "intermediate", "advanced"]);
        lines[0].ShouldContain("a Website becomes a Deployment and a Service");
    }

    [Test]
    public void The_embedded_packs_are_exactly_the_folders_under_Packs()
    {
        var folders = Directory.GetDirectories(Repo.Combine("runtime", "Orkestra.Host", "Packs")).Select(Path.GetFileName).Order().ToArray();
        StarterPacks.All().Select(p => p.Name).Order().ShouldBe(folders!);
        foreach (var pack in StarterPacks.All())
        {
            pack.Files.ShouldBe(Directory.GetFiles(Repo.Combine("runtime", "Orkestra.Host", "Packs", pack.Name))
                .Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray());
            PackFiles.ShouldBeSubsetOf(pack.Files);
        }
    }

    [TestCaseSource(nameof(Packs))]
    public void A_generated_pack_validates_simulates_and_passes_e2e_as_written(string pack)
    {
        using var dir = new TempDirectory("ork-init-");
        var target = Path.Combine(dir.Path, "my-operator");
        var (code, output, err) = Run("init", target, "--pack", pack);
        code.ShouldBe(0, err);
        output.ShouldContain($"wrote the {pack} pack");
        foreach (var file in StarterPacks.Find(pack)!.Files)
            File.ReadAllText(Path.Combine(target, file)).ShouldBe(File.ReadAllText(Repo.Combine("runtime", "Orkestra.Host", "Packs", pack, file)));

        var validate = Run("validate", "-k", Path.Combine(target, "katalog.yaml"));
        validate.Code.ShouldBe(0, validate.Err);
        validate.Out.ShouldContain("is valid");

        var simulate = Run("simulate", "-f", Path.Combine(target, "simulate.yaml"));
        simulate.Code.ShouldBe(0, simulate.Out + simulate.Err);
        simulate.Out.ShouldContain(" 0 failed");
        simulate.Out.ShouldNotContain("FAIL ");

        var e2e = Run("e2e", "-f", Path.Combine(target, "e2e.yaml"));
        e2e.Code.ShouldBe(0, e2e.Out + e2e.Err);
        e2e.Out.ShouldContain(" 0 failed");
        e2e.Out.ShouldContain("PASS ");
        e2e.Out.ShouldNotContain("FAIL ");
    }

    [Test]
    public void Existing_files_are_kept_unless_forced()
    {
        using var dir = new TempDirectory("ork-init-");
        var mine = dir.Write("katalog.yaml", "# my own Katalog\n");
        var (code, output, err) = Run("init", dir.Path);
        code.ShouldBe(1);
        output.ShouldBeEmpty();
        err.ShouldContain($"{mine}: error: already exists");
        err.ShouldContain("nothing was written; add --force");
        File.ReadAllText(mine).ShouldBe("# my own Katalog\n");
        File.Exists(dir.File("crd.yaml")).ShouldBeFalse("nothing is written when one file exists");

        var (forced, forcedOutput, forcedErr) = Run("init", dir.Path, "--force");
        forced.ShouldBe(0, forcedErr);
        forcedOutput.ShouldContain($"{mine} (replaced)");
        File.ReadAllText(mine).ShouldContain("kind: Katalog");
    }

    [TestCase(new[] { "init" }, "name the folder")]
    [TestCase(new[] { "init", "a", "b" }, "unexpected argument b")]
    [TestCase(new[] { "init", "x", "--pack" }, "--pack needs a value")]
    [TestCase(new[] { "init", "x", "--colour" }, "unknown flag --colour")]
    public void Usage_errors_exit_2(string[] args, string message)
    {
        var (code, _, err) = Run(args);
        code.ShouldBe(2);
        err.ShouldContain(message);
    }

    [Test]
    public void An_unknown_pack_names_the_packs()
    {
        using var dir = new TempDirectory("ork-init-");
        var (code, _, err) = Run("init", dir.File("x"), "--pack", "expert");
        code.ShouldBe(2);
        err.ShouldContain("no pack named 'expert'; the packs are beginner, intermediate, advanced");
        Directory.Exists(dir.File("x")).ShouldBeFalse();
    }

    [Test]
    public void A_file_where_the_folder_goes_is_an_error()
    {
        using var dir = new TempDirectory("ork-init-");
        var file = dir.Write("taken", "x");
        var (code, _, err) = Run("init", file);
        code.ShouldBe(1);
        err.ShouldContain("is a file, not a folder");
    }
}
