using Orkestra.Footprint.Gate;

namespace Orkestra.Footprint.Tests;

public sealed class BenchmarkResultsTests
{
    [Test]
    public void Reads_mean_and_allocations_and_skips_failed_benchmarks()
    {
        const string json = """
            {"Title":"x","Benchmarks":[
              {"Type":"ReconcileBenchmarks","Method":"ReconcileConverged","Statistics":{"Mean":15612.5},"Memory":{"Gen0Collections":3,"BytesAllocatedPerOperation":23760}},
              {"Type":"ReconcileBenchmarks","Method":"ParseDeployment","Statistics":{"Mean":1300.1}},
              {"Type":"ReconcileBenchmarks","Method":"Broken","Statistics":null}
            ]}
            """;
        var figures = BenchmarkResults.Parse(json);
        figures.Count.ShouldBe(2);
        figures[0].ShouldBe(new BenchmarkFigure("ReconcileBenchmarks", "ReconcileConverged", 15612.5, 23760));
        figures[0].Key.ShouldBe("micro.ReconcileBenchmarks.ReconcileConverged");
        figures[1].AllocatedBytes.ShouldBeNull();
    }
}
