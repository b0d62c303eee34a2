using System.Net;
using Orkestra.Operators.Tests.Support;

namespace Orkestra.Operators.Tests;

/// <summary>The seed's hello-website operator end to end: kubectl applies a Website, ork run builds and owns its children.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class HelloWebsiteTests
{
    [Test]
    public async Task A_website_gets_an_owned_deployment_and_service_Ready_status_events_and_metrics()
    {
        await using var ork = await RunningOperators.SampleAsync("hello-website", "website/hello");
        (await ork.Http.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ork.Http.GetAsync("/readyz")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var website = (await ork.GetAsync("website", "hello"))!;
        var uid = (string)website["metadata"]!["uid"]!;
        website["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f).ShouldContain("orkestra.orkspace.io/finalizer");
        ((string?)website["metadata"]!["labels"]!["orkestra.orkspace.io/managed"]).ShouldBe("true");
        ((long)website["status"]!["observedGeneration"]!).ShouldBe((long)website["metadata"]!["generation"]!);

        var deployment = (await ork.GetAsync("deployment", "hello"))!;
        ((string)deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!).ShouldBe("nginx:1.27");
        ((int)deployment["spec"]!["replicas"]!).ShouldBe(2);
        var owner = deployment["metadata"]!["ownerReferences"]![0]!;
        ((string)owner["kind"]!).ShouldBe("Website");
        ((string)owner["uid"]!).ShouldBe(uid);
        ((bool)owner["controller"]!).ShouldBeTrue();
        ((string?)deployment["metadata"]!["labels"]!["orkestra-owner"]).ShouldBe("hello");

        var service = (await ork.GetAsync("service", "hello"))!;
        ((int)service["spec"]!["ports"]![0]!["port"]!).ShouldBe(80);
        ((string)service["metadata"]!["ownerReferences"]![0]!["uid"]!).ShouldBe(uid);

        var events = await ork.OkAsync("get events --field-selector involvedObject.name=hello,involvedObject.kind=Website -o jsonpath={.items[*].reason}");
        events.ShouldContain("Created");

        var metrics = await ork.MetricsAsync();
        metrics.ShouldContain("controller_reconcile_total{crd=\"website\",result=\"success\"}");
        metrics.ShouldContain("rest_client_requests_total{code=\"200\",method=\"PATCH\"");
        var katalog = await ork.Http.GetStringAsync("/katalog/website/cr");
        katalog.ShouldContain("\"ready\": \"True\"");
    }
}
