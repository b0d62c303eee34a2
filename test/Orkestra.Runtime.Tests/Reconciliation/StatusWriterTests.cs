using System.Text.Json.Nodes;
using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Tests.Reconciliation;

public class StatusWriterTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    [Test]
    public void An_unchanged_status_is_no_patch()
    {
        var current = Obj("""
            {"observedGeneration":2,"conditions":[{"type":"Ready","status":"True","reason":"Ok","message":"m",
             "lastTransitionTime":"2025-01-01T00:00:00Z"}]}
            """);
        var projected = Obj("""{"observedGeneration":2,"conditions":[{"type":"Ready","status":"True","reason":"Ok","message":"m"}]}""");
        StatusWriter.Patch(current, projected, Now).Count.ShouldBe(0);
    }

    [Test]
    public void Only_the_fields_that_differ_are_patched()
    {
        var patch = StatusWriter.Patch(Obj("""{"observedGeneration":1,"url":"a"}"""), Obj("""{"observedGeneration":2,"url":"a"}"""), Now);
        patch.ToJsonString().ShouldBe("""{"observedGeneration":2}""");
    }

    [Test]
    public void A_new_message_with_the_same_status_keeps_the_transition_time_and_the_other_conditions()
    {
        var current = Obj("""
            {"conditions":[{"type":"Available","status":"True"},
             {"type":"Ready","status":"False","reason":"A","message":"one","lastTransitionTime":"2025-01-01T00:00:00Z"}]}
            """);
        var patch = StatusWriter.Patch(current, Obj("""{"conditions":[{"type":"Ready","status":"False","reason":"A","message":"two"}]}"""), Now);
        var conditions = patch["conditions"]!.AsArray();
        conditions.Select(c => (string?)c!["type"]).ShouldBe(["Available", "Ready"]);
        ((string?)conditions[1]!["message"]).ShouldBe("two");
        ((string?)conditions[1]!["lastTransitionTime"]).ShouldBe("2025-01-01T00:00:00Z");
    }

    [Test]
    public void A_status_flip_moves_the_transition_time_to_now()
    {
        var current = Obj("""{"conditions":[{"type":"Ready","status":"False","reason":"A","lastTransitionTime":"2025-01-01T00:00:00Z"}]}""");
        var patch = StatusWriter.Patch(current, Obj("""{"conditions":[{"type":"Ready","status":"True","reason":"A"}]}"""), Now);
        ((string?)patch["conditions"]![0]!["lastTransitionTime"]).ShouldBe("2026-01-01T12:00:00Z");
    }

    [Test]
    public async Task A_failure_report_records_a_warning_and_sets_ready_false_then_writes_nothing_more_when_repeated()
    {
        var cluster = StepKit.Cluster();
        var status = new StatusWriter(StepKit.Compile(), cluster, cluster, cluster, new ManualTimeProvider());
        await status.ReportFailureAsync(new("default", "hello"), "Broken", "it broke", default);
        await status.ReportFailureAsync(new("default", "hello"), "Broken", "it broke", default);
        cluster.Writes.ShouldBe(["status Website default/hello"]);
        cluster.Events.ShouldBe([(EventType.Warning, "Broken", "it broke"), (EventType.Warning, "Broken", "it broke")]);
        var ready = cluster.Get("Website", "default", "hello")["status"]!["conditions"]![0]!;
        ((string?)ready["status"]).ShouldBe("False");
        ((string?)ready["reason"]).ShouldBe("Broken");
    }

    [Test]
    public async Task IgnoreStatusPatch_writes_no_status()
    {
        var cluster = StepKit.Cluster();
        var status = new StatusWriter(StepKit.Compile(crd: "      ignoreStatusPatch: true"), cluster, cluster, cluster, new ManualTimeProvider());
        (await status.WriteAsync(StepKit.Stored(cluster), StepKit.Self, Obj("""{"observedGeneration":2}"""), default)).ShouldBeFalse();
        cluster.Writes.ShouldBeEmpty();
    }
}
