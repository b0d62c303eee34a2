using System.Net;
using System.Text.Json;
using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Hosting;
using Orkestra.Runtime.Observability;
using Prometheus;

namespace Orkestra.Runtime.Tests.Hosting;

/// <summary>The runtime's HTTP surface over real HTTP on a loopback port of its own.</summary>
public class HttpEndpointsTests
{
    private static async Task<(RuntimeHttpServer Server, RuntimeState State, Func<bool> SetDegraded, HttpClient Client)> Start()
    {
        var metrics = new RuntimeMetrics(Metrics.NewCustomRegistry());
        metrics.ForOperator("website");
        var state = new RuntimeState();
        var synced = false;
        var degraded = false;
        var cr = JsonDocument.Parse("""
            {"metadata":{"name":"hello","namespace":"default"},"status":{"conditions":[{"type":"Ready","status":"False","message":"image missing"}]}}
            """).RootElement.Clone();
        state.SetOperators([new OperatorView
        {
            Crd = "website", Group = "demo.orkestra.io", Version = "v1alpha1", Kind = "Website", Workers = 3,
            QueueDepth = () => 4, ActiveWorkers = () => 1,
            Health = () => degraded ? new ControllerHealth(ControllerHealthState.Degraded, 5) : new ControllerHealth(ControllerHealthState.Healthy, 0),
            Synced = () => synced, Resources = () => [cr],
        }]);
        var server = await RuntimeHttpServer.StartAsync(IPAddress.Loopback, 0, state, metrics).WaitAsync(Bounded.Default);
        var client = new HttpClient { BaseAddress = server.Address, Timeout = Bounded.Default };
        state.MarkStarted();
        return (server, state, () => { synced = true; degraded = true; return true; }, client);
    }

    [TestCase("127.0.0.1", "127.0.0.1")]
    [TestCase("0.0.0.0", "0.0.0.0")]
    public async Task The_bound_address_is_what_the_listener_reports_and_clients_reach_it_on_loopback(string bind, string printed)
    {
        var metrics = new RuntimeMetrics(Metrics.NewCustomRegistry());
        await using var server = await RuntimeHttpServer.StartAsync(IPAddress.Parse(bind), 0, new RuntimeState(), metrics)
            .WaitAsync(Bounded.Default);
        var bound = new Uri(server.Bound);
        bound.Host.ShouldBe(printed);
        bound.Port.ShouldBeGreaterThan(0);
        server.Address.ShouldBe(new Uri($"http://127.0.0.1:{bound.Port}/"));
        using var client = new HttpClient { Timeout = Bounded.Default };
        (await client.GetAsync(new Uri(server.Address, "/healthz"))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Test]
    public async Task Probes_follow_startup_and_cache_sync()
    {
        var (server, _, syncAndDegrade, client) = await Start();
        await using var _ = server;
        (await client.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/startup")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/readyz")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        syncAndDegrade();
        (await client.GetAsync("/readyz")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Test]
    public async Task Out_of_contact_caches_are_not_ready_and_not_healthy_and_say_why()
    {
        var metrics = new RuntimeMetrics(Metrics.NewCustomRegistry());
        var state = new RuntimeState();
        string? outOfContact = null;
        state.SetOperators([new OperatorView
        {
            Crd = "website", Group = "demo.orkestra.io", Version = "v1alpha1", Kind = "Website", Workers = 3,
            QueueDepth = () => 0, ActiveWorkers = () => 0, Health = () => new ControllerHealth(ControllerHealthState.Healthy, 0),
            Synced = () => true, Resources = () => [], OutOfContact = () => outOfContact,
        }]);
        state.MarkStarted();
        await using var server = await RuntimeHttpServer.StartAsync(IPAddress.Loopback, 0, state, metrics).WaitAsync(Bounded.Default);
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = Bounded.Default };
        (await client.GetAsync("/readyz")).StatusCode.ShouldBe(HttpStatusCode.OK);

        outOfContact = "no answer from the API server to the list/watch of websites for 45 s (last error: connection refused)";
        var ready = await client.GetAsync("/readyz");
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await ready.Content.ReadAsStringAsync()).ShouldBe("website: " + outOfContact + "\n");
        using var katalog = JsonDocument.Parse(await client.GetStringAsync("/katalog"));
        katalog.RootElement.GetProperty("ready").GetBoolean().ShouldBeFalse();
        var crd = katalog.RootElement.GetProperty("crds")[0];
        crd.GetProperty("health").GetString().ShouldBe("degraded");
        crd.GetProperty("healthReason").GetString().ShouldBe(outOfContact);
        var health = await client.GetAsync("/katalog/website/health");
        health.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await health.Content.ReadAsStringAsync()).ShouldContain("connection refused");
    }

    [Test]
    public async Task The_katalog_api_describes_each_crd_its_health_and_its_resources()
    {
        var (server, state, syncAndDegrade, client) = await Start();
        await using var _ = server;
        using var bare = JsonDocument.Parse(await client.GetStringAsync("/katalog"));
        bare.RootElement.TryGetProperty("gatewayEndpoint", out var _).ShouldBeFalse();
        state.GatewayEndpoint = "https://gateway.example";
        using var katalog = JsonDocument.Parse(await client.GetStringAsync("/katalog"));
        katalog.RootElement.GetProperty("gatewayEndpoint").GetString()
            .ShouldBe("https://gateway.example", "security.gatewayEndpoint is advertised");
        var crd = katalog.RootElement.GetProperty("crds")[0];
        crd.GetProperty("name").GetString().ShouldBe("website");
        crd.GetProperty("queueDepth").GetInt32().ShouldBe(4);
        crd.GetProperty("state").GetString().ShouldBe("syncing");
        (await client.GetAsync("/katalog/website/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        syncAndDegrade();
        var health = await client.GetAsync("/katalog/website/health");
        health.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await health.Content.ReadAsStringAsync()).ShouldContain("degraded");
        using var crs = JsonDocument.Parse(await client.GetStringAsync("/katalog/website/cr"));
        crs.RootElement[0].GetProperty("ready").GetString().ShouldBe("False");
        crs.RootElement[0].GetProperty("message").GetString().ShouldBe("image missing");
        (await client.GetAsync("/katalog/nosuch")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/nothing-here")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.PostAsync("/katalog", null)).StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
    }

    [Test]
    public async Task Metrics_are_served_in_prometheus_text_with_every_series_present()
    {
        var (server, _, _, client) = await Start();
        await using var _ = server;
        var response = await client.GetAsync("/metrics");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldContain("controller_reconcile_total{crd=\"website\",result=\"success\"} 0");
        text.ShouldContain("workqueue_depth{name=\"website\"} 0");
    }
}
