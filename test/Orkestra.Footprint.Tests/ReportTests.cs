using Orkestra.Footprint.Results;

namespace Orkestra.Footprint.Tests;

public sealed class ReportTests
{
    static RunResult Run(string system, int crds, int crs, long rssKb, string? error = null) =>
        new(system, new Scenario(crds, crs)) { Steady = new MemoryFigures(rssKb, rssKb, rssKb, rssKb, 0, 10), Error = error };

    // 15×0 idle at 20 MiB; the first work costs 8 MiB once; then 250 B per object (4 objects per CR).
    static readonly RunResult[] Results =
    [
        Run("ork", 15, 0, 20 * 1024),
        Run("ork", 15, 20, 28 * 1024 + 1200 * 250 / 1024),
        Run("ork", 15, 100, 28 * 1024 + 6000 * 250 / 1024),
        Run("baseline", 15, 100, 900 * 1024),
    ];

    [Test]
    public void The_marginal_figure_is_the_slope_between_the_two_loaded_scenarios()
    {
        var perObject = Report.MarginalBytesPerObject(Results, "ork", new Scenario(15, 100), out var over);
        over.ShouldBe(new Scenario(15, 20));
        perObject.ShouldNotBeNull().ShouldBe(250, tolerance: 1);
    }

    [Test]
    public void The_figure_over_idle_includes_the_one_time_cost_of_the_first_work()
    {
        Report.BytesPerObjectOverIdle(Results, "ork", new Scenario(15, 100)).ShouldNotBeNull()
            .ShouldBe((8.0 * 1024 * 1024 + 6000 * 250) / 6000, tolerance: 1);
    }

    [Test]
    public void Without_a_smaller_loaded_scenario_or_with_a_failed_one_there_is_no_marginal_figure()
    {
        Report.MarginalBytesPerObject(Results, "ork", new Scenario(15, 20), out var over).ShouldBeNull();
        over.ShouldBeNull();
        Report.MarginalBytesPerObject(Results, "baseline", new Scenario(15, 100), out _).ShouldBeNull();
        RunResult[] failed = [Results[0], Run("ork", 15, 20, 1, error: "sandbox died"), Results[2]];
        Report.MarginalBytesPerObject(failed, "ork", new Scenario(15, 100), out _).ShouldBeNull();
        Report.BytesPerObjectOverIdle(failed, "ork", new Scenario(15, 100)).ShouldNotBeNull();
    }
}
