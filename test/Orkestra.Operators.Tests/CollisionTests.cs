using Orkestra.Operators.Tests.Support;

namespace Orkestra.Operators.Tests;

/// <summary>
/// Two entries that render the same child name for one CR (the name depends on the CR, so only the render can tell)
/// would overwrite each other on every reconcile, each write bringing the other back — a hot loop of writes. Neither is
/// applied: the CR says why (Ready=False naming both entries), the other children are built, and a CR whose names do not
/// collide is untouched by the other's problem.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class CollisionTests
{
    [Test]
    public async Task Entries_that_render_the_same_name_are_both_held_back_and_the_CR_says_why()
    {
        await using var ork = await RunningOperators.StartAsync(["test/Orkestra.Operators.Tests/Katalogs/collisions/katalog.yaml"]);
        await ork.WaitReadyAsync();
        await ork.OkAsync("apply -f -", """
            apiVersion: test.orkestra.io/v1
            kind: Item
            metadata: {name: clash, namespace: default}
            spec: {value: a}
            ---
            apiVersion: test.orkestra.io/v1
            kind: Item
            metadata: {name: fine, namespace: default}
            spec: {value: b}
            """);

        await ork.EventuallyAsync(async () => (string?)(await ork.ReadyAsync("items", "clash"))?["status"] == "False",
            "Ready=False on the colliding Item");
        var ready = (await ork.ReadyAsync("items", "clash"))!;
        ((string?)ready["message"] ?? "").ShouldContain(
            "onReconcile.configMaps[0] and onReconcile.configMaps[1] render the same ConfigMap \"clash-a\"");
        await ork.EventuallyAsync(async () => await ork.GetAsync("configmap", "fine-b") is not null, "the other Item's children");
        (await ork.GetAsync("configmap", "fine-a")).ShouldNotBeNull();
        (await ork.GetAsync("configmap", "clash-a")).ShouldBeNull("neither colliding entry is applied");
    }

    [Test]
    public async Task Colliding_entries_cost_no_child_writes_and_at_most_one_write_per_retry()
    {
        var attempts = 0;
        await using var ork = await RunningOperators.StartAsync(["test/Orkestra.Operators.Tests/Katalogs/collisions/katalog.yaml"],
            wrap: (_, inner) => new Counting(inner, () => Interlocked.Increment(ref attempts)));
        await ork.WaitReadyAsync();
        await ork.OkAsync("apply -f -", """
            apiVersion: test.orkestra.io/v1
            kind: Item
            metadata: {name: clash, namespace: default}
            spec: {value: a}
            """);
        await ork.EventuallyAsync(async () => (string?)(await ork.ReadyAsync("items", "clash"))?["status"] == "False",
            "Ready=False on the colliding Item");
        await ork.EventuallyAsync(async () => (await ork.KubectlAsync("get events --field-selector reason=ReconcileError -o name")).Stdout
            .Length > 0, "a Warning event");

        var before = await WritesAsync(ork);
        var attemptsBefore = Volatile.Read(ref attempts);
        await ork.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref attempts) >= attemptsBefore + 4), "four more retries");
        var after = await WritesAsync(ork);
        var retries = Volatile.Read(ref attempts) - attemptsBefore;
        (after.Count - before.Count).ShouldBeLessThanOrEqualTo(retries, "no write loop: at most one write (an Event count) per retry");
        after.Recent.ShouldNotContain(p => p.Contains("/configmaps", StringComparison.Ordinal), "no child is written");
    }

    private static async Task<(long Count, string[] Recent)> WritesAsync(RunningOperators ork)
    {
        var (_, body, _) = await ork.Sandbox.GetAsync("/sandbox/requests");
        return ((long)body!["writes"]!, body["recentWrites"]!.AsArray().Select(w => (string)w!["path"]!).ToArray());
    }

    private sealed class Counting(Orkestra.Runtime.Controllers.IReconciler inner, Action counted) : Orkestra.Runtime.Controllers.IReconciler
    {
        public ValueTask<Orkestra.Runtime.Controllers.ReconcileResult> ReconcileAsync(Orkestra.ApiMachinery.Meta.ObjectKey key,
            CancellationToken cancellation)
        {
            if (key.Name == "clash") counted();
            return inner.ReconcileAsync(key, cancellation);
        }
    }
}
