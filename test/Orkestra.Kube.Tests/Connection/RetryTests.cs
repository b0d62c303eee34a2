using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Orkestra.Kube.Client;
using Orkestra.Kube.Tests.Support;

namespace Orkestra.Kube.Tests.Connection;

public sealed class RetryTests
{
    static readonly GroupVersionResource ConfigMaps = new("", "v1", "configmaps");
    const string Cm = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns","resourceVersion":"5"}}""";

    static JsonObject NewConfigMap() => new() { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = "a" } };

    [Test]
    public async Task Too_many_requests_is_retried_after_the_servers_Retry_After()
    {
        var time = new ManualTimeProvider { AutoFireUpTo = TimeSpan.FromSeconds(45) };
        var network = new ScriptedHandler()
            .Then(HttpStatusCode.TooManyRequests, ScriptedHandler.Status(429, "TooManyRequests", "slow down"), ("Retry-After", "7"))
            .Then(HttpStatusCode.OK, Cm);

        var cm = await Fakes.Client(network, time).GetAsync(ConfigMaps, "ns", "a", Fakes.Timeout());

        cm.GetProperty("metadata").GetProperty("name").GetString().ShouldBe("a");
        network.Requests.Count.ShouldBe(2);
        time.Requested.ShouldContain(TimeSpan.FromSeconds(7));
    }

    [Test]
    public async Task Retry_After_is_capped_by_the_maximum_delay()
    {
        var time = new ManualTimeProvider { AutoFireUpTo = TimeSpan.FromSeconds(45) };
        var network = new ScriptedHandler()
            .Then(HttpStatusCode.TooManyRequests, ScriptedHandler.Status(429, "TooManyRequests", "slow down"), ("Retry-After", "3600"))
            .Then(HttpStatusCode.OK, Cm);

        await Fakes.Client(network, time).GetAsync(ConfigMaps, "ns", "a", Fakes.Timeout());

        time.Requested.ShouldContain(TimeSpan.FromSeconds(30));
        time.Requested.ShouldNotContain(TimeSpan.FromSeconds(3600));
    }

    [Test]
    public async Task Server_errors_on_a_read_are_retried_with_growing_jittered_delays_then_reported()
    {
        var time = new ManualTimeProvider { AutoFireUpTo = TimeSpan.FromSeconds(45) };
        var network = new ScriptedHandler();
        for (var i = 0; i < 4; i++) network.Then(HttpStatusCode.ServiceUnavailable, ScriptedHandler.Status(503, "ServiceUnavailable", "down"));

        var error = await Should.ThrowAsync<KubeApiException>(() => Fakes.Client(network, time).GetAsync(ConfigMaps, "ns", "a", Fakes.Timeout()));

        error.Code.ShouldBe(503);
        network.Requests.Count.ShouldBe(4);   // first attempt + 3 retries
        var delays = time.Requested.Where(d => d < TimeSpan.FromSeconds(45)).ToList();
        // the shared Backoff: 500 ms doubling, equal jitter, random 0.5 (Fakes) → three quarters of each ceiling
        delays.ShouldBe([TimeSpan.FromMilliseconds(375), TimeSpan.FromMilliseconds(750), TimeSpan.FromMilliseconds(1500)]);
    }

    [Test]
    public async Task A_create_is_not_retried_after_a_server_error()
    {
        var network = new ScriptedHandler().Then(HttpStatusCode.InternalServerError, ScriptedHandler.Status(500, "InternalError", "boom"));

        var error = await Should.ThrowAsync<KubeApiException>(() => Fakes.Client(network).CreateAsync(ConfigMaps, "ns", NewConfigMap(), null, Fakes.Timeout()));

        error.Code.ShouldBe(500);
        network.Requests.Count.ShouldBe(1);
    }

    [Test]
    public async Task A_create_is_not_retried_when_the_connection_dies_after_sending()
    {
        var network = new ScriptedHandler().ThenThrow(new HttpRequestException(HttpRequestError.ResponseEnded, "connection reset"));

        await Should.ThrowAsync<HttpRequestException>(() => Fakes.Client(network).CreateAsync(ConfigMaps, "ns", NewConfigMap(), null, Fakes.Timeout()));

        network.Requests.Count.ShouldBe(1);
    }

    [Test]
    public async Task A_create_is_retried_when_the_connection_was_never_established_or_on_429()
    {
        var network = new ScriptedHandler()
            .ThenThrow(new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)))
            .Then(HttpStatusCode.TooManyRequests, ScriptedHandler.Status(429, "TooManyRequests", "later"), ("Retry-After", "1"))
            .Then(HttpStatusCode.Created, Cm);

        var created = await Fakes.Client(network).CreateAsync(ConfigMaps, "ns", NewConfigMap(), null, Fakes.Timeout());

        created.GetProperty("metadata").GetProperty("resourceVersion").GetString().ShouldBe("5");
        network.Requests.Count.ShouldBe(3);
        network.Requests.ShouldAllBe(r => r.Method == HttpMethod.Post && r.Body!.Contains("\"name\":\"a\""));
    }

    [Test]
    public async Task Reads_are_retried_after_a_connection_reset()
    {
        var network = new ScriptedHandler()
            .ThenThrow(new HttpRequestException(HttpRequestError.ResponseEnded, "reset"))
            .Then(HttpStatusCode.OK, Cm);

        await Fakes.Client(network).GetAsync(ConfigMaps, "ns", "a", Fakes.Timeout());

        network.Requests.Count.ShouldBe(2);
    }

    [Test]
    public async Task A_watch_is_never_retried_by_the_pipeline()
    {
        var network = new ScriptedHandler().Then(HttpStatusCode.InternalServerError, ScriptedHandler.Status(500, "InternalError", "boom"));
        var client = Fakes.Client(network);

        var error = await Should.ThrowAsync<KubeApiException>(async () =>
        {
            await foreach (var _ in client.WatchAsync(ConfigMaps, "ns", new WatchOptions(), Fakes.Timeout())) { }
        });

        error.Code.ShouldBe(500);
        network.Requests.Count.ShouldBe(1);
    }

    [Test]
    public async Task Client_errors_are_not_retried()
    {
        var network = new ScriptedHandler().Then(HttpStatusCode.Conflict, ScriptedHandler.Status(409, "Conflict", "stale"));

        var error = await Should.ThrowAsync<KubeApiException>(() =>
            Fakes.Client(network).UpdateAsync(ConfigMaps, "ns", "a", NewConfigMap(), null, Fakes.Timeout()));

        error.IsConflict.ShouldBeTrue();
        network.Requests.Count.ShouldBe(1);
    }

    [Test]
    public async Task Every_attempt_carries_the_bearer_token_and_is_counted_by_verb_and_code()
    {
        var metrics = new RecordingMetrics();
        var network = new ScriptedHandler()
            .Then(HttpStatusCode.InternalServerError, ScriptedHandler.Status(500, "InternalError", "x"))
            .Then(HttpStatusCode.OK, Cm);

        await Fakes.Connection(network, metrics: metrics).CreateClient().GetAsync(ConfigMaps, "ns", "a", Fakes.Timeout());

        network.Requests.ShouldAllBe(r => r.Authorization == "Bearer t0ken");
        metrics.Requests.Select(r => (r.Verb, r.Code)).ShouldBe([("get", 500), ("get", 200)]);
    }
}
