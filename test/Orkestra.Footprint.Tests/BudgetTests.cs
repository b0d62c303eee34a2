using Orkestra.Footprint.Gate;

namespace Orkestra.Footprint.Tests;

public sealed class BudgetTests
{
    const string Json = """
        {"tolerance": 0.10, "budgets": [
          {"name": "footprint.15x20.steadyRssMiB", "max": 30, "unit": "MiB", "basis": "target"},
          {"name": "footprint.15x20.resyncWrites", "max": 0, "unit": "writes", "basis": "must be 0"},
          {"name": "micro.ReconcileBenchmarks.ReconcileConverged.allocatedBytes", "max": 24000, "unit": "B", "basis": "measured"}
        ]}
        """;

    [Test]
    public void Within_the_tolerance_passes_and_beyond_it_fails()
    {
        var budget = Budget.Parse(Json);
        var findings = budget.Check(new Dictionary<string, double>
        {
            ["footprint.15x20.steadyRssMiB"] = 33.0, // exactly +10%: allowed
            ["footprint.15x20.resyncWrites"] = 0,
            ["micro.ReconcileBenchmarks.ReconcileConverged.allocatedBytes"] = 26_401, // > 26,400
        });
        findings.Select(f => f.Verdict).ShouldBe([Verdict.Ok, Verdict.Ok, Verdict.Exceeded]);
        findings[2].Limit.ShouldBe(26_400, tolerance: 1e-9);
    }

    [Test]
    public void A_zero_budget_tolerates_nothing()
    {
        var findings = Budget.Parse(Json).Check(new Dictionary<string, double>
        {
            ["footprint.15x20.steadyRssMiB"] = 20, ["footprint.15x20.resyncWrites"] = 1,
            ["micro.ReconcileBenchmarks.ReconcileConverged.allocatedBytes"] = 1,
        });
        findings.Single(f => f.Budget.Name.EndsWith("resyncWrites", StringComparison.Ordinal)).Verdict.ShouldBe(Verdict.Exceeded);
    }

    [Test]
    public void A_missing_measurement_fails_with_its_reason()
    {
        var findings = Budget.Parse(Json).Check(new Dictionary<string, double> { ["footprint.15x20.resyncWrites"] = 0 },
            new Dictionary<string, string> { ["footprint.15x20.steadyRssMiB"] = "ork run is not in this build" });
        findings[0].Verdict.ShouldBe(Verdict.Missing);
        findings[0].Why.ShouldBe("ork run is not in this build");
        findings[2].Why.ShouldBe("not measured");
        Budget.Table(findings).ShouldContain("MISSING (ork run is not in this build)");
    }

    [Test]
    public void Malformed_budget_files_are_rejected()
    {
        Should.Throw<FormatException>(() => Budget.Parse("""{"budgets": []}""")).Message.ShouldContain("tolerance");
        Should.Throw<FormatException>(() => Budget.Parse("""{"tolerance": 0.1, "budgets": [{"name": "a", "max": 1}, {"name": "a", "max": 2}]}""")).Message.ShouldContain("twice");
        Should.Throw<FormatException>(() => Budget.Parse("""{"tolerance": 0.1, "budgets": [{"name": "a", "max": -1}]}"""));
        Should.Throw<FormatException>(() => Budget.Parse("""{"tolerance": 2, "budgets": []}"""));
    }

    [Test]
    public void The_committed_budget_file_parses()
    {
        var path = Path.Combine(RepoRoot(), "bench", "budget.json");
        var budget = Budget.Parse(File.ReadAllText(path));
        budget.Tolerance.ShouldBe(0.10);
        budget.Entries.ShouldAllBe(e => e.Basis.Length > 0);
    }

    static string RepoRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "orkestra-aot.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
