using System.Text.Json.Nodes;
using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Tests.Reconciliation;

public class FinalizationTests
{
    private const string Box = """
                onDelete:
                  configMaps:
                    - name: "{{ .metadata.name }}-leftover"
        """;

    private static (Finalization Step, FakeCluster Cluster) Setup(string crd = "")
    {
        var op = StepKit.Compile(Box, crd);
        var cluster = StepKit.Cluster();
        var time = new ManualTimeProvider();
        var inputs = new RenderInputs(op, time, null, null, new StatusWriter(op, cluster, cluster, cluster, time));
        cluster.Put("""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"hello-reader","labels":{"orkestra-owner":"hello"}}}""");
        cluster.Put("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"hello-leftover","namespace":"default"}}""");
        return (new Finalization(op, cluster, cluster, time, inputs), cluster);
    }

    private static async Task FinalizeAsync(Finalization step, FakeCluster cluster)
    {
        var cr = StepKit.Stored(cluster);
        await step.FinalizeAsync(new("default", "hello"), cr, StepKit.Self, "u-1", cluster.ListOwnedChildren("hello", "default"), default);
    }

    private static void Finalizers(FakeCluster cluster, params string[] names) =>
        cluster.Get("Website", "default", "hello")["metadata"]!["finalizers"] = new JsonArray(names.Select(n => (JsonNode?)n).ToArray());

    [Test]
    public async Task OnDelete_objects_and_cluster_scoped_children_go_then_only_our_finalizer_is_released()
    {
        var (step, cluster) = Setup();
        Finalizers(cluster, "someone.else/keep", KatalogReconciler.Finalizer);
        await FinalizeAsync(step, cluster);
        cluster.Writes.ShouldBe([
            "delete ConfigMap default/hello-leftover",
            "delete ClusterRole hello-reader",
            "patch Website default/hello",
        ]);
        cluster.Get("Website", "default", "hello")["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f).ShouldBe(["someone.else/keep"]);
        cluster.Events.Select(e => e.Message).ShouldBe(["deleted ConfigMap default/hello-leftover", "deleted ClusterRole hello-reader"]);
    }

    [Test]
    public async Task Without_our_finalizer_nothing_is_deleted()
    {
        var (step, cluster) = Setup();
        Finalizers(cluster, "someone.else/keep");
        await FinalizeAsync(step, cluster);
        cluster.Writes.ShouldBeEmpty();
    }

    [Test]
    public async Task RemoveFinalizers_strips_every_finalizer()
    {
        var (step, cluster) = Setup("      removeFinalizers: true");
        Finalizers(cluster, "someone.else/keep", KatalogReconciler.Finalizer);
        await FinalizeAsync(step, cluster);
        cluster.Get("Website", "default", "hello")["metadata"]!["finalizers"]!.AsArray().Count.ShouldBe(0);
    }
}
