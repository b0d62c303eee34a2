using System.Text.Json.Nodes;
using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Admission;

/// <summary>Validating admission: denials and warnings exactly as kubectl prints them, the final object, parallel calls.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ValidatingWebhookTests
{
    const string Manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: checked\ndata:\n  size: large\n";

    [Test]
    public async Task A_denial_reaches_kubectl_apply_with_kubes_exact_text()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/v", call => WebhookReply.Deny(call, 403, "Forbidden", "size must be small"));
        await using var sb = await TestSandbox.StartAsync();
        await Hooks.CreateAsync(sb, Hooks.Validating, "sizes", Hooks.Hook("vwidget.example.com", hooks, "/v", Hooks.ConfigMapRule()));
        var file = sb.WriteFile("w.yaml", Manifest);

        var apply = await sb.KubectlAsync($"apply -f {file}");

        apply.ExitCode.ShouldBe(1);
        apply.Stderr.Trim().ShouldBe(
            $"Error from server (Forbidden): error when creating \"{file}\": admission webhook \"vwidget.example.com\" denied the " +
                "request: size must be small");
        (await sb.GetAsync(Hooks.ConfigMaps + "/checked")).Code.ShouldBe(404);
    }

    [Test]
    public async Task A_denial_without_status_is_a_400_without_explanation()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/v", call => WebhookReply.Deny(call, null));
        hooks.On("/reason", call => WebhookReply.Deny(call, new JsonObject { ["code"] = 200, ["reason"] = "NotWelcome" }));
        await using var sb = await TestSandbox.StartAsync();
        await Hooks.CreateAsync(sb, Hooks.Validating, "quiet", Hooks.Hook("quiet.example.com", hooks, "/v", Hooks.ConfigMapRule()));
        var file = sb.WriteFile("w.yaml", Manifest);

        var create = await sb.KubectlAsync($"create -f {file}");
        create.ExitCode.ShouldBe(1);
        create.Stderr.Trim().ShouldBe($"Error from server: error when creating \"{file}\": admission webhook \"quiet.example.com\" " +
            "denied the request without explanation");

        await Hooks.CreateAsync(sb, Hooks.Validating, "reasoned",
            Hooks.Hook("reason.example.com", hooks, "/reason", Hooks.ConfigMapRule()));
        await Hooks.DeleteAsync(sb, Hooks.Validating, "quiet");
        var (code, body, _) = await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm1"));
        code.ShouldBe(400);
        body!["reason"]!.GetValue<string>().ShouldBe("NotWelcome");
        body["message"]!.GetValue<string>().ShouldBe("admission webhook \"reason.example.com\" denied the request: NotWelcome");
    }

    [Test]
    public async Task Warnings_of_both_kinds_of_webhook_are_printed_by_kubectl()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/m", call => WebhookReply.Allow(call, null, "spec.size is deprecated"));
        hooks.On("/v", call => WebhookReply.Allow(call, null, "size large costs more", "spec.size is deprecated"));
        await using var sb = await TestSandbox.StartAsync();
        await Hooks.CreateAsync(sb, Hooks.Mutating, "warn-m", Hooks.Hook("warn-m.example.com", hooks, "/m", Hooks.ConfigMapRule()));
        await Hooks.CreateAsync(sb, Hooks.Validating, "warn-v", Hooks.Hook("warn-v.example.com", hooks, "/v", Hooks.ConfigMapRule()));
        var file = sb.WriteFile("w.yaml", Manifest);

        var apply = await sb.KubectlAsync($"apply -f {file}");

        apply.ExitCode.ShouldBe(0, apply.ToString());
        apply.Stdout.Trim().ShouldBe("configmap/checked created");
        apply.Stderr.Trim().ShouldBe("Warning: spec.size is deprecated\nWarning: size large costs more");
    }

    [Test]
    public async Task Warnings_come_with_a_denial_too()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/v", call => WebhookReply.Deny(call, 422, "Invalid", "no", "think again"));
        await using var sb = await TestSandbox.StartAsync();
        await Hooks.CreateAsync(sb, Hooks.Validating, "deny", Hooks.Hook("deny.example.com", hooks, "/v", Hooks.ConfigMapRule()));

        var (code, _, response) = await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm1"));

        code.ShouldBe(422);
        response.Headers.GetValues("Warning").ShouldBe(["299 - \"think again\""]);
    }

    [Test]
    public async Task Validating_webhooks_see_the_final_object_after_mutation_and_defaults()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        hooks.On("/m", call => WebhookReply.Allow(call, """[{"op":"add","path":"/metadata/labels","value":{"team":"a"}}]"""));
        hooks.On("/v", call => WebhookReply.Allow(call));
        await using var sb = await TestSandbox.StartAsync();
        await Hooks.CreateAsync(sb, Hooks.Mutating, "label", Hooks.Hook("label.example.com", hooks, "/m", Hooks.ConfigMapRule()));
        await Hooks.CreateAsync(sb, Hooks.Validating, "check", Hooks.Hook("check.example.com", hooks, "/v", Hooks.ConfigMapRule()));

        (await sb.PostAsync(Hooks.ConfigMaps, """{"metadata":{"generateName":"gen-"},"data":{"a":"1"}}""")).Code.ShouldBe(201);

        var mutating = hooks.Calls.Single(c => c.Path == "/m").Request;
        mutating.ContainsKey("name").ShouldBeFalse();   // generateName: no name yet
        var validating = hooks.Calls.Single(c => c.Path == "/v").Request;
        validating["name"]!.GetValue<string>().ShouldStartWith("gen-");
        var metadata = validating["object"]!["metadata"]!;
        metadata["labels"]!["team"]!.GetValue<string>().ShouldBe("a");
        metadata["uid"].ShouldNotBeNull();
        metadata["creationTimestamp"].ShouldNotBeNull();
        var stored = (await sb.GetAsync($"{Hooks.ConfigMaps}/{validating["name"]!.GetValue<string>()}")).Body!;
        stored["metadata"]!["uid"]!.GetValue<string>().ShouldBe(metadata["uid"]!.GetValue<string>());
    }

    [Test]
    public async Task Validating_webhooks_are_called_in_parallel_and_the_first_denial_in_webhook_order_is_reported()
    {
        await using var hooks = await TestWebhookServer.StartAsync();
        var bothArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrivals = 0;
        async Task<WebhookReply> Deny(WebhookCall call, string message)
        {
            if (Interlocked.Increment(ref arrivals) == 2) bothArrived.TrySetResult();
            await bothArrived.Task.WaitAsync(TestSandbox.Timeout);   // each answers only once both were called: proof of parallel calls
            return WebhookReply.Deny(call, new JsonObject { ["code"] = 403, ["reason"] = "Forbidden", ["message"] = message });
        }
        hooks.OnAsync("/a", call => Deny(call, "from a"));
        hooks.OnAsync("/b", call => Deny(call, "from b"));
        await using var sb = await TestSandbox.StartAsync();
        await Hooks.CreateAsync(sb, Hooks.Validating, "z-second", Hooks.Hook("b.example.com", hooks, "/b", Hooks.ConfigMapRule()));
        await Hooks.CreateAsync(sb, Hooks.Validating, "a-first", Hooks.Hook("a.example.com", hooks, "/a", Hooks.ConfigMapRule()));

        var (code, body, _) = await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm1"));

        code.ShouldBe(403);
        body!["message"]!.GetValue<string>().ShouldBe("admission webhook \"a.example.com\" denied the request: from a");
    }
}
