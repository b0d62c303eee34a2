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
        metrics.ForOperator("website");
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
        observer.Reconciled(new ObjectKey("ns", "a"), ReconcileOutcome.Success, TimeSpan.FromMilliseconds(3), null);
        observer.Reconciled(new ObjectKey("ns", "b"), ReconcileOutcome.Error, TimeSpan.FromMilliseconds(3), new InvalidOperationException());
        observer.HealthChanged(new ControllerHealth(ControllerHealthState.Degraded, 5));
        var text = await Export(metrics);
        text.ShouldContain("workqueue_adds_total{name=\"db\"} 2");
        text.ShouldContain("controller_queue_depth{crd=\"db\"} 2");
        text.ShouldContain("controller_reconcile_total{crd=\"db\",result=\"success\"} 1");
        text.ShouldContain("controller_reconcile_total{crd=\"db\",result=\"failure\"} 1");
        text.ShouldContain("controller_healthy{crd=\"db\"} 0");
    }
}
