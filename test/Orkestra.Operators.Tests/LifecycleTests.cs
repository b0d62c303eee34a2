using System.Globalization;
using System.Text.RegularExpressions;
using Orkestra.Operators.Tests.Support;
using Orkestra.Runtime.Hosting;

namespace Orkestra.Operators.Tests;

/// <summary>Drift correction, spec changes, convergence without writes, deletion — what an operator owes its CRs.</summary>
[Parallelizable(ParallelScope.All)]
public sealed partial class LifecycleTests
{
    private static readonly string[] WriteVerbs = ["create", "update", "patch", "delete", "deletecollection"];

    private static Task<RunningOperators> HelloAsync(RuntimeDefaults? defaults = null) =>
        RunningOperators.SampleAsync("hello-website", defaults, "website/hello");

    [Test]
    public async Task A_deleted_or_edited_child_is_restored_and_a_spec_change_reaches_the_children()
    {
        await using var ork = await HelloAsync();
        var firstUid = (string)(await ork.GetAsync("deployment", "hello"))!["metadata"]!["uid"]!;

        await ork.OkAsync("delete deployment hello");
        await ork.EventuallyAsync(async () => (string?)(await ork.GetAsync("deployment", "hello"))?["metadata"]?["uid"] is { } uid && uid != firstUid,
            "the deleted deployment to be recreated");

        await ork.OkAsync("scale deployment hello --replicas=5");
        await ork.EventuallyAsync(async () => (int?)(await ork.GetAsync("deployment", "hello"))?["spec"]?["replicas"] == 2, "replicas corrected back to 2");

        await ork.OkAsync("patch website hello --type=merge -p '{\"spec\":{\"image\":\"nginx:1.28\",\"replicas\":3}}'");
        await ork.EventuallyAsync(async () =>
        {
            var spec = (await ork.GetAsync("deployment", "hello"))?["spec"];
            return (int?)spec?["replicas"] == 3 && (string?)spec?["template"]?["spec"]?["containers"]?[0]?["image"] == "nginx:1.28";
        }, "the deployment to follow the new spec");
    }

    [Test]
    public async Task A_converged_CR_costs_no_writes_over_full_resyncs()
    {
        await using var ork = await HelloAsync(new RuntimeDefaults { Resync = TimeSpan.FromMilliseconds(200) });
        await WaitReconcilesAsync(ork, 3);   // settle: status, simulated deployment status, events
        var before = Writes(ork);
        var reconciles = await WaitReconcilesAsync(ork, 5);
        var writes = Writes(ork) - before;
        writes.ShouldBe(0, $"writes during {reconciles} converged reconciles:\n" +
            string.Join("\n", ork.Sandbox.Server.RequestLog.Records.Where(r => WriteVerbs.Contains(r.Verb)).TakeLast(10).Select(r => $"{r.Verb} {r.Path} {r.Code}")));
    }

    [Test]
    public async Task Deleting_a_CR_runs_its_finalizer_and_the_garbage_collector_removes_its_children()
    {
        await using var ork = await HelloAsync();
        await ork.OkAsync("delete website hello --timeout=60s");
        (await ork.GetAsync("website", "hello")).ShouldBeNull();
        await ork.EventuallyAsync(async () => await ork.GetAsync("deployment", "hello") is null && await ork.GetAsync("service", "hello") is null,
            "the children to be garbage-collected");
    }

    [Test]
    public async Task A_graceful_stop_leaves_what_it_built_and_exits_zero()
    {
        await using var ork = await HelloAsync();
        (await ork.StopAsync()).ShouldBe(0);
        (await ork.GetAsync("deployment", "hello")).ShouldNotBeNull();
        (await ork.GetAsync("website", "hello")).ShouldNotBeNull();
        (await ork.KubectlAsync("get leases -A -o name")).Stdout.ShouldNotContain("orkestra");
    }

    private static long Writes(RunningOperators ork) =>
        WriteVerbs.Sum(ork.Sandbox.Server.RequestLog.Count);

    /// <summary>Waits until <paramref name="count"/> more successful reconciles of the website operator happened.</summary>
    private static async Task<long> WaitReconcilesAsync(RunningOperators ork, int count)
    {
        var start = await SuccessesAsync(ork);
        await ork.EventuallyAsync(async () => await SuccessesAsync(ork) >= start + count, $"{count} more reconciles");
        return await SuccessesAsync(ork) - start;
    }

    private static async Task<long> SuccessesAsync(RunningOperators ork)
    {
        var match = SuccessLine().Match(await ork.MetricsAsync());
        return match.Success ? (long)double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex("""controller_reconcile_total\{crd="website",result="success"\} (\S+)""")]
    private static partial Regex SuccessLine();
}
