using System.Net.Http.Headers;
using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Features;

/// <summary>Fault injection: pause/resume, latency on the injected clock, held watch events, and the token-guarded admin endpoint.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class FaultTests
{
    const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    static Task<(int Code, System.Text.Json.Nodes.JsonNode? Body, HttpResponseMessage Response)> Admin(TestSandbox sb, string action) =>
        sb.SendAsync(HttpMethod.Post, "/sandbox/faults/" + action);

    [Test]
    public async Task Pause_holds_requests_and_closes_watches_until_resume()
    {
        await using var sb = await TestSandbox.StartAsync();
        await using var watch = await WatchReader.OpenAsync(sb, ConfigMaps + "?watch=true&resourceVersion=1");
        watch.Code.ShouldBe(200);

        sb.Server.Faults.Pause();
        (await watch.NextAsync()).ShouldBeNull(); // the stream ended: an API server restart
        var held = sb.GetAsync(ConfigMaps);
        // Nothing can signal "still waiting"; give the request ample time to (wrongly) complete.
        (await Task.WhenAny(held, Task.Delay(300))).ShouldNotBe(held);

        sb.Server.Faults.Resume();
        (await held.WaitAsync(TestSandbox.Timeout)).Code.ShouldBe(200);
    }

    [Test]
    public async Task Latency_delays_every_request_on_the_injected_clock()
    {
        var clock = new ManualTimeProvider();
        await using var sb = await TestSandbox.StartAsync(new SandboxOptions { TimeProvider = clock });
        sb.Server.Faults.SetLatency(TimeSpan.FromSeconds(5));
        var delayed = sb.GetAsync(ConfigMaps);
        await TestSandbox.EventuallyAsync(() => Task.FromResult(clock.Requested.Contains(TimeSpan.FromSeconds(5))), "the latency timer");
        delayed.IsCompleted.ShouldBeFalse();
        clock.Advance(TimeSpan.FromSeconds(5));
        (await delayed.WaitAsync(TestSandbox.Timeout)).Code.ShouldBe(200);

        sb.Server.Faults.SetLatency(TimeSpan.Zero);
        (await sb.GetAsync(ConfigMaps)).Code.ShouldBe(200);
    }

    [Test]
    public async Task Held_watch_events_of_one_resource_wait_for_release_while_everything_else_flows()
    {
        await using var sb = await TestSandbox.StartAsync();
        (await Admin(sb, "holdWatches?resource=configmaps")).Code.ShouldBe(200);
        await using var configMaps = await WatchReader.OpenAsync(sb, ConfigMaps + "?watch=true&resourceVersion=1");
        await using var secrets = await WatchReader.OpenAsync(sb, "/api/v1/namespaces/default/secrets?watch=true&resourceVersion=1");
        var held = configMaps.NextAsync();

        (await sb.PostAsync(ConfigMaps, """{"metadata":{"name":"a"}}""")).Code.ShouldBe(201);
        (await sb.GetAsync(ConfigMaps + "/a")).Code.ShouldBe(200);   // reads see the write at once
        (await sb.PostAsync("/api/v1/namespaces/default/secrets", """{"metadata":{"name":"s"}}""")).Code.ShouldBe(201);
        (await secrets.NextAsync())!.Value.Object["metadata"]!["name"]!.GetValue<string>().ShouldBe("s");   // committed after "a"
        held.IsCompleted.ShouldBeFalse();

        (await Admin(sb, "releaseWatches")).Code.ShouldBe(200);
        var released = (await held)!.Value;
        released.Type.ShouldBe("ADDED");
        released.Object["metadata"]!["name"]!.GetValue<string>().ShouldBe("a");
        (await Admin(sb, "holdWatches")).Code.ShouldBe(400);   // which resource?
    }

    [Test]
    public async Task Admin_endpoint_injects_failures_and_rejects_bad_input()
    {
        await using var sb = await TestSandbox.StartAsync();
        var (code, body, _) = await Admin(sb, "fail?count=2&code=500&verb=list&resource=configmaps");
        code.ShouldBe(200);
        body!["status"]!.GetValue<string>().ShouldBe("Success");
        (await sb.GetAsync("/api/v1/namespaces/default/secrets")).Code.ShouldBe(200); // other resource untouched
        var failed = await sb.GetAsync(ConfigMaps);
        failed.Code.ShouldBe(500);
        failed.Body!["message"]!.GetValue<string>().ShouldBe("Internal error occurred: injected failure");
        (await sb.GetAsync(ConfigMaps)).Code.ShouldBe(500);
        (await sb.GetAsync(ConfigMaps)).Code.ShouldBe(200);

        (code, _, _) = await Admin(sb, "fail?code=429");
        code.ShouldBe(200);
        var throttled = await sb.GetAsync(ConfigMaps);
        throttled.Code.ShouldBe(429);
        throttled.Response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1));

        (code, body, _) = await Admin(sb, "fail?code=418");
        code.ShouldBe(400);
        body!["message"]!.GetValue<string>().ShouldBe("code must be 429, 500 or 409");
        (code, body, _) = await Admin(sb, "latency?ms=soon");
        code.ShouldBe(400);
        body!["message"]!.GetValue<string>().ShouldBe("query parameter ms must be a non-negative integer");
        (code, body, _) = await Admin(sb, "explode");
        code.ShouldBe(400);
        body!["message"]!.GetValue<string>().ShouldStartWith("unknown fault action \"explode\"");

        using var anonymous = new HttpRequestMessage(HttpMethod.Post, "/sandbox/faults/pause");
        anonymous.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        (await sb.Http.SendAsync(anonymous).WaitAsync(TestSandbox.Timeout)).StatusCode.ShouldBe(System.Net.HttpStatusCode.Unauthorized);
        (await sb.GetAsync(ConfigMaps)).Code.ShouldBe(200); // the unauthorised pause did nothing
    }

    [Test]
    public async Task Admin_endpoint_closes_watches_expires_history_and_pauses()
    {
        await using var sb = await TestSandbox.StartAsync();
        var (code, created, _) = await sb.PostAsync(ConfigMaps, """{"metadata":{"name":"a"}}""");
        code.ShouldBe(201);
        var rv = created!["metadata"]!["resourceVersion"]!.GetValue<string>();
        (await sb.PostAsync(ConfigMaps, """{"metadata":{"name":"b"}}""")).Code.ShouldBe(201);

        await using (var watch = await WatchReader.OpenAsync(sb, $"{ConfigMaps}?watch=true&resourceVersion={rv}"))
        {
            (await watch.NextAsync())!.Value.Object["metadata"]!["name"]!.GetValue<string>().ShouldBe("b");
            (await Admin(sb, "closeWatches")).Code.ShouldBe(200);
            (await watch.NextAsync()).ShouldBeNull();
        }

        (await Admin(sb, "expireHistory")).Code.ShouldBe(200);
        await using (var expired = await WatchReader.OpenAsync(sb, $"{ConfigMaps}?watch=true&resourceVersion={rv}"))
        {
            var error = (await expired.NextAsync())!.Value;
            error.Type.ShouldBe("ERROR");
            error.Object["code"]!.GetValue<int>().ShouldBe(410);
            error.Object["reason"]!.GetValue<string>().ShouldBe("Expired");
            (await expired.NextAsync()).ShouldBeNull();
        }

        (await Admin(sb, "pause")).Code.ShouldBe(200);
        var held = sb.GetAsync(ConfigMaps);
        (await Task.WhenAny(held, Task.Delay(300))).ShouldNotBe(held);
        (await Admin(sb, "resume")).Code.ShouldBe(200); // the admin endpoint itself is never paused
        (await held.WaitAsync(TestSandbox.Timeout)).Code.ShouldBe(200);
    }
}
