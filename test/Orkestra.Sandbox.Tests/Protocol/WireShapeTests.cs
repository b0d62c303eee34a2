using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Protocol;

/// <summary>Byte-level shapes clients depend on: Status bodies, list metadata, watch lines, auth, discovery, OpenAPI.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class WireShapeTests
{
    const string Cm = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","labels":{"app":"x"}},"data":{"k":"v"}}""";

    [Test]
    public async Task Requests_without_the_token_get_401_Status()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        var response = await sb.Http.SendAsync(request).WaitAsync(TestSandbox.Timeout);
        ((int)response.StatusCode).ShouldBe(401);
        (await response.Content.ReadAsStringAsync()).ShouldBe("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}""");
    }

    [Test]
    public async Task NotFound_and_AlreadyExists_Status_bodies_are_exact()
    {
        await using var sb = await TestSandbox.StartAsync();
        var (code, body, _) = await sb.GetAsync("/apis/apps/v1/namespaces/default/deployments/web");
        code.ShouldBe(404);
        JsonNode.DeepEquals(body, JsonNode.Parse("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \"web\" not found","reason":"NotFound","details":{"name":"web","group":"apps","kind":"deployments"},"code":404}""")).ShouldBeTrue(body!.ToJsonString());
        (await sb.PostAsync("/api/v1/namespaces/default/configmaps", Cm)).Code.ShouldBe(201);
        var (conflict, status, _) = await sb.PostAsync("/api/v1/namespaces/default/configmaps", Cm);
        conflict.ShouldBe(409);
        JsonNode.DeepEquals(status, JsonNode.Parse("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"a\" already exists","reason":"AlreadyExists","details":{"name":"a","group":"","kind":"configmaps"},"code":409}""")).ShouldBeTrue(status!.ToJsonString());
        var (missingNs, nsBody, _) = await sb.PostAsync("/api/v1/namespaces/nope/configmaps", Cm.Replace("\"name\":\"a\"", "\"name\":\"b\"", StringComparison.Ordinal));
        missingNs.ShouldBe(404);
        nsBody!["message"]!.GetValue<string>().ShouldBe("namespaces \"nope\" not found");
    }

    [Test]
    public async Task Create_sets_server_fields_and_rv_is_one_global_counter()
    {
        await using var sb = await TestSandbox.StartAsync();
        var (_, created, _) = await sb.PostAsync("/api/v1/namespaces/default/configmaps", Cm);
        var meta = created!["metadata"]!;
        Guid.TryParse(meta["uid"]!.GetValue<string>(), out _).ShouldBeTrue();
        meta["creationTimestamp"]!.GetValue<string>().ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$");
        var rv = long.Parse(meta["resourceVersion"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var (_, list, _) = await sb.GetAsync("/api/v1/configmaps");
        list!["kind"]!.GetValue<string>().ShouldBe("ConfigMapList");
        long.Parse(list["metadata"]!["resourceVersion"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(rv);
        var (_, secret, _) = await sb.PostAsync("/api/v1/namespaces/default/secrets", """{"metadata":{"name":"s"}}""");
        long.Parse(secret!["metadata"]!["resourceVersion"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(rv + 1);
    }

    [Test]
    public async Task No_op_update_keeps_resource_version_and_stale_update_conflicts()
    {
        await using var sb = await TestSandbox.StartAsync();
        var (_, created, _) = await sb.PostAsync("/api/v1/namespaces/default/configmaps", Cm);
        var (code, same, _) = await sb.SendAsync(HttpMethod.Put, "/api/v1/namespaces/default/configmaps/a", created!.ToJsonString());
        code.ShouldBe(200);
        same!["metadata"]!["resourceVersion"]!.GetValue<string>().ShouldBe(created["metadata"]!["resourceVersion"]!.GetValue<string>());
        created["data"]!["k"] = "changed";
        (await sb.SendAsync(HttpMethod.Put, "/api/v1/namespaces/default/configmaps/a", created.ToJsonString())).Code.ShouldBe(200);
        var (stale, body, _) = await sb.SendAsync(HttpMethod.Put, "/api/v1/namespaces/default/configmaps/a", created.ToJsonString());
        stale.ShouldBe(409);
        body!["reason"]!.GetValue<string>().ShouldBe("Conflict");
    }

    [Test]
    public async Task List_pagination_returns_continue_and_keeps_list_rv()
    {
        await using var sb = await TestSandbox.StartAsync();
        for (var i = 0; i < 5; i++)
            await sb.PostAsync("/api/v1/namespaces/default/configmaps", Cm.Replace("\"name\":\"a\"", $"\"name\":\"c{i}\"", StringComparison.Ordinal));
        var (_, first, _) = await sb.GetAsync("/api/v1/namespaces/default/configmaps?limit=2");
        first!["items"]!.AsArray().Count.ShouldBe(2);
        var token = first["metadata"]!["continue"]!.GetValue<string>();
        var (_, second, _) = await sb.GetAsync($"/api/v1/namespaces/default/configmaps?limit=10&continue={Uri.EscapeDataString(token)}");
        second!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ShouldBe(["c2", "c3", "c4"]);
        second["metadata"]!["resourceVersion"]!.GetValue<string>().ShouldBe(first["metadata"]!["resourceVersion"]!.GetValue<string>());
        (await sb.GetAsync("/api/v1/configmaps?labelSelector=app%20in%20(x,y)")).Body!["items"]!.AsArray().Count.ShouldBe(5);
        var (bad, badBody, _) = await sb.GetAsync("/api/v1/configmaps?fieldSelector=spec.nope%3D1");
        bad.ShouldBe(400);
        badBody!["message"]!.GetValue<string>().ShouldBe("field label not supported: spec.nope");
    }

    [Test]
    public async Task Watch_streams_one_event_per_line_and_too_old_rv_gets_error_410()
    {
        await using var sb = await TestSandbox.StartAsync(new SandboxOptions { WatchHistory = 2 });
        var (_, created, _) = await sb.PostAsync("/api/v1/namespaces/default/configmaps", Cm);
        var startRv = created!["metadata"]!["resourceVersion"]!.GetValue<string>();
        using var stream = await sb.Http.GetStreamAsync($"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={startRv}").WaitAsync(TestSandbox.Timeout);
        using var reader = new StreamReader(stream);
        await sb.SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/a", """{"data":{"k":"2"}}""", "application/merge-patch+json");
        var line = await reader.ReadLineAsync().WaitAsync(TestSandbox.Timeout);
        var e = JsonNode.Parse(line!)!;
        e["type"]!.GetValue<string>().ShouldBe("MODIFIED");
        e["object"]!["kind"]!.GetValue<string>().ShouldBe("ConfigMap");
        e["object"]!["data"]!["k"]!.GetValue<string>().ShouldBe("2");
        sb.Server.Faults.ExpireHistory();
        var old = await sb.Http.GetStringAsync($"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={startRv}").WaitAsync(TestSandbox.Timeout);
        var oldest = long.Parse(startRv, System.Globalization.CultureInfo.InvariantCulture) + 2;
        old.ShouldBe("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource version: " + startRv + " (" + oldest + ")\",\"reason\":\"Expired\",\"code\":410}}\n");
    }

    [Test]
    public async Task Discovery_lists_built_ins_and_openapi_v3_advertises_fieldValidation_and_v2_is_404()
    {
        await using var sb = await TestSandbox.StartAsync();
        var (_, apps, _) = await sb.GetAsync("/apis/apps/v1");
        var deployments = apps!["resources"]!.AsArray().First(r => r!["name"]!.GetValue<string>() == "deployments")!;
        deployments["shortNames"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe(["deploy"]);
        apps["resources"]!.AsArray().Any(r => r!["name"]!.GetValue<string>() == "deployments/scale").ShouldBeTrue();
        var (_, index, _) = await sb.GetAsync("/openapi/v3");
        var url = index!["paths"]!["apis/apps/v1"]!["serverRelativeURL"]!.GetValue<string>();
        var (_, doc, _) = await sb.GetAsync(url);
        var patch = doc!["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]!;
        patch["x-kubernetes-group-version-kind"]!["kind"]!.GetValue<string>().ShouldBe("Deployment");
        patch["parameters"]!.AsArray().Any(p => p!["name"]!.GetValue<string>() == "fieldValidation").ShouldBeTrue();
        (await sb.GetAsync("/openapi/v2")).Code.ShouldBe(404);
        var health = await sb.Http.GetStringAsync("/readyz").WaitAsync(TestSandbox.Timeout);
        health.ShouldBe("ok");
    }

    [Test]
    public async Task Injected_429_carries_retry_after_and_request_log_counts_verbs()
    {
        await using var sb = await TestSandbox.StartAsync();
        sb.Server.Faults.FailNext(1, 429, verb: "list", resource: "configmaps");
        var (code, body, response) = await sb.GetAsync("/api/v1/configmaps");
        code.ShouldBe(429);
        response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1));
        body!["reason"]!.GetValue<string>().ShouldBe("TooManyRequests");
        (await sb.GetAsync("/api/v1/configmaps")).Code.ShouldBe(200);
        sb.Server.RequestLog.Count("list").ShouldBe(2);
        sb.Server.RequestLog.Records.Last().Code.ShouldBe(200);
    }
}
