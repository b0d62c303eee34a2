using Orkestra.ApiMachinery.Meta;
using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Tests.Reconciliation;

public class AdopterTests
{
    [Test]
    public async Task First_sight_adds_finalizer_labels_and_annotations_in_one_patch()
    {
        var cluster = StepKit.Cluster();
        var time = new ManualTimeProvider();
        var adopter = new Adopter(StepKit.Compile(crd: "      labels: {team: \"{{ .spec.image }}\"}"), "website-operator", cluster, time);
        (await adopter.AdoptAsync(StepKit.Stored(cluster), StepKit.Self, default)).ShouldBeTrue();
        cluster.Writes.ShouldBe(["patch Website default/hello"]);
        var metadata = cluster.Get("Website", "default", "hello")["metadata"]!;
        metadata["finalizers"]!.AsArray().Select(f => (string?)f).ShouldBe([KatalogReconciler.Finalizer]);
        ((string?)metadata["labels"]![WellKnownLabels.Managed]).ShouldBe("true");
        ((string?)metadata["labels"]!["team"]).ShouldBe("nginx:1.27");
        ((string?)metadata["annotations"]![KatalogReconciler.ManagedByAnnotation]).ShouldBe("website-operator");
        ((string?)metadata["annotations"]![KatalogReconciler.ManagedSinceAnnotation]).ShouldBe(KubeTime.Format(time.GetUtcNow()));
    }

    [Test]
    public async Task An_adopted_cr_is_not_written_again()
    {
        var cluster = StepKit.Cluster();
        var adopter = new Adopter(StepKit.Compile(), "website-operator", cluster, new ManualTimeProvider());
        await adopter.AdoptAsync(StepKit.Stored(cluster), StepKit.Self, default);
        cluster.Writes.Clear();
        (await adopter.AdoptAsync(StepKit.Stored(cluster), StepKit.Self, default)).ShouldBeFalse();
        cluster.Writes.ShouldBeEmpty();
    }

    [Test]
    public async Task The_katalogs_finalizers_replace_the_default_and_foreign_finalizers_are_kept()
    {
        var cluster = StepKit.Cluster();
        cluster.Get("Website", "default", "hello")["metadata"]!["finalizers"] = new System.Text.Json.Nodes.JsonArray("someone.else/keep");
        var op = StepKit.Compile(StepKit.Box + "\n        finalizers: [demo.io/cleanup]");
        Adopter.FinalizersOf(op).ShouldBe(["demo.io/cleanup"]);
        await new Adopter(op, "website-operator", cluster, new ManualTimeProvider()).AdoptAsync(StepKit.Stored(cluster), StepKit.Self, default);
        cluster.Get("Website", "default", "hello")["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f)
            .ShouldBe(["someone.else/keep", "demo.io/cleanup"]);
    }
}
