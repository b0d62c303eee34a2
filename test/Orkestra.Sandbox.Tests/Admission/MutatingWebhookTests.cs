using System.Text.Json.Nodes;
using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Admission;

/// <summary>Mutating admission through a real HTTPS test webhook: order, patches, reinvocation, review shape.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class MutatingWebhookTests
{
    /// <summary>Appends <paramref name="name"/> to the <c>order</c> annotation of the object under review.</summary>
    static WebhookReply AppendOrder(WebhookCall call, string name)
    {
        var annotations = call.Object?["metadata"]?["annotations"] as JsonObject;
        var previous = annotations?["order"]?.GetValue<string>();
        var value = previous is null ? name : $"{previous},{name}";
        var operation = annotations is null
            ? new JsonObject { ["op"] = "add", ["path"] = "/metadata/annotations", ["value"] = new JsonObject { ["order"] = value } }
            : new JsonObject { ["op"] = "add", ["path"] = "/metadata/annotations/order", ["value"] = value };
        return WebhookReply.Allow(call, new JsonArray(operation).ToJsonString());
    }

    [Test]
    public async Task Webhooks_run_by_configuration_name_then_position_and_each_sees_the_previous_patch()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        foreach (var path in new[] { "/a1", "/a2", "/b1" }) hooks.On(path, call => AppendOrder(call, path[1..]));
        await using var sb = await TestSandbox.StartAsync();
        // created out of order on purpose: the call order is by configuration name, not creation
        await Hooks.CreateAsync(sb, Hooks.Mutating, "b-config", Hooks.Hook("one.b.example.com", hooks, "/b1", Hooks.ConfigMapRule()));
        await Hooks.CreateAsync(sb, Hooks.Mutating, "a-config",
            Hooks.Hook("one.a.example.com", hooks, "/a1", Hooks.ConfigMapRule()),
            Hooks.Hook("two.a.example.com", hooks, "/a2", Hooks.ConfigMapRule()));

        var (code, body, _) = await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm1"));

        code.ShouldBe(201, body?.ToJsonString());
        body!["metadata"]!["annotations"]!["order"]!.GetValue<string>().ShouldBe("a1,a2,b1");
        hooks.Calls.Select(c => c.Path).ShouldBe(["/a1", "/a2", "/b1"]);
        hooks.Calls[2].Object!["metadata"]!["annotations"]!["order"]!.GetValue<string>().ShouldBe("a1,a2");
        (await sb.GetAsync(Hooks.ConfigMaps + "/cm1")).Body!["metadata"]!["annotations"]!["order"]!.GetValue<string>().ShouldBe("a1,a2,b1");
    }

    [Test]
    public async Task Review_requests_carry_what_kube_apiserver_sends_for_create_update_and_delete()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/m", call => WebhookReply.Allow(call));
        await using var sb = await TestSandbox.StartAsync();
        await Hooks.CreateAsync(sb, Hooks.Mutating, "shape", Hooks.Hook("shape.example.com", hooks, "/m", Hooks.ConfigMapRule()));

        var file = sb.WriteFile("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm1\ndata:\n  a: \"1\"\n");
        (await sb.KubectlAsync($"create -f {file}")).ExitCode.ShouldBe(0);
        var create = await hooks.NextCallAsync();
        create.Query.ShouldBe("?timeout=10s");
        create.Body["apiVersion"]!.GetValue<string>().ShouldBe("admission.k8s.io/v1");
        create.Body["kind"]!.GetValue<string>().ShouldBe("AdmissionReview");
        var request = create.Request;
        Guid.TryParse(create.Uid, out _).ShouldBeTrue();
        request["kind"]!.ToJsonString().ShouldBe("""{"group":"","version":"v1","kind":"ConfigMap"}""");
        request["resource"]!.ToJsonString().ShouldBe("""{"group":"","version":"v1","resource":"configmaps"}""");
        request["requestKind"]!.ToJsonString().ShouldBe(request["kind"]!.ToJsonString());
        request["requestResource"]!.ToJsonString().ShouldBe(request["resource"]!.ToJsonString());
        request.ContainsKey("subResource").ShouldBeFalse();
        request["name"]!.GetValue<string>().ShouldBe("cm1");
        request["namespace"]!.GetValue<string>().ShouldBe("default");
        request["operation"]!.GetValue<string>().ShouldBe("CREATE");
        request["userInfo"]!.ToJsonString().ShouldBe("""{"username":"sandbox","groups":["system:masters","system:authenticated"]}""");
        request["object"]!["metadata"]!.AsObject().ContainsKey("uid").ShouldBeFalse();        // mutation precedes uid and timestamps
        request["object"]!["metadata"]!.AsObject().ContainsKey("creationTimestamp").ShouldBeFalse();
        request.ContainsKey("oldObject").ShouldBeTrue();
        request["oldObject"].ShouldBeNull();
        request["dryRun"]!.GetValue<bool>().ShouldBeFalse();
        request["options"]!.ToJsonString().ShouldBe(
            """{"kind":"CreateOptions","apiVersion":"meta.k8s.io/v1","fieldManager":"kubectl-create","fieldValidation":"Strict"}""");

        var current = (await sb.GetAsync(Hooks.ConfigMaps + "/cm1")).Body!.AsObject();
        current["data"]!["a"] = "2";
        (await sb.SendAsync(HttpMethod.Put, Hooks.ConfigMaps + "/cm1?fieldManager=tester", current.ToJsonString())).Code.ShouldBe(200);
        var update = (await hooks.NextCallAsync()).Request;
        update["operation"]!.GetValue<string>().ShouldBe("UPDATE");
        update["oldObject"]!["data"]!["a"]!.GetValue<string>().ShouldBe("1");
        update["object"]!["data"]!["a"]!.GetValue<string>().ShouldBe("2");
        update["options"]!.ToJsonString().ShouldBe("""{"kind":"UpdateOptions","apiVersion":"meta.k8s.io/v1","fieldManager":"tester"}""");

        (await sb.KubectlAsync("delete configmap cm1")).ExitCode.ShouldBe(0);
        var delete = (await hooks.NextCallAsync()).Request;
        delete["operation"]!.GetValue<string>().ShouldBe("DELETE");
        delete["object"].ShouldBeNull();
        delete["oldObject"]!["metadata"]!["name"]!.GetValue<string>().ShouldBe("cm1");
        delete["options"]!.ToJsonString().ShouldBe(
            """{"kind":"DeleteOptions","apiVersion":"meta.k8s.io/v1","propagationPolicy":"Background"}""");
    }

    [Test]
    public async Task IfNeeded_webhooks_are_called_once_more_when_a_later_webhook_changed_the_object()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/first", call => WebhookReply.Allow(call));
        hooks.On("/never", call => WebhookReply.Allow(call));
        hooks.On("/second", call => call.Object!["metadata"]!["labels"] is null
            ? WebhookReply.Allow(call, """[{"op":"add","path":"/metadata/labels","value":{"team":"a"}}]""")
            : WebhookReply.Allow(call));
        await using var sb = await TestSandbox.StartAsync();
        var first = Hooks.Hook("first.example.com", hooks, "/first", Hooks.ConfigMapRule());
        first["reinvocationPolicy"] = "IfNeeded";
        await Hooks.CreateAsync(sb, Hooks.Mutating, "reinvoke",
            first,
            Hooks.Hook("never.example.com", hooks, "/never", Hooks.ConfigMapRule()),
            Hooks.Hook("second.example.com", hooks, "/second", Hooks.ConfigMapRule()));

        (await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm1"))).Code.ShouldBe(201);

        hooks.Calls.Select(c => c.Path).ShouldBe(["/first", "/never", "/second", "/first"]);
        hooks.Calls[3].Object!["metadata"]!["labels"]!["team"]!.GetValue<string>().ShouldBe("a");
        hooks.Calls[0].Uid.ShouldNotBe(hooks.Calls[3].Uid);
    }

    [Test]
    public async Task Without_a_later_change_nothing_is_reinvoked()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/first", call => WebhookReply.Allow(call, """[{"op":"add","path":"/metadata/labels","value":{"team":"a"}}]"""));
        hooks.On("/second", call => WebhookReply.Allow(call));
        await using var sb = await TestSandbox.StartAsync();
        var first = Hooks.Hook("first.example.com", hooks, "/first", Hooks.ConfigMapRule());
        first["reinvocationPolicy"] = "IfNeeded";
        await Hooks.CreateAsync(sb, Hooks.Mutating, "reinvoke",
            first, Hooks.Hook("second.example.com", hooks, "/second", Hooks.ConfigMapRule()));

        (await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm1"))).Code.ShouldBe(201);

        hooks.Calls.Select(c => c.Path).ShouldBe(["/first", "/second"]);
    }

    [Test]
    public async Task A_mutation_is_visible_in_kubectl_get_right_after_apply()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/m", call => call.Request["operation"]!.GetValue<string>() == "CREATE"
            ? WebhookReply.Allow(call, """[{"op":"add","path":"/data/injected","value":"yes"}]""")
            : WebhookReply.Allow(call));
        await using var sb = await TestSandbox.StartAsync();
        await Hooks.CreateAsync(sb, Hooks.Mutating, "inject", Hooks.Hook("inject.example.com", hooks, "/m", Hooks.ConfigMapRule()));
        var file = sb.WriteFile("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: \"1\"\n");

        var apply = await sb.KubectlAsync($"apply -f {file}");
        apply.ExitCode.ShouldBe(0, apply.ToString());
        apply.Stdout.Trim().ShouldBe("configmap/applied created");
        var yaml = await sb.KubectlAsync("get configmap applied -o jsonpath={.data.injected}");
        yaml.Stdout.ShouldBe("yes");
    }

    [Test]
    public async Task A_patch_for_a_delete_or_one_that_does_not_apply_is_an_internal_error()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/m", call => call.Request["operation"]!.GetValue<string>() switch
        {
            "DELETE" => WebhookReply.Allow(call, """[{"op":"add","path":"/metadata/labels","value":{}}]"""),
            "UPDATE" => WebhookReply.Allow(call, """[{"op":"replace","path":"/spec/missing","value":1}]"""),
            _ => WebhookReply.Allow(call),
        });
        await using var sb = await TestSandbox.StartAsync();
        (await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm1"))).Code.ShouldBe(201);
        await Hooks.CreateAsync(sb, Hooks.Mutating, "bad", Hooks.Hook("bad.example.com", hooks, "/m", Hooks.ConfigMapRule()));

        var delete = await sb.SendAsync(HttpMethod.Delete, Hooks.ConfigMaps + "/cm1");
        delete.Code.ShouldBe(500);
        delete.Body!["reason"]!.GetValue<string>().ShouldBe("InternalError");
        delete.Body!["message"]!.GetValue<string>().ShouldBe(
            "Internal error occurred: admission webhook \"bad.example.com\" attempted to modify the object, which is not supported for " +
                "this operation");

        var patch = await Hooks.MergePatchAsync(sb, Hooks.ConfigMaps + "/cm1", """{"data":{"b":"2"}}""");
        patch.Code.ShouldBe(500);
        patch.Body!["message"]!.GetValue<string>().ShouldStartWith("Internal error occurred: replace operation does not apply");
        (await sb.GetAsync(Hooks.ConfigMaps + "/cm1")).Body!["data"]!.AsObject().ContainsKey("b").ShouldBeFalse();
    }

    [Test]
    public async Task Schema_validation_and_defaulting_run_after_mutation()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/m", call => call.Object!["spec"]!["size"]?.GetValue<string>() == "bad"
            ? WebhookReply.Allow(call, """[{"op":"add","path":"/spec/replicas","value":"many"}]""")
            : WebhookReply.Allow(call, """[{"op":"remove","path":"/spec/color"},{"op":"add","path":"/spec/unknown","value":1}]"""));
        await using var sb = await TestSandbox.StartAsync();
        await Hooks.CreateCrdAsync(sb, Hooks.WidgetCrd());
        await Hooks.CreateAsync(sb, Hooks.Mutating, "widgets",
            Hooks.Hook("widgets.example.com", hooks, "/m", Hooks.Rule("*", "example.com", "*", "widgets")));
        const string Widgets = "/apis/example.com/v1/namespaces/default/widgets";

        var good = await sb.PostAsync(Widgets,
            """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"size":"large"}}""");
        good.Code.ShouldBe(201, good.Body?.ToJsonString());
        (await hooks.NextCallAsync()).Object!["spec"]!["color"]!.GetValue<string>().ShouldBe("blue");  // the webhook sees defaults
        good.Body!["spec"]!.ToJsonString().ShouldBe("""{"size":"large","color":"blue"}""");           // defaulted again, unknown pruned

        var bad = await sb.PostAsync(Widgets,
            """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w2"},"spec":{"size":"bad"}}""");
        bad.Code.ShouldBe(422);
        bad.Body!["message"]!.GetValue<string>().ShouldBe(
            "Widget.example.com \"w2\" is invalid: spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type " +
                "integer: \"string\"");
    }
}
