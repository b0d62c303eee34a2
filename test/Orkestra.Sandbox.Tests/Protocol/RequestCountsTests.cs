using System.Net.Http.Headers;
using Orkestra.Sandbox.Diagnostics;
using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Protocol;

/// <summary><c>GET /sandbox/requests</c>: request counts for a client in another process (the footprint harness).</summary>
[Parallelizable(ParallelScope.All)]
public sealed class RequestCountsTests
{
    const string Cm = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"v"}}""";

    [Test]
    public async Task Counts_every_completed_request_per_verb_and_writes_but_not_the_reading_request()
    {
        await using var sb = await TestSandbox.StartAsync();
        (await sb.PostAsync("/api/v1/namespaces/default/configmaps", Cm)).Code.ShouldBe(201);
        (await sb.GetAsync("/api/v1/namespaces/default/configmaps/a")).Code.ShouldBe(200);
        (await sb.GetAsync("/api/v1/namespaces/default/configmaps")).Code.ShouldBe(200);
        (await sb.SendAsync(HttpMethod.Delete, "/api/v1/namespaces/default/configmaps/a")).Code.ShouldBe(200);

        var (code, body, _) = await sb.GetAsync(RequestCounts.Path);

        code.ShouldBe(200);
        body!["total"]!.GetValue<long>().ShouldBe(4);
        body["writes"]!.GetValue<long>().ShouldBe(2);
        body["verbs"]!["create"]!.GetValue<long>().ShouldBe(1);
        body["verbs"]!["get"]!.GetValue<long>().ShouldBe(1);
        body["verbs"]!["list"]!.GetValue<long>().ShouldBe(1);
        body["verbs"]!["delete"]!.GetValue<long>().ShouldBe(1);
        body["recentWrites"]!.AsArray().Select(w => $"{w!["verb"]} {w["path"]} {w["code"]}").ShouldBe(
            ["create /api/v1/namespaces/default/configmaps 201", "delete /api/v1/namespaces/default/configmaps/a 200"]);
        var (_, again, _) = await sb.GetAsync(RequestCounts.Path);
        again!["total"]!.GetValue<long>().ShouldBe(5); // the first read is counted once it completed
        again["writes"]!.GetValue<long>().ShouldBe(2);
    }

    [Test]
    public async Task Requires_the_token()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, RequestCounts.Path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        var response = await sb.Http.SendAsync(request).WaitAsync(TestSandbox.Timeout);
        ((int)response.StatusCode).ShouldBe(401);
    }
}
