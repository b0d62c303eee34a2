using Orkestra.ApiMachinery.Meta;
using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orkestra.Operators.Tests.Support;
using Orkestra.Runtime;
using Orkestra.Runtime.Controllers;

namespace Orkestra.Operators.Tests;

/// <summary>Two <c>ork run</c> replicas on one Lease: only the leader reconciles; when it stops or is killed, the follower
/// (caches already warm) takes over — at its next retry after a graceful stop, within the lease duration plus a retry
/// period after a kill.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class LeaderElectionTests
{
    private static readonly Dictionary<string, string> ShortLease = new() { ["LEASE_DURATION"] = "3" };   // renew deadline 2 s, retry 1 s

    [Test]
    public async Task When_the_leader_is_killed_the_follower_takes_over_and_reconciles_a_new_CR()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        string[] args = ["run", "-k", Repo.Path("samples/hello-website/katalog.yaml"), "--kubeconfig", sandbox.KubeconfigPath, "--port", "0",
            "--bind", "127.0.0.1", "--apply", "always", "--leader-elect=true", "--lease-name", "hello-test", "--log-level", "debug"];
        using var first = OrkProcess.Start(args, ShortLease);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Until(async () => first.Address is { } a && await Leading(http, a) == true, "the first process to lead", first);

        using var second = OrkProcess.Start(args, ShortLease);
        await Until(async () => second.Address is { } a && await Leading(http, a) == false, "the second process to follow", second);
        (await sandbox.KubectlAsync($"apply -f {Repo.Path("samples/hello-website/cr.yaml")}")).ExitCode.ShouldBe(0);
        await Until(async () => (await sandbox.KubectlAsync("get deployment hello")).ExitCode == 0, "the leader to reconcile", first);

        first.KillHard();
        (await sandbox.KubectlAsync("apply -f -", """
            apiVersion: demo.orkestra.io/v1alpha1
            kind: Website
            metadata: {name: after-failover, namespace: default}
            spec: {image: "nginx:1.27", replicas: 1}
            """)).ExitCode.ShouldBe(0);
        // Lease 3 s + retry 0.4 s (+ jitter) after the last renewal; the bound leaves room for a loaded machine.
        await Until(async () => (await sandbox.KubectlAsync("get deployment after-failover")).ExitCode == 0,
            "the follower to take over and reconcile the new CR", second, TimeSpan.FromSeconds(20));
        (await Leading(http, second.Address!)).ShouldBe(true);

        (await second.TerminateAsync(TimeSpan.FromSeconds(30))).ShouldBe(0, second.Output);
        var leases = await sandbox.KubectlAsync("get lease hello-test -o json");
        leases.Stderr.ShouldContain("NotFound", customMessage: "a graceful exit deletes the Lease it held\n" + leases);
    }

    /// <summary>Both replicas in process with <c>ork run</c>'s options (leader election on, the default Lease name and
    /// timings), each reconciler wrapped to record its calls: the follower's is never called while the other leads,
    /// although its caches are synced and every change reaches them; after the leader's graceful stop it is.</summary>
    [Test]
    public async Task Of_two_replicas_sharing_a_Lease_only_the_leader_reconciles_until_it_stops()
    {
        var leaderCalls = new ConcurrentQueue<ObjectKey>();
        var followerCalls = new ConcurrentQueue<ObjectKey>();
        await using var first = await RunningOperators.StartAsync(["samples/hello-website/katalog.yaml"],
            wrap: (_, inner) => new RecordingReconciler(inner, leaderCalls));
        await first.EventuallyAsync(async () => await first.LeadingAsync() == true, "the first replica to lead");
        await using var second = await first.StartPeerAsync((_, inner) => new RecordingReconciler(inner, followerCalls));
        await second.WaitReadyAsync();
        (await second.LeadingAsync()).ShouldBe(false);

        await first.OkAsync($"apply -f {Repo.Path("samples/hello-website/cr.yaml")}");
        await first.OkAsync("wait --for=condition=Ready website/hello --timeout=60s");
        await first.OkAsync("patch website hello --type=merge -p '{\"spec\":{\"replicas\":3}}'");
        await first.EventuallyAsync(async () => (int?)(await first.GetAsync("deployment", "hello"))?["spec"]?["replicas"] == 3,
            "the leader to follow the spec");
        await second.EventuallyAsync(() => Task.FromResult(second.Host.State.Operators.Single().Resources().Count == 1),
            "the follower's cache to hold the CR");
        leaderCalls.ShouldNotBeEmpty();
        followerCalls.ShouldBeEmpty("the follower reconciled while the other replica led");

        (await first.StopAsync()).ShouldBe(0);   // graceful: the Lease is deleted, the follower acquires it at its next retry
        await second.EventuallyAsync(async () => await second.LeadingAsync() == true, "the follower to take over");
        await second.OkAsync("patch website hello --type=merge -p '{\"spec\":{\"replicas\":4}}'");
        await second.EventuallyAsync(async () => (int?)(await second.GetAsync("deployment", "hello"))?["spec"]?["replicas"] == 4,
            "the new leader to follow the spec");
        followerCalls.ShouldNotBeEmpty();
    }

    private sealed class RecordingReconciler(IReconciler inner, ConcurrentQueue<ObjectKey> calls) : IReconciler
    {
        public ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellation)
        {
            calls.Enqueue(key);
            return inner.ReconcileAsync(key, cancellation);
        }
    }

    private static async Task<bool?> Leading(HttpClient http, Uri address)
    {
        try
        {
            var katalog = await http.GetFromJsonAsync<JsonObject>(new Uri(address, "/katalog"));
            return (bool?)katalog?["leader"];
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task Until(Func<Task<bool>> condition, string what, OrkProcess process, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            if (process.HasExited) break;
            await Task.Delay(50);
        }
        Assert.Fail($"timed out waiting for {what}; process output:\n{process.Output}");
    }
}
