using System.Net;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Kube.Client;
using Orkestra.Kube.Tests.Support;

namespace Orkestra.Kube.Tests.Client;

/// <summary>URL shapes, query parameters, media types and error mapping of the dynamic client.</summary>
public sealed class DynamicClientTests
{
    static readonly GroupVersionResource Deployments = new("apps", "v1", "deployments");
    static readonly GroupVersionResource Namespaces = new("", "v1", "namespaces");
    const string Obj = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"ns","resourceVersion":"9"}}""";

    [Test]
    public async Task Requests_use_the_kubernetes_url_shapes_and_parameters()
    {
        var network = new ScriptedHandler { Fallback = _ => ScriptedHandler.Json(HttpStatusCode.OK, Obj) };
        var client = Fakes.Client(network);
        var ct = Fakes.Timeout();
        var body = JsonNode.Parse(Obj)!.AsObject();

        await client.GetAsync(Deployments, "ns", "web", ct);
        await client.GetAsync(Namespaces, null, "kube-system", ct);
        await client.CreateAsync(Deployments, "ns", body, new WriteOptions { FieldManager = "orkestra", DryRun = true }, ct);
        await client.UpdateAsync(Deployments, "ns", "web", body, new WriteOptions { Validation = FieldValidation.Strict }, ct);
        await client.PatchAsync(Deployments, "ns", "web", PatchType.Merge, new JsonObject { ["spec"] = new JsonObject() }, null, ct);
        await client.PatchAsync(Deployments, "ns", "web", PatchType.Json, new JsonArray(new JsonObject { ["op"] = "remove", ["path"] = "/spec/x" }), null, ct);
        await client.PatchAsync(Deployments, "ns", "web", PatchType.Apply, body, new WriteOptions { FieldManager = "orkestra", Force = true }, ct);
        await client.PatchStatusAsync(Deployments, "ns", "web", PatchType.Merge, new JsonObject { ["status"] = new JsonObject() }, null, ct);
        await client.UpdateStatusAsync(Deployments, "ns", "web", body, null, ct);

        network.Requests.Select(r => $"{r.Method} {r.PathAndQuery} {r.ContentType}").ShouldBe([
            "GET /apis/apps/v1/namespaces/ns/deployments/web ",
            "GET /api/v1/namespaces/kube-system ",
            "POST /apis/apps/v1/namespaces/ns/deployments?fieldManager=orkestra&dryRun=All application/json",
            "PUT /apis/apps/v1/namespaces/ns/deployments/web?fieldValidation=Strict application/json",
            "PATCH /apis/apps/v1/namespaces/ns/deployments/web application/merge-patch+json",
            "PATCH /apis/apps/v1/namespaces/ns/deployments/web application/json-patch+json",
            "PATCH /apis/apps/v1/namespaces/ns/deployments/web?fieldManager=orkestra&force=true application/apply-patch+yaml",
            "PATCH /apis/apps/v1/namespaces/ns/deployments/web/status application/merge-patch+json",
            "PUT /apis/apps/v1/namespaces/ns/deployments/web/status application/json",
        ]);
    }

    [Test]
    public async Task List_sends_selectors_and_paging_and_returns_items_without_managed_fields_on_request()
    {
        var network = new ScriptedHandler().Then(HttpStatusCode.OK, """
            {"kind":"DeploymentList","apiVersion":"apps/v1","metadata":{"resourceVersion":"42","continue":"abc"},
             "items":[{"metadata":{"name":"a","managedFields":[{"manager":"x"}]}},{"metadata":{"name":"b"}}]}
            """);

        var page = await Fakes.Client(network).ListAsync(Deployments, null, new ListOptions
        {
            LabelSelector = "orkestra.orkspace.io/managed=true,tier in (a,b)",
            FieldSelector = "metadata.name!=c",
            Limit = 500,
            ResourceVersion = "0",
            WithoutManagedFields = true,
        }, Fakes.Timeout());

        network.Requests[0].PathAndQuery.ShouldBe(
            "/apis/apps/v1/deployments?labelSelector=orkestra.orkspace.io%2Fmanaged%3Dtrue%2Ctier%20in%20%28a%2Cb%29&fieldSelector=metadata.name%21%3Dc&limit=500&resourceVersion=0");
        page.ResourceVersion.ShouldBe("42");
        page.Continue.ShouldBe("abc");
        page.Items.Count.ShouldBe(2);
        page.Items[0].GetProperty("metadata").TryGetProperty("managedFields", out _).ShouldBeFalse();
    }

    [Test]
    public async Task Delete_sends_DeleteOptions_and_tells_gone_from_still_finalizing()
    {
        var network = new ScriptedHandler()
            .Then(HttpStatusCode.OK, """{"kind":"Status","apiVersion":"v1","status":"Success"}""")
            .Then(HttpStatusCode.OK, Obj);
        var client = Fakes.Client(network);

        (await client.DeleteAsync(Deployments, "ns", "web", new DeleteOptions { Propagation = PropagationPolicy.Foreground, PreconditionUid = "u1" },
            Fakes.Timeout())).ShouldBeNull();
        (await client.DeleteAsync(Deployments, "ns", "web", null, Fakes.Timeout())).ShouldNotBeNull();

        var sent = JsonNode.Parse(network.Requests[0].Body!)!;
        ((string?)sent["kind"]).ShouldBe("DeleteOptions");
        ((string?)sent["propagationPolicy"]).ShouldBe("Foreground");
        ((string?)sent["preconditions"]!["uid"]).ShouldBe("u1");
    }

    [Test]
    public async Task Failures_become_KubeApiException_with_the_Status_fields()
    {
        var network = new ScriptedHandler()
            .Then(HttpStatusCode.UnprocessableEntity, """
                {"kind":"Status","apiVersion":"v1","status":"Failure","message":"Widget.example.com \"w\" is invalid: spec.size: Invalid value","reason":"Invalid",
                 "details":{"name":"w","kind":"Widget","causes":[{"field":"spec.size"}]},"code":422}
                """)
            .Then(HttpStatusCode.Forbidden, "plain text from a proxy");
        var client = Fakes.Client(network);

        var invalid = await Should.ThrowAsync<KubeApiException>(() => client.GetAsync(Deployments, "ns", "w", Fakes.Timeout()));
        invalid.Code.ShouldBe(422);
        invalid.Reason.ShouldBe("Invalid");
        invalid.Details!.Value.GetProperty("causes")[0].GetProperty("field").GetString().ShouldBe("spec.size");
        invalid.Message.ShouldBe("API error 422 (Invalid): Widget.example.com \"w\" is invalid: spec.size: Invalid value");

        var forbidden = await Should.ThrowAsync<KubeApiException>(() => client.GetAsync(Deployments, "ns", "w", Fakes.Timeout()));
        forbidden.Code.ShouldBe(403);
        forbidden.ServerMessage.ShouldBe("plain text from a proxy");
    }

    [Test]
    public async Task Misused_patches_are_rejected_before_sending()
    {
        var network = new ScriptedHandler();
        var client = Fakes.Client(network);
        var obj = JsonNode.Parse(Obj)!;

        await Should.ThrowAsync<ArgumentException>(() => client.PatchAsync(Deployments, "ns", "web", PatchType.Apply, obj, null, Fakes.Timeout()));
        await Should.ThrowAsync<ArgumentException>(() => client.PatchAsync(Deployments, "ns", "web", PatchType.Merge, obj, new WriteOptions { Force = true }, Fakes.Timeout()));
        await Should.ThrowAsync<ArgumentException>(() => client.PatchAsync(Deployments, "ns", "web", PatchType.Json, obj, null, Fakes.Timeout()));
        network.Requests.ShouldBeEmpty();
    }

    [Test]
    public async Task A_request_without_an_answer_times_out_on_the_injected_clock_with_its_name()
    {
        var time = new ManualTimeProvider();
        var network = new ScriptedHandler { Fallback = _ => throw new InvalidOperationException("unreachable") };
        var never = new TaskCompletionSource<HttpResponseMessage>();
        network.ThenAsync((_, cancellation) => never.Task.WaitAsync(cancellation));
        var client = Fakes.Client(network, time, maxRetries: 0);

        var pending = Task.Run(() => client.GetAsync(Deployments, "ns", "web", Fakes.Timeout()));
        await Bounded.UntilAsync(() => network.Requests.Count == 1 && time.PendingTimers > 0, "request sent with its deadline armed");
        time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));   // the fakes' request timeout

        var error = await Should.ThrowAsync<TimeoutException>(() => pending.WaitAsync(Fakes.Timeout()));
        error.Message.ShouldContain("get apis/apps/v1/namespaces/ns/deployments/web");
    }
}
