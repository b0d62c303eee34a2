using System.Text.Json.Nodes;
using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Admission;

/// <summary>The configuration kinds as API objects: served like other built-ins, defaulted and validated as kube does; dry-run.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class WebhookConfigurationTests
{
    const string Validating = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations";
    const string Mutating = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations";

    const string Minimal = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata:
          name: minimal
        webhooks:
        - name: minimal.example.com
          clientConfig:
            service: {namespace: hooks, name: hook}
          rules:
          - {operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}
          sideEffects: None
          admissionReviewVersions: [v1]
        """;

    [Test]
    public async Task Configurations_are_stored_with_kubes_defaults_and_listed_by_kubectl()
    {
        await using var sb = await TestSandbox.StartAsync();
        var file = sb.WriteFile("m.yaml", Minimal);

        (await sb.KubectlAsync($"apply -f {file}")).Stdout.Trim()
            .ShouldBe("mutatingwebhookconfiguration.admissionregistration.k8s.io/minimal created");

        var hook = (await sb.GetAsync(Mutating + "/minimal")).Body!["webhooks"]![0]!.AsObject();
        hook["failurePolicy"]!.GetValue<string>().ShouldBe("Fail");
        hook["matchPolicy"]!.GetValue<string>().ShouldBe("Equivalent");
        hook["timeoutSeconds"]!.GetValue<long>().ShouldBe(10);
        hook["reinvocationPolicy"]!.GetValue<string>().ShouldBe("Never");
        hook["namespaceSelector"]!.ToJsonString().ShouldBe("{}");
        hook["objectSelector"]!.ToJsonString().ShouldBe("{}");
        hook["rules"]![0]!["scope"]!.GetValue<string>().ShouldBe("*");
        hook["clientConfig"]!["service"]!["port"]!.GetValue<long>().ShouldBe(443);
        var list = await sb.KubectlAsync("get mutatingwebhookconfigurations");
        list.ExitCode.ShouldBe(0, list.ToString());
        list.Stdout.ShouldContain("minimal");
        var resources = await sb.KubectlAsync("api-resources --api-group=admissionregistration.k8s.io -o name");
        resources.Stdout.ShouldContain("validatingwebhookconfigurations.admissionregistration.k8s.io");
    }

    static JsonObject Config(Action<JsonObject> change, string kind = "ValidatingWebhookConfiguration")
    {
        var hook = new JsonObject
        {
            ["name"] = "check.example.com",
            ["clientConfig"] = new JsonObject { ["url"] = "https://127.0.0.1:9443/validate" },
            ["rules"] = new JsonArray(Hooks.Rule("CREATE", "", "v1", "configmaps")),
            ["sideEffects"] = "None",
            ["admissionReviewVersions"] = new JsonArray("v1"),
        };
        change(hook);
        return new JsonObject
        {
            ["apiVersion"] = "admissionregistration.k8s.io/v1", ["kind"] = kind,
            ["metadata"] = new JsonObject { ["name"] = "check" }, ["webhooks"] = new JsonArray(hook),
        };
    }

    static async Task<string> InvalidAsync(TestSandbox sb, JsonObject config, string path = Validating)
    {
        var (code, body, _) = await sb.PostAsync(path, config.ToJsonString());
        code.ShouldBe(422, body?.ToJsonString());
        body!["reason"]!.GetValue<string>().ShouldBe("Invalid");
        var message = body["message"]!.GetValue<string>();
        message.ShouldStartWith($"{config["kind"]}.admissionregistration.k8s.io \"check\" is invalid: ");
        return message[message.IndexOf(": ", StringComparison.Ordinal)..][2..];
    }

    [Test]
    public async Task Invalid_configurations_are_refused_with_kubes_field_errors()
    {
        await using var sb = await TestSandbox.StartAsync();

        (await InvalidAsync(sb, Config(h => { h.Remove("sideEffects"); h.Remove("admissionReviewVersions"); }))).ShouldBe(
            "[webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun, " +
            "webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1]");
        (await InvalidAsync(sb, Config(h => h["sideEffects"] = "Some"))).ShouldBe(
            "webhooks[0].sideEffects: Unsupported value: \"Some\": supported values: \"None\", \"NoneOnDryRun\"");
        (await InvalidAsync(sb, Config(h => h["timeoutSeconds"] = 31))).ShouldBe(
            "webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds");
        (await InvalidAsync(sb, Config(h => h["name"] = "check"))).ShouldBe(
            "webhooks[0].name: Invalid value: \"check\": should be a domain with at least three segments separated by dots");
        (await InvalidAsync(sb, Config(h => h["clientConfig"]!["url"] = "http://127.0.0.1/validate"))).ShouldBe(
            "webhooks[0].clientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired format: " +
                "https://host[/path]");
        var both = new JsonObject { ["namespace"] = "a", ["name"] = "b" };
        (await InvalidAsync(sb, Config(h => h["clientConfig"]!["service"] = both))).ShouldBe(
            "webhooks[0].clientConfig: Required value: exactly one of url or service is required");
        (await InvalidAsync(sb, Config(h => h["rules"] = new JsonArray(Hooks.Rule("*,CREATE", "", "v1", "*,configmaps"))))).ShouldBe(
            "[webhooks[0].rules[0].operations: Invalid value: []string{\"*\", \"CREATE\"}: if '*' is present, must not specify other " +
                "operations, " +
            "webhooks[0].rules[0].resources: Invalid value: []string{\"*\", \"configmaps\"}: if '*' is present, must not specify other " +
                "resources without subresources]");
        (await InvalidAsync(sb, Config(h => h["failurePolicy"] = "Sometimes"))).ShouldBe(
            "webhooks[0].failurePolicy: Unsupported value: \"Sometimes\": supported values: \"Fail\", \"Ignore\"");
        (await InvalidAsync(sb, Config(h => h["objectSelector"] = new JsonObject
        {
            ["matchExpressions"] = new JsonArray(new JsonObject { ["key"] = "a", ["operator"] = "In" }),
        }))).ShouldBe("webhooks[0].objectSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' " +
            "or 'NotIn'");
        (await InvalidAsync(sb, Config(h => h["reinvocationPolicy"] = "Always", "MutatingWebhookConfiguration"), Mutating)).ShouldBe(
            "webhooks[0].reinvocationPolicy: Unsupported value: \"Always\": supported values: \"IfNeeded\", \"Never\"");
        var condition = new JsonObject { ["name"] = "c", ["expression"] = "true" };
        (await InvalidAsync(sb, Config(h => h["matchConditions"] = new JsonArray(condition)))).ShouldBe(
            "webhooks[0].matchConditions: Forbidden: matchConditions (CEL) are not supported by the sandbox");
        var (code, body, _) = await sb.PostAsync(Validating, Config(h => h["rules"] = "everything").ToJsonString());
        code.ShouldBe(400);
        body!["message"]!.GetValue<string>().ShouldBe(
            "ValidatingWebhookConfiguration in version \"v1\" cannot be handled as a ValidatingWebhookConfiguration: webhooks[0].rules " +
                "must be an array");
    }

    [Test]
    public async Task Duplicate_webhook_names_are_refused_on_create_and_update()
    {
        await using var sb = await TestSandbox.StartAsync();
        var config = Config(_ => { });
        (await sb.PostAsync(Validating, config.ToJsonString())).Code.ShouldBe(201);
        var stored = (await sb.GetAsync(Validating + "/check")).Body!.AsObject();
        stored["webhooks"]!.AsArray().Add(stored["webhooks"]![0]!.DeepClone());

        var (code, body, _) = await sb.SendAsync(HttpMethod.Put, Validating + "/check", stored.ToJsonString());

        code.ShouldBe(422);
        body!["message"]!.GetValue<string>().ShouldBe(
            "ValidatingWebhookConfiguration.admissionregistration.k8s.io \"check\" is invalid: webhooks[1].name: Duplicate value: " +
                "\"check.example.com\"");
    }

    [Test]
    public async Task Dry_run_requests_reach_webhooks_marked_as_dry_run_and_store_nothing()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/m", call => WebhookReply.Allow(call));
        hooks.On("/v", call => WebhookReply.Allow(call));
        await using var sb = await TestSandbox.StartAsync();
        var mutating = Hooks.Hook("dry.example.com", hooks, "/m", Hooks.ConfigMapRule());
        mutating["sideEffects"] = "NoneOnDryRun";
        await Hooks.CreateAsync(sb, Hooks.Mutating, "dry", mutating);
        await Hooks.CreateAsync(sb, Hooks.Validating, "dry", Hooks.Hook("dry-v.example.com", hooks, "/v", Hooks.ConfigMapRule()));
        var file = sb.WriteFile("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dry\n");

        var create = await sb.KubectlAsync($"create -f {file} --dry-run=server");

        create.ExitCode.ShouldBe(0, create.ToString());
        create.Stdout.Trim().ShouldBe("configmap/dry created (server dry run)");
        hooks.Calls.Count.ShouldBe(2);
        foreach (var call in hooks.Calls)
        {
            call.Request["dryRun"]!.GetValue<bool>().ShouldBeTrue();
            call.Request["options"]!["dryRun"]!.ToJsonString().ShouldBe("""["All"]""");
        }
        (await sb.GetAsync(Hooks.ConfigMaps + "/dry")).Code.ShouldBe(404);
    }

    [Test]
    public async Task A_webhook_with_side_effects_refuses_dry_run_requests()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/v", call => WebhookReply.Allow(call));
        await using var sb = await TestSandbox.StartAsync();
        // v1 refuses sideEffects Some/Unknown; configurations from v1beta1 days can still hold them: stored directly here
        var legacy = Hooks.Configuration(Hooks.Validating, "legacy", Hooks.Hook("legacy.example.com", hooks, "/v", Hooks.ConfigMapRule()));
        legacy["webhooks"]![0]!["sideEffects"] = "Unknown";
        legacy["metadata"]!["uid"] = Guid.NewGuid().ToString();
        sb.Server.Objects.Store.Write(tx => tx.Put("validatingwebhookconfigurations.admissionregistration.k8s.io", legacy));

        var dryRun = await sb.PostAsync(Hooks.ConfigMaps + "?dryRun=All", Hooks.ConfigMap("cm"));
        dryRun.Code.ShouldBe(400);
        dryRun.Body!["message"]!.GetValue<string>().ShouldBe("admission webhook \"legacy.example.com\" does not support dry run");
        hooks.Calls.ShouldBeEmpty();

        (await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm"))).Code.ShouldBe(201);
        hooks.Calls.Count.ShouldBe(1);
    }

    /// <summary>kube's dispatcher checks sideEffects before calling: the refusal is a 400 of its own, not a call failure,
    /// so failurePolicy Ignore does not skip it; webhooks with None/NoneOnDryRun are called as usual.</summary>
    [Test]
    public async Task A_mutating_webhook_with_sideEffects_Some_refuses_kubectl_server_dry_run_even_when_it_fails_open()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/some", call => WebhookReply.Allow(call));
        hooks.On("/dry", call => WebhookReply.Allow(call));
        await using var sb = await TestSandbox.StartAsync();
        var some = Hooks.Configuration(Hooks.Mutating, "some", Hooks.Hook("some.example.com", hooks, "/some", Hooks.ConfigMapRule()));
        some["webhooks"]![0]!["sideEffects"] = "Some";
        some["webhooks"]![0]!["failurePolicy"] = "Ignore";
        some["metadata"]!["uid"] = Guid.NewGuid().ToString();
        // stored directly: v1 refuses Some on create (configurations from v1beta1 days can still hold it)
        sb.Server.Objects.Store.Write(tx => tx.Put("mutatingwebhookconfigurations.admissionregistration.k8s.io", some));
        var file = sb.WriteFile("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dry\n");

        var refused = await sb.KubectlAsync($"apply --dry-run=server -f {file}");

        refused.ExitCode.ShouldNotBe(0);
        refused.Stderr.ShouldContain("admission webhook \"some.example.com\" does not support dry run");
        hooks.Calls.ShouldBeEmpty();
        (await sb.GetAsync(Hooks.ConfigMaps + "/dry")).Code.ShouldBe(404);

        some["webhooks"]![0]!["sideEffects"] = "NoneOnDryRun";
        sb.Server.Objects.Store.Write(tx => tx.Put("mutatingwebhookconfigurations.admissionregistration.k8s.io", some));
        var called = await sb.KubectlAsync($"apply --dry-run=server -f {file}");
        called.ExitCode.ShouldBe(0, called.ToString());
        hooks.Calls.Count.ShouldBe(1);
        hooks.Calls[0].Request["dryRun"]!.GetValue<bool>().ShouldBeTrue();

        (await sb.KubectlAsync($"apply -f {file}")).ExitCode.ShouldBe(0);
        hooks.Calls.Count.ShouldBe(2);
        hooks.Calls[1].Request["dryRun"]!.GetValue<bool>().ShouldBeFalse();
    }
}
