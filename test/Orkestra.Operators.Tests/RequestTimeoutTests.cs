using Orkestra.Operators.Tests.Support;

namespace Orkestra.Operators.Tests;

/// <summary>
/// A response that never arrives (the sandbox's HangNext) fails that one request at <c>--kube-api-timeout</c>, so the
/// reconcile fails naming the request and its retry converges — instead of holding the worker until the 2-minute
/// reconcile timeout (52 s in issue 15).
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class RequestTimeoutTests
{
    [Test]
    public async Task An_apply_that_is_never_answered_fails_at_the_request_timeout_and_the_retry_converges()
    {
        await using var ork = await RunningOperators.StartAsync(["test/Orkestra.Operators.Tests/Katalogs/resilience/katalog.yaml"],
            arguments: ["--kube-api-timeout", "1s"]);
        await ork.WaitReadyAsync();
        var sandbox = ork.Sandbox;
        sandbox.Server.Faults.HangNext(1, "patch", "configmaps");
        var body = """{"apiVersion":"test.orkestra.io/v1","kind":"Item","metadata":{"name":"slow","namespace":"default"},"spec":{"value":"v1"}}""";
        var (code, response, _) = await sandbox.SendAsync(HttpMethod.Post, "/apis/test.orkestra.io/v1/namespaces/default/items", body);
        code.ShouldBe(201, response?.ToJsonString());

        await ork.EventuallyAsync(async () => (string?)(await ork.GetAsync("configmap", "slow"))?["data"]?["value"] == "v1",
            "the retried reconcile to apply the ConfigMap", TimeSpan.FromSeconds(30));
        ork.Logs.ShouldContain("no complete response within 00:00:01");
    }
}
