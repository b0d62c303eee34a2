using System.Net;
using Orkestra.Operators.Tests.Support;
using Orkestra.Runtime.Hosting;

namespace Orkestra.Operators.Tests;

/// <summary>One CRD's failures stay its own: a CRD whose every reconcile fails keeps failing alone while another CRD
/// in the same process keeps reconciling.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class IsolationTests
{
    private const string Katalog = "test/Orkestra.Operators.Tests/Katalogs/isolation/katalog.yaml";

    [Test]
    public async Task A_failing_operator_degrades_alone_while_its_neighbour_keeps_reconciling()
    {
        await using var ork = await RunningOperators.StartAsync([Katalog], new RuntimeDefaults { FailureThreshold = 2 });
        await ork.WaitReadyAsync();
        await ork.OkAsync("apply -f -", """
            apiVersion: test.orkestra.io/v1
            kind: Broken
            metadata: {name: b1}
            spec: {size: huge}
            """);
        await ork.EventuallyAsync(async () => (string?)(await ork.ReadyAsync("broken", "b1"))?["status"] == "False", "Broken b1 Ready=False");
        var ready = (await ork.ReadyAsync("broken", "b1"))!;
        ((string)ready["reason"]!).ShouldBe("ReconcileError");
        ((string)ready["message"]!).ShouldContain("replicas");
        await ork.EventuallyAsync(async () => (await ork.Http.GetAsync("/katalog/broken/health")).StatusCode == HttpStatusCode.ServiceUnavailable,
            "broken to report degraded");
        (await ork.OkAsync("get events --field-selector involvedObject.name=b1,type=Warning -o jsonpath={.items[*].reason}")).ShouldContain("ReconcileError");

        for (var i = 0; i < 3; i++)
        {
            await ork.OkAsync("apply -f -", $$"""
                apiVersion: test.orkestra.io/v1
                kind: Steady
                metadata: {name: s{{i}}}
                spec: {color: blue}
                """);
        }
        await ork.OkAsync("wait --for=condition=Ready steady/s0 steady/s1 steady/s2 --timeout=60s");
        (await ork.GetAsync("configmap", "s2-data")).ShouldNotBeNull();
        (await ork.Http.GetAsync("/katalog/steady/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ork.Http.GetAsync("/katalog/broken/health")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }
}
