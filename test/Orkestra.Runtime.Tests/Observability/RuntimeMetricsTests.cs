using System.Text;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Observability;
using Orkestra.Runtime.Queues;
using Prometheus;

namespace Orkestra.Runtime.Tests.Observability;

public class RuntimeMetricsTests
{
    private static async Task<string> Export(RuntimeMetrics metrics)
    {
        using var ms = new MemoryStream();
        await metrics.WriteAsync(ms);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    [Test]
    public async Task An_operator_exports_every_series_at_zero_from_the_start()
    {
        var metrics = new RuntimeMetrics(Metrics.NewCustomRegistry());
        metrics.ForOperator("website", workers: 3);
        var text = await Export(metrics);
        foreach (var series in new[]
                 {
                     "controller_reconcile_total{crd=\"website\",result=\"success\"} 0",
                     "controller_reconcile_total{crd=\"website\",result=\"failure\"} 0",
                     "controller_reconcile_duration_seconds_count{crd=\"website\"} 0",
                     "controller_queue_depth{crd=\"website\"} 0",
                     "controller_workers_active{crd=\"website\"} 0",
                     "controller_resource_count{crd=\"website\"} 0",
                     "controller_healthy{crd=\"website\"} 1",
                     "workqueue_depth{name=\"website\"} 0",
                     "workqueue_adds_total{name=\"website\"} 0",
                     "workqueue_retries_total{name=\"website\"} 0",
                     "workqueue_unfinished_work_seconds{name=\"website\"} 0",
                     "workqueue_longest_running_processor_seconds{name=\"website\"} 0",
                     "orkestra_reconcile_noop_total{crd=\"website\"} 0",
                     "controller_runtime_reconcile_total{controller=\"website\",result=\"success\"} 0",
                     "controller_runtime_reconcile_total{controller=\"website\",result=\"error\"} 0",
                     "controller_runtime_reconcile_total{controller=\"website\",result=\"requeue\"} 0",
                     "controller_runtime_reconcile_total{controller=\"website\",result=\"requeue_after\"} 0",
                     "controller_runtime_reconcile_errors_total{controller=\"website\"} 0",
                     "controller_runtime_reconcile_time_seconds_count{controller=\"website\"} 0",
                     "controller_runtime_active_workers{controller=\"website\"} 0",
                     "controller_runtime_max_concurrent_reconciles{controller=\"website\"} 3",
                 })
        {
            text.ShouldContain(series);
        }
    }

    [Test]
    public async Task Queue_and_controller_events_move_the_crd_series()
    {
        var metrics = new RuntimeMetrics(Metrics.NewCustomRegistry());
        var op = metrics.ForOperator("db");
        using var queue = new WorkQueue<string>(metrics: op);
        queue.Add("a");
        queue.Add("b");
        IControllerObserver observer = op;
        var wrote = new ReconcileScope(new ObjectKey("ns", "a"), "1");
        wrote.Changed("wrote", "status");
        observer.Reconciled(wrote, ReconcileOutcome.Success, TimeSpan.FromMilliseconds(3), null);
        observer.Reconciled(new ReconcileScope(new ObjectKey("ns", "b"), "2"), ReconcileOutcome.Error, TimeSpan.FromMilliseconds(3),
            new InvalidOperationException());
        observer.Reconciled(new ReconcileScope(new ObjectKey("ns", "c"), "3"), ReconcileOutcome.Success, TimeSpan.FromMilliseconds(1), null);
        observer.Reconciled(new ReconcileScope(new ObjectKey("ns", "d"), "4"), ReconcileOutcome.Requeue, TimeSpan.FromMilliseconds(1), null);
        observer.HealthChanged(new ControllerHealth(ControllerHealthState.Degraded, 5));
        var text = await Export(metrics);
        text.ShouldContain("workqueue_adds_total{name=\"db\"} 2");
        text.ShouldContain("controller_queue_depth{crd=\"db\"} 2");
        text.ShouldContain("controller_reconcile_total{crd=\"db\",result=\"success\"} 3");
        text.ShouldContain("orkestra_reconcile_noop_total{crd=\"db\"} 2");
        text.ShouldContain("controller_runtime_reconcile_total{controller=\"db\",result=\"success\"} 2");
        text.ShouldContain("controller_runtime_reconcile_total{controller=\"db\",result=\"requeue_after\"} 1");
        text.ShouldContain("controller_runtime_reconcile_total{controller=\"db\",result=\"error\"} 1");
        text.ShouldContain("controller_runtime_reconcile_errors_total{controller=\"db\"} 1");
        text.ShouldContain("controller_runtime_reconcile_time_seconds_count{controller=\"db\"} 4");
        text.ShouldContain("workqueue_depth{name=\"db\"} 2");
        text.ShouldContain("controller_reconcile_total{crd=\"db\",result=\"failure\"} 1");
        text.ShouldContain("controller_healthy{crd=\"db\"} 0");
    }
}

public class MetricNamesTests
{
    private static async Task<string> Export(MetricNames names)
    {
        var metrics = new RuntimeMetrics(Metrics.NewCustomRegistry(), names);
        metrics.ForOperator("website", 2);
        metrics.Leading("orkestra-demo", true);
        metrics.ApiRequest("PATCH", "127.0.0.1:6443", 200, TimeSpan.FromMilliseconds(4));
        using var ms = new MemoryStream();
        await metrics.WriteAsync(ms);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    // Quantities with a name in both schemes; the flag picks which of the pair is exported.
    private static readonly string[] Orkestra =
        ["controller_reconcile_total", "controller_reconcile_duration_seconds", "controller_queue_depth", "controller_workers_active",
         "orkestra_leader"];

    private static readonly string[] ControllerRuntime =
        ["controller_runtime_reconcile_total", "controller_runtime_reconcile_errors_total", "controller_runtime_reconcile_time_seconds",
         "controller_runtime_active_workers", "workqueue_depth", "leader_election_master_status"];

    // Exported whatever is chosen: no second name.
    private static readonly string[] Either =
        ["controller_runtime_max_concurrent_reconciles", "controller_resource_count", "controller_healthy", "orkestra_reconcile_noop_total",
         "workqueue_adds_total", "workqueue_queue_duration_seconds", "workqueue_work_duration_seconds", "workqueue_retries_total",
         "workqueue_unfinished_work_seconds", "workqueue_longest_running_processor_seconds", "rest_client_requests_total"];

    private static bool Has(string text, string family) => text.Contains($"# TYPE {family} ", StringComparison.Ordinal);

    [TestCase(MetricNames.Both, true, true)]
    [TestCase(MetricNames.Orkestra, true, false)]
    [TestCase(MetricNames.ControllerRuntime, false, true)]
    public async Task The_flag_chooses_the_names_of_quantities_that_have_two(MetricNames names, bool orkestra, bool controllerRuntime)
    {
        var text = await Export(names);
        foreach (var family in Orkestra) Has(text, family).ShouldBe(orkestra, family);
        foreach (var family in ControllerRuntime) Has(text, family).ShouldBe(controllerRuntime, family);
        foreach (var family in Either) Has(text, family).ShouldBeTrue(family);
    }

    [Test]
    public async Task Client_go_families_carry_their_exact_labels()
    {
        var text = await Export(MetricNames.Both);
        text.ShouldContain("rest_client_requests_total{code=\"200\",method=\"PATCH\",host=\"127.0.0.1:6443\"} 1");
        text.ShouldContain("rest_client_request_duration_seconds_count{verb=\"PATCH\",host=\"127.0.0.1:6443\"} 1");
        text.ShouldContain("leader_election_master_status{name=\"orkestra-demo\"} 1");
        text.ShouldContain("orkestra_leader{lease=\"orkestra-demo\"} 1");
    }

    [TestCase("both", MetricNames.Both)]
    [TestCase("orkestra", MetricNames.Orkestra)]
    [TestCase("controller-runtime", MetricNames.ControllerRuntime)]
    public void The_flag_spellings_parse(string text, MetricNames names)
    {
        MetricNamesText.TryParse(text, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(names);
        MetricNamesText.TryParse("prometheus", out _).ShouldBeFalse();
    }
}
