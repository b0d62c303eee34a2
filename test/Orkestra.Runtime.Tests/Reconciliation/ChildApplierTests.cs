using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Tests.Reconciliation;

public class ChildApplierTests
{
    private static async Task<bool> ApplyAsync(FakeCluster cluster, ManualTimeProvider time, string box = StepKit.Box)
    {
        var op = StepKit.Compile(box);
        var (result, observed) = StepKit.Render(op, cluster, time);
        return await new ChildApplier(op, cluster, cluster, time).ApplyAsync(StepKit.Self, "u-1", result, observed, default);
    }

    [Test]
    public async Task Missing_children_are_created_and_announced_in_one_event()
    {
        var (cluster, time) = (StepKit.Cluster(), new ManualTimeProvider());
        (await ApplyAsync(cluster, time)).ShouldBeTrue();
        cluster.Writes.ShouldBe(["apply ConfigMap default/hello-once", "apply ConfigMap default/hello"]);
        cluster.Events.ShouldBe([(EventType.Normal, "Created", "created ConfigMap hello-once, ConfigMap hello")]);
    }

    [Test]
    public async Task Converged_children_cost_no_write()
    {
        var (cluster, time) = (StepKit.Cluster(), new ManualTimeProvider());
        await ApplyAsync(cluster, time);
        cluster.Writes.Clear();
        cluster.Events.Clear();
        (await ApplyAsync(cluster, time)).ShouldBeFalse();
        cluster.Writes.ShouldBeEmpty();
        cluster.Events.ShouldBeEmpty();
    }

    [Test]
    public async Task Drift_is_repaired_in_a_corrected_child_and_left_alone_in_a_create_once_child()
    {
        var (cluster, time) = (StepKit.Cluster(), new ManualTimeProvider());
        await ApplyAsync(cluster, time);
        cluster.Get("ConfigMap", "default", "hello")["data"]!["image"] = "changed";
        cluster.Get("ConfigMap", "default", "hello-once")["data"]!["image"] = "changed";
        cluster.Writes.Clear();
        cluster.Events.Clear();
        (await ApplyAsync(cluster, time)).ShouldBeTrue();
        cluster.Writes.ShouldBe(["apply ConfigMap default/hello"]);
        cluster.Events.ShouldBe([(EventType.Normal, "Updated", "updated ConfigMap hello")]);
        ((string?)cluster.Get("ConfigMap", "default", "hello-once")["data"]!["image"]).ShouldBe("changed");
    }

    [Test]
    public async Task A_failing_write_still_announces_what_was_done_before_it()
    {
        var (cluster, time) = (StepKit.Cluster(), new ManualTimeProvider());
        cluster.FailApply = ("ConfigMap", new InvalidOperationException("boom"));
        await Should.ThrowAsync<InvalidOperationException>(() => ApplyAsync(cluster, time, """
                onReconcile:
                  secrets:
                    - name: "{{ .metadata.name }}"
                      data: {a: b}
                  configMaps:
                    - name: "{{ .metadata.name }}"
        """));
        cluster.Events.ShouldBe([(EventType.Normal, "Created", "created Secret hello")]);
    }
}
