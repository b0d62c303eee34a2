using System.Text.Json.Nodes;
using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Admission;

/// <summary>Which writes reach which webhook: namespace and object selectors, rules with subresources and scope, matchPolicy.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class MatchingTests
{
    const string Widgets = "/apis/example.com/v1/namespaces/default/widgets";

    static WebhookReply DenyAll(WebhookCall call) =>
        WebhookReply.Deny(call, 403, "Forbidden", "caught");

    static async Task<int> CreateNamespaceAsync(TestSandbox sb, string name, string? labels = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (labels is not null) metadata["labels"] = JsonNode.Parse(labels);
        return (await sb.PostAsync("/api/v1/namespaces", new JsonObject { ["metadata"] = metadata }.ToJsonString())).Code;
    }

    [Test]
    public async Task A_namespace_selector_matches_the_labels_of_the_objects_namespace()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/v", DenyAll);
        await using var sb = await TestSandbox.StartAsync();
        (await CreateNamespaceAsync(sb, "prod", """{"env":"prod"}""")).ShouldBe(201);
        (await CreateNamespaceAsync(sb, "dev")).ShouldBe(201);
        var hook = Hooks.Hook("prod-only.example.com", hooks, "/v", Hooks.Rule("*", "", "v1", "configmaps,namespaces"));
        hook["namespaceSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["env"] = "prod" } };
        await Hooks.CreateAsync(sb, Hooks.Validating, "prod", hook);

        (await sb.PostAsync("/api/v1/namespaces/prod/configmaps", Hooks.ConfigMap("cm"))).Code.ShouldBe(403);
        (await sb.PostAsync("/api/v1/namespaces/dev/configmaps", Hooks.ConfigMap("cm"))).Code.ShouldBe(201);
        // a Namespace being created is matched by its own labels
        (await CreateNamespaceAsync(sb, "prod2", """{"env":"prod"}""")).ShouldBe(403);
        (await CreateNamespaceAsync(sb, "dev2", """{"env":"dev"}""")).ShouldBe(201);
        hooks.Calls.Count.ShouldBe(2);
        hooks.Calls[1].Request.ContainsKey("namespace").ShouldBeFalse();   // a namespace create has no request namespace
    }

    [Test]
    public async Task A_namespace_selector_on_a_missing_namespace_answers_404_only_when_the_rules_match()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/v", DenyAll);
        await using var sb = await TestSandbox.StartAsync();
        var hook = Hooks.Hook("ns.example.com", hooks, "/v", Hooks.ConfigMapRule());
        hook["namespaceSelector"] = new JsonObject
        {
            ["matchExpressions"] = new JsonArray(
                new JsonObject { ["key"] = "env", ["operator"] = "NotIn", ["values"] = new JsonArray("dev") }),
        };
        await Hooks.CreateAsync(sb, Hooks.Validating, "ns", hook);

        var (code, body, _) = await sb.PostAsync("/api/v1/namespaces/nowhere/configmaps", Hooks.ConfigMap("cm"));
        code.ShouldBe(404);
        body!["message"]!.GetValue<string>().ShouldBe("namespaces \"nowhere\" not found");
        (await sb.PostAsync("/api/v1/namespaces/nowhere/secrets", """{"metadata":{"name":"s"}}""")).Body!["message"]!.GetValue<string>()
            .ShouldBe("namespaces \"nowhere\" not found");   // the store's own 404, no webhook involved
        (await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm"))).Code.ShouldBe(403);   // default has no env label: NotIn matches
        hooks.Calls.Count.ShouldBe(1);
    }

    [Test]
    public async Task An_object_selector_matches_the_new_or_the_old_labels()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/v", DenyAll);
        await using var sb = await TestSandbox.StartAsync();
        (await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("guarded", """{"guarded":"yes"}"""))).Code.ShouldBe(201);
        var hook = Hooks.Hook("guard.example.com", hooks, "/v", Hooks.ConfigMapRule());
        hook["objectSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["guarded"] = "yes" } };
        await Hooks.CreateAsync(sb, Hooks.Validating, "guard", hook);

        (await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("plain"))).Code.ShouldBe(201);
        (await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("labelled", """{"guarded":"yes"}"""))).Code.ShouldBe(403);
        // removing the label is still caught through the old object
        var unlabel = await Hooks.MergePatchAsync(sb, Hooks.ConfigMaps + "/guarded", """{"metadata":{"labels":null}}""");
        unlabel.Code.ShouldBe(403);
        hooks.Calls.Count.ShouldBe(2);
        hooks.Calls[1].Request["oldObject"]!["metadata"]!["labels"]!["guarded"]!.GetValue<string>().ShouldBe("yes");
    }

    [Test]
    public async Task Rules_select_operations_and_resources()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/v", DenyAll);
        await using var sb = await TestSandbox.StartAsync();
        await Hooks.CreateAsync(sb, Hooks.Validating, "updates",
            Hooks.Hook("updates.example.com", hooks, "/v", Hooks.Rule("UPDATE", "", "v1", "configmaps")));

        (await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm"))).Code.ShouldBe(201);
        (await sb.PostAsync("/api/v1/namespaces/default/secrets", """{"metadata":{"name":"s"}}""")).Code.ShouldBe(201);
        (await Hooks.MergePatchAsync(sb, "/api/v1/namespaces/default/secrets/s", """{"data":{}}""")).Code.ShouldBe(200);
        (await Hooks.MergePatchAsync(sb, Hooks.ConfigMaps + "/cm", """{"data":{"b":"2"}}""")).Code.ShouldBe(403);
        (await sb.SendAsync(HttpMethod.Delete, Hooks.ConfigMaps + "/cm")).Code.ShouldBe(200);
        hooks.Calls.Single().Request["operation"]!.GetValue<string>().ShouldBe("UPDATE");
    }

    [TestCase("widgets", false, true)]
    [TestCase("widgets/status", true, false)]
    [TestCase("*/status", true, false)]
    [TestCase("*", false, true)]
    [TestCase("*/*", true, true)]
    public async Task Subresource_rules_match_status_writes(string resource, bool statusCalled, bool mainCalled)
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/v", call => WebhookReply.Allow(call));
        await using var sb = await TestSandbox.StartAsync();
        await Hooks.CreateCrdAsync(sb, Hooks.WidgetCrd());
        var widget = """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"size":"s"}}""";
        (await sb.PostAsync(Widgets, widget)).Code.ShouldBe(201);
        await Hooks.CreateAsync(sb, Hooks.Validating, "sub",
            Hooks.Hook("sub.example.com", hooks, "/v", Hooks.Rule("UPDATE", "example.com", "v1", resource)));

        var status = await Hooks.MergePatchAsync(sb, Widgets + "/w1/status", """{"status":{"ready":true}}""");
        status.Code.ShouldBe(200);
        var afterStatus = hooks.Calls.Count;
        (await Hooks.MergePatchAsync(sb, Widgets + "/w1", """{"spec":{"size":"m"}}""")).Code.ShouldBe(200);

        (afterStatus == 1).ShouldBe(statusCalled);
        (hooks.Calls.Count - afterStatus == 1).ShouldBe(mainCalled);
        if (statusCalled)
        {
            var request = hooks.Calls[0].Request;
            request["subResource"]!.GetValue<string>().ShouldBe("status");
            request["requestSubResource"]!.GetValue<string>().ShouldBe("status");
            request["object"]!["status"]!["ready"]!.GetValue<bool>().ShouldBeTrue();
            request["object"]!["spec"]!["size"]!.GetValue<string>().ShouldBe("s");   // the whole object
        }
    }

    [Test]
    public async Task Scale_writes_send_a_Scale_and_its_mutation_sets_the_replicas()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/m", call => WebhookReply.Allow(call, """[{"op":"replace","path":"/spec/replicas","value":5}]"""));
        // no simulated status writes: a concurrent write would re-run admission and call the webhook twice
        await using var sb = await TestSandbox.StartAsync(new SandboxOptions { Simulation = new SimulationOptions { Enabled = false } });
        var file = sb.WriteFile("d.yaml", Manifests.Deployment);
        (await sb.KubectlAsync($"create -f {file}")).ExitCode.ShouldBe(0);
        await Hooks.CreateAsync(sb, Hooks.Mutating, "scale",
            Hooks.Hook("scale.example.com", hooks, "/m", Hooks.Rule("UPDATE", "apps", "v1", "deployments/scale")));

        var scale = await sb.KubectlAsync("scale deployment web --replicas=3");

        scale.ExitCode.ShouldBe(0, scale.ToString());
        (await sb.GetAsync("/apis/apps/v1/namespaces/default/deployments/web")).Body!["spec"]!["replicas"]!.GetValue<long>().ShouldBe(5);
        var request = hooks.Calls.Single().Request;
        request["kind"]!.ToJsonString().ShouldBe("""{"group":"autoscaling","version":"v1","kind":"Scale"}""");
        request["resource"]!.ToJsonString().ShouldBe("""{"group":"apps","version":"v1","resource":"deployments"}""");
        request["subResource"]!.GetValue<string>().ShouldBe("scale");
        request["object"]!["spec"]!["replicas"]!.GetValue<long>().ShouldBe(3);
        request["oldObject"]!["spec"]!["replicas"]!.GetValue<long>().ShouldBe(2);
    }

    [Test]
    public async Task Rule_scope_separates_cluster_and_namespaced_objects()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/cluster", DenyAll);
        hooks.On("/namespaced", DenyAll);
        await using var sb = await TestSandbox.StartAsync();
        await Hooks.CreateAsync(sb, Hooks.Validating, "cluster",
            Hooks.Hook("cluster.example.com", hooks, "/cluster", Hooks.Rule("CREATE", "", "v1", "*", "Cluster")));
        await Hooks.CreateAsync(sb, Hooks.Validating, "namespaced",
            Hooks.Hook("namespaced.example.com", hooks, "/namespaced", Hooks.Rule("CREATE", "", "v1", "*", "Namespaced")));

        (await CreateNamespaceAsync(sb, "team")).ShouldBe(403);
        (await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm"))).Code.ShouldBe(403);
        (await sb.PostAsync("/api/v1/persistentvolumes", """{"metadata":{"name":"pv"},"spec":{}}""")).Code.ShouldBe(403);
        hooks.Calls.Select(c => c.Path).ShouldBe(["/cluster", "/namespaced", "/cluster"]);
    }

    [Test]
    public async Task Webhook_configurations_themselves_are_never_admitted()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/v", DenyAll);
        await using var sb = await TestSandbox.StartAsync();
        await Hooks.CreateAsync(sb, Hooks.Validating, "everything",
            Hooks.Hook("everything.example.com", hooks, "/v", Hooks.Rule("*", "*", "*", "*/*")));

        (await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm"))).Code.ShouldBe(403);
        await Hooks.CreateAsync(sb, Hooks.Mutating, "another", Hooks.Hook("another.example.com", hooks, "/v", Hooks.ConfigMapRule()));
        await Hooks.DeleteAsync(sb, Hooks.Mutating, "another");
        await Hooks.DeleteAsync(sb, Hooks.Validating, "everything");
        (await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm"))).Code.ShouldBe(201);   // the deletion took effect at once
        hooks.Calls.Count.ShouldBe(1);
    }

    [TestCase("Equivalent", true)]
    [TestCase("Exact", false)]
    public async Task Match_policy_decides_whether_another_version_of_the_resource_matches(string policy, bool called)
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/v", call => WebhookReply.Allow(call));
        await using var sb = await TestSandbox.StartAsync();
        await Hooks.CreateCrdAsync(sb, Hooks.WidgetCrd());
        var hook = Hooks.Hook("v1-only.example.com", hooks, "/v", Hooks.Rule("CREATE", "example.com", "v1", "widgets"));
        hook["matchPolicy"] = policy;
        await Hooks.CreateAsync(sb, Hooks.Validating, "v1-only", hook);

        (await sb.PostAsync("/apis/example.com/v2/namespaces/default/widgets",
            """{"apiVersion":"example.com/v2","kind":"Widget","metadata":{"name":"w"},"spec":{"sizeInGi":3}}""")).Code.ShouldBe(201);

        hooks.Calls.Count.ShouldBe(called ? 1 : 0);
        if (!called) return;
        var request = hooks.Calls[0].Request;
        request["kind"]!.ToJsonString().ShouldBe("""{"group":"example.com","version":"v1","kind":"Widget"}""");
        request["resource"]!.ToJsonString().ShouldBe("""{"group":"example.com","version":"v1","resource":"widgets"}""");
        request["requestKind"]!.ToJsonString().ShouldBe("""{"group":"example.com","version":"v2","kind":"Widget"}""");
        request["requestResource"]!.ToJsonString().ShouldBe("""{"group":"example.com","version":"v2","resource":"widgets"}""");
        request["object"]!["apiVersion"]!.GetValue<string>().ShouldBe("example.com/v1");   // converted (None strategy: apiVersion only)
    }
}
