using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Operators.Tests.Support;
using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Observability;

namespace Orkestra.Operators.Tests;

/// <summary><c>/katalog/{crd}/cr/{namespace}/{name}</c> and <c>/katalog/{crd}/events</c> of a running <c>ork run</c> on the
/// sandbox.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class KatalogApiTests
{
    /// <summary>Passes reconciles through until paused; paused, it reconciles nothing (so drift stays visible).</summary>
    private sealed class Pausable(IReconciler inner) : IReconciler
    {
        public volatile bool Paused;

        public ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellation) =>
            Paused ? ValueTask.FromResult(ReconcileResult.Done) : inner.ReconcileAsync(key, cancellation);
    }

    [Test]
    public async Task One_CR_shows_conditions_children_with_drift_and_readiness_events_and_its_last_reconcile()
    {
        Pausable? pausable = null;
        await using var ork = await RunningOperators.StartAsync(["samples/hello-website/katalog.yaml"],
            wrap: (_, inner) => pausable = new Pausable(inner));
        await ork.WaitReadyAsync();
        await ork.OkAsync($"apply -f {Repo.Path("samples/hello-website/cr.yaml")}");
        await ork.OkAsync("wait --for=condition=Ready website/hello --timeout=60s");

        JsonNode detail = null!;
        await ork.EventuallyAsync(async () =>
        {
            detail = JsonNode.Parse(await ork.Http.GetStringAsync("/katalog/website/cr/default/hello"))!;
            return Child(detail, "Deployment")?["ready"]?.GetValue<string>() == "True" && detail["events"]!.AsArray().Count > 0;
        }, "the Deployment to be ready and the Events to be listed");
        ((string)detail["kind"]!).ShouldBe("Website");
        ((string)detail["spec"]!["image"]!).ShouldBe("nginx:1.27");
        detail["conditions"]!.AsArray().ShouldContain(c => (string?)c!["type"] == "Ready" && (string?)c["status"] == "True");
        ((string)Child(detail, "Deployment")!["drift"]!).ShouldBe("in-sync");
        ((string)Child(detail, "Service")!["drift"]!).ShouldBe("in-sync");
        var last = detail["lastReconcile"]!;
        ((string)last["result"]!).ShouldBe("success");
        Guid.TryParse((string)last["reconcileID"]!, out _).ShouldBeTrue();
        var created = detail["events"]!.AsArray().Single(e => (string?)e!["reason"] == "Created")!;
        ((string)created["message"]!).ShouldContain("Deployment hello");
        ((string?)created["reconcileID"]).ShouldNotBeNull();

        // With the operator paused, a changed and a deleted child show as drifted and missing.
        pausable!.Paused = true;
        await ork.OkAsync("scale deployment hello --replicas=5");
        await ork.OkAsync("delete service hello");
        await ork.EventuallyAsync(async () =>
        {
            detail = JsonNode.Parse(await ork.Http.GetStringAsync("/katalog/website/cr/default/hello"))!;
            return (string?)Child(detail, "Deployment")?["drift"] == "drifted" && (string?)Child(detail, "Service")?["drift"] == "missing";
        }, "the drifted Deployment and the missing Service to show");
        ((string)Child(detail, "Service")!["ready"]!).ShouldBe("False");

        // Unpaused, the next reconcile repairs both.
        pausable.Paused = false;
        await ork.OkAsync("annotate website hello poke=1");
        await ork.EventuallyAsync(async () =>
        {
            detail = JsonNode.Parse(await ork.Http.GetStringAsync("/katalog/website/cr/default/hello"))!;
            return (string?)Child(detail, "Deployment")?["drift"] == "in-sync" && (string?)Child(detail, "Service")?["drift"] == "in-sync";
        }, "the children to be repaired");

        var all = JsonNode.Parse(await ork.Http.GetStringAsync("/katalog/website/events"))!;
        all["events"]!.AsArray().Select(e => (string?)e!["reason"]).ShouldContain("Created");
        all["events"]!.AsArray().ShouldAllBe(e => (string?)e!["name"] == "hello");

        (await ork.Http.GetAsync("/katalog/website/cr/default/nobody")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ork.Http.PostAsync("/katalog/website/cr/default/hello", new StringContent(""))).StatusCode
            .ShouldBe(HttpStatusCode.MethodNotAllowed);
    }

    [Test]
    public async Task A_Secret_child_shows_its_keys_and_never_a_value()
    {
        await using var ork = await RunningOperators.SampleAsync("secrets-config-env", "app/billing");
        var body = await ork.Http.GetStringAsync("/katalog/app/cr/default/billing");
        var secret = Child(JsonNode.Parse(body)!, "Secret")!;
        secret["keys"]!.AsArray().Select(k => (string?)k).Order().ShouldBe(["password", "username"]);
        var stored = (await ork.GetAsync("secret", "billing-creds"))!;
        foreach (var (_, value) in stored["data"]!.AsObject()) body.ShouldNotContain((string)value!);
        // The username is the CR's own name (it shows as the name); the generated password shows nowhere.
        body.ShouldNotContain(Encoding.UTF8.GetString(Convert.FromBase64String((string)stored["data"]!["password"]!)));
        EventRecorder.ReconcileIdAnnotation.ShouldBe("orkestra.orkspace.io/reconcile-id");
    }

    private static JsonNode? Child(JsonNode detail, string kind) =>
        detail["children"]!.AsArray().FirstOrDefault(c => (string?)c!["kind"] == kind);
}
