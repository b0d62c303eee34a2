using System.Globalization;
using System.Text.RegularExpressions;
using Orkestra.Operators.Tests.Support;
using Orkestra.Runtime.Hosting;

namespace Orkestra.Operators.Tests;

/// <summary>Drift correction, spec changes, convergence without writes, deletion — what an operator owes its CRs. Run
/// twice: with <c>ork run</c>'s host in process, and as a real <c>ork run</c> process with its command-line defaults
/// (leader election on, the default Lease name, apply auto); both with a resync longer than any wait, so every repair
/// is driven by a watch event.</summary>
[TestFixture(Launch.InProcess)]
[TestFixture(Launch.Process)]
[Parallelizable(ParallelScope.All)]
public sealed partial class LifecycleTests(Launch launch)
{
    private static readonly string[] WriteVerbs = ["create", "update", "patch", "delete", "deletecollection"];

    private Task<RunningOperators> HelloAsync(RuntimeDefaults? defaults = null) =>
        RunningOperators.SampleAsync("hello-website", launch, defaults, "website/hello");

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
        // The one test that wants resyncs: every 200 ms a full pass over the cache, none of which may write.
        await using var ork = await HelloAsync(new RuntimeDefaults { Resync = TimeSpan.FromMilliseconds(200) });
        await WaitReconcilesAsync(ork, 3);   // settle: status, simulated deployment status, events
        var before = Writes(ork);
        var reconciles = await WaitReconcilesAsync(ork, 5);
        var writes = Writes(ork) - before;
        writes.ShouldBe(0, $"writes during {reconciles} converged reconciles:\n" +
            string.Join("\n", OperatorWrites(ork).TakeLast(10).Select(r => $"{r.Verb} {r.Path} {r.Code}")));
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
    public async Task A_graceful_stop_leaves_what_it_built_removes_its_Lease_and_exits_zero()
    {
        await using var ork = await HelloAsync();
        // While it runs it holds the Lease `ork run` derives from the Katalog names ...
        var lease = (await ork.GetAsync("lease", "orkestra-website-operator"))!;
        ((string?)lease["spec"]!["holderIdentity"]).ShouldNotBeNullOrEmpty();
        (await ork.LeadingAsync()).ShouldBe(true);

        (await ork.StopAsync()).ShouldBe(0);
        (await ork.GetAsync("deployment", "hello")).ShouldNotBeNull();
        (await ork.GetAsync("website", "hello")).ShouldNotBeNull();
        // ... and a graceful stop deletes it: what the runtime created for itself is gone.
        (await ork.KubectlAsync("get leases -A -o name")).Stdout.ShouldNotContain("orkestra");
    }

    /// <summary>Writes of the operator to the objects it manages; the Lease's renewals are leader election's, not the CR's.</summary>
    private static IEnumerable<Orkestra.Sandbox.Diagnostics.RequestRecord> OperatorWrites(RunningOperators ork) =>
        ork.Sandbox.Server.RequestLog.Records.Where(r => WriteVerbs.Contains(r.Verb) && r.Resource != "leases");

    private static long Writes(RunningOperators ork) => OperatorWrites(ork).LongCount();

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
