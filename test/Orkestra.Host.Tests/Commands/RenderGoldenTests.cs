namespace Orkestra.Host.Tests.Commands;

/// <summary>
/// Pins `ork render` for every sample (test/Orkestra.Host.Tests/Golden). To accept a deliberate change, run the
/// command shown in the failure and replace the expected file after reviewing the difference.
/// </summary>
[NonParallelizable] // changes the current directory
public class RenderGoldenTests
{
    public static IEnumerable<TestCaseData> Cases() =>
        File.ReadAllLines(Repo.Combine("test", "Orkestra.Host.Tests", "Golden", "cases.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('|', 2, StringSplitOptions.TrimEntries))
            .Select(p => new TestCaseData(p[0], p[1]).SetName($"render {p[0]}"));

    [TestCaseSource(nameof(Cases))]
    public void Render_output_matches_the_golden_file(string name, string arguments)
    {
        var previous = Directory.GetCurrentDirectory();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code;
        try
        {
            Directory.SetCurrentDirectory(Repo.Root);
            code = Cli.Run(["render", .. arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)], stdout, stderr);
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
        var golden = Repo.Combine("test", "Orkestra.Host.Tests", "Golden", name);
        code.ShouldBe(0, stderr.ToString());
        stdout.ToString().ShouldBe(File.ReadAllText(golden + ".yaml"), $"ork render {arguments}");
        stderr.ToString().ShouldBe(File.Exists(golden + ".stderr") ? File.ReadAllText(golden + ".stderr") : "", $"ork render {arguments}");
    }
}
