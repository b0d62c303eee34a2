using System.Text.Json.Nodes;
using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Admission;

/// <summary>
/// CRD conversion through a real HTTPS test webhook: widgets are stored in v1 (<c>spec.size</c>: small|large) and
/// served in v1 and v2 (<c>spec.sizeInGi</c>: 10|100).
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ConversionWebhookTests
{
    const string V1 = "/apis/example.com/v1/namespaces/default/widgets";
    const string V2 = "/apis/example.com/v2/namespaces/default/widgets";

    /// <summary>The converter a real operator would ship, as a scripted answer.</summary>
    static WebhookReply Convert(WebhookCall call)
    {
        var request = call.Body["request"]!;
        var desired = request["desiredAPIVersion"]!.GetValue<string>();
        var converted = new JsonArray();
        foreach (var item in request["objects"]!.AsArray())
        {
            var o = item!.DeepClone().AsObject();
            o["apiVersion"] = desired;
            var spec = o["spec"] as JsonObject ?? new JsonObject();
            if (desired == "example.com/v2")
            {
                spec["sizeInGi"] = spec["size"]?.GetValue<string>() == "large" ? 100 : 10;
                spec.Remove("size");
            }
            else
            {
                spec["size"] = (spec["sizeInGi"]?.GetValue<long>() ?? 0) >= 50 ? "large" : "small";
                spec.Remove("sizeInGi");
            }
            o["spec"] = spec;
            converted.Add(o);
        }
        return Answer(call, new JsonObject { ["status"] = "Success" }, converted);
    }

    static WebhookReply Answer(WebhookCall call, JsonObject result, JsonArray? converted = null, string? uid = null) =>
        WebhookReply.Json(new JsonObject
    {
        ["apiVersion"] = "apiextensions.k8s.io/v1",
        ["kind"] = "ConversionReview",
        ["response"] = new JsonObject
        {
            ["uid"] = uid ?? call.Body["request"]!["uid"]!.GetValue<string>(),
            ["convertedObjects"] = converted ?? new JsonArray(),
            ["result"] = result,
        },
    });

    static JsonObject WebhookConversion(TestWebhookServer server, string path = "/convert") => new()
    {
        ["strategy"] = "Webhook",
        ["webhook"] = new JsonObject
        {
            ["clientConfig"] = new JsonObject { ["url"] = server.Url(path), ["caBundle"] = server.CaBundle },
            ["conversionReviewVersions"] = new JsonArray("v1"),
        },
    };

    static async Task<(TestWebhookServer Server, TestSandbox Sandbox)> StartAsync(Func<WebhookCall, WebhookReply>? handler = null)
    {
        var server = await TestWebhookServer.StartAsync();
        server.On("/convert", handler ?? Convert);
        var sb = await TestSandbox.StartAsync();
        await Hooks.CreateCrdAsync(sb, Hooks.WidgetCrd(WebhookConversion(server)));
        return (server, sb);
    }

    static string Widget(string version, string name, string spec) =>
        $$"""{"apiVersion":"example.com/{{version}}","kind":"Widget","metadata":{"name":"{{name}}"},"spec":{{spec}}}""";

    static JsonObject Stored(TestSandbox sb, string name) =>
        sb.Server.Objects.Store.Get("widgets.example.com", new Orkestra.Sandbox.Storage.ObjectKey("default", name))!.Object;

    [Test]
    public async Task Writes_in_either_version_are_stored_in_the_storage_version_and_kubectl_reads_both()
    {
        var (server, sb) = await StartAsync();
        await using var _ = server;
        await using var __ = sb;
        var file = sb.WriteFile("w2.yaml", "apiVersion: example.com/v2\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  sizeInGi: 100\n");

        var apply = await sb.KubectlAsync($"apply -f {file}");

        apply.ExitCode.ShouldBe(0, apply.ToString());
        var stored = Stored(sb, "w1");
        stored["apiVersion"]!.GetValue<string>().ShouldBe("example.com/v1");
        stored["spec"]!["size"]!.GetValue<string>().ShouldBe("large");
        stored["spec"]!.AsObject().ContainsKey("sizeInGi").ShouldBeFalse();
        var toStorage = server.Calls.First().Body;
        toStorage["apiVersion"]!.GetValue<string>().ShouldBe("apiextensions.k8s.io/v1");
        toStorage["kind"]!.GetValue<string>().ShouldBe("ConversionReview");
        toStorage["request"]!["desiredAPIVersion"]!.GetValue<string>().ShouldBe("example.com/v1");
        toStorage["request"]!["objects"]![0]!["spec"]!["sizeInGi"]!.GetValue<long>().ShouldBe(100);

        (await sb.KubectlAsync("get widgets.v1.example.com w1 -o jsonpath={.apiVersion}/{.spec.size}")).Stdout
            .ShouldBe("example.com/v1/large");
        (await sb.KubectlAsync("get widgets.v2.example.com w1 -o jsonpath={.apiVersion}/{.spec.sizeInGi}")).Stdout
            .ShouldBe("example.com/v2/100");
        var table = await sb.KubectlAsync("get widgets.v2.example.com");
        table.ExitCode.ShouldBe(0, table.ToString());
        table.Stdout.ShouldContain("w1");

        // a change in v2 is patched onto the v2 view of the stored object and stored in v1 again
        file = sb.WriteFile("w2b.yaml", "apiVersion: example.com/v2\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  sizeInGi: 10\n");
        (await sb.KubectlAsync($"apply -f {file}")).Stdout.Trim().ShouldBe("widget.example.com/w1 configured");
        Stored(sb, "w1")["spec"]!["size"]!.GetValue<string>().ShouldBe("small");
        (await sb.KubectlAsync("get widgets.v2.example.com w1 -o jsonpath={.spec.sizeInGi}")).Stdout.ShouldBe("10");
    }

    [Test]
    public async Task A_list_sends_every_item_not_in_the_wanted_version_in_one_review()
    {
        var (server, sb) = await StartAsync();
        await using var _ = server;
        await using var __ = sb;
        foreach (var name in new[] { "a", "b", "c" })
            (await sb.PostAsync(V1, Widget("v1", name, """{"size":"large"}"""))).Code.ShouldBe(201);
        server.Calls.ShouldBeEmpty();   // v1 is the storage version: nothing to convert

        var (code, body, _) = await sb.GetAsync(V2);

        code.ShouldBe(200, body?.ToJsonString());
        body!["apiVersion"]!.GetValue<string>().ShouldBe("example.com/v2");
        body["items"]!.AsArray().Select(i => i!["spec"]!["sizeInGi"]!.GetValue<long>()).ShouldBe([100, 100, 100]);
        body["items"]!.AsArray().Select(i => i!["apiVersion"]!.GetValue<string>()).Distinct().ShouldBe(["example.com/v2"]);
        server.Calls.Count.ShouldBe(1);
        server.Calls[0].Body["request"]!["objects"]!.AsArray().Count.ShouldBe(3);
        (await sb.GetAsync(V1)).Code.ShouldBe(200);
        server.Calls.Count.ShouldBe(1);
    }

    [Test]
    public async Task A_watch_in_another_version_converts_each_event()
    {
        var (server, sb) = await StartAsync();
        await using var _ = server;
        await using var __ = sb;
        await using var watch = await WatchReader.OpenAsync(sb, V2 + "?watch=true");

        (await sb.PostAsync(V1, Widget("v1", "w1", """{"size":"small"}"""))).Code.ShouldBe(201);
        var added = await watch.NextAsync();

        added!.Value.Type.ShouldBe("ADDED");
        added.Value.Object["apiVersion"]!.GetValue<string>().ShouldBe("example.com/v2");
        added.Value.Object["spec"]!["sizeInGi"]!.GetValue<long>().ShouldBe(10);
    }

    [Test]
    public async Task A_watch_ends_with_the_error_when_an_event_cannot_be_converted()
    {
        var (server, sb) = await StartAsync(call => Answer(call, new JsonObject { ["status"] = "Failure", ["message"] = "no" }));
        await using var _ = server;
        await using var __ = sb;
        await using var watch = await WatchReader.OpenAsync(sb, V2 + "?watch=true");

        (await sb.PostAsync(V1, Widget("v1", "w1", """{"size":"small"}"""))).Code.ShouldBe(201);
        var error = await watch.NextAsync();

        error!.Value.Type.ShouldBe("ERROR");
        error.Value.Object["code"]!.GetValue<int>().ShouldBe(500);
        error.Value.Object["message"]!.GetValue<string>().ShouldBe("conversion webhook for example.com/v1, Kind=Widget failed: no");
        (await watch.NextAsync()).ShouldBeNull();
    }

    [Test]
    public async Task A_failing_conversion_is_kubes_error_for_reads_and_writes()
    {
        var (server, sb) = await StartAsync();
        await using var _ = server;
        await using var __ = sb;
        (await sb.PostAsync(V1, Widget("v1", "w1", """{"size":"small"}"""))).Code.ShouldBe(201);
        server.On("/convert", call => Answer(call, new JsonObject { ["status"] = "Failure", ["message"] = "cannot convert this widget" }));

        var get = await sb.KubectlAsync("get widgets.v2.example.com w1 -o yaml");
        get.ExitCode.ShouldBe(1);
        get.Stderr.Trim().ShouldBe("Error from server: conversion webhook for example.com/v1, Kind=Widget failed: cannot convert this " +
            "widget");

        var create = await sb.PostAsync(V2, Widget("v2", "w2", """{"sizeInGi":10}"""));
        create.Code.ShouldBe(500);
        create.Body!["message"]!.GetValue<string>().ShouldBe("conversion webhook for example.com/v2, Kind=Widget failed: cannot convert " +
            "this widget");
        (await sb.GetAsync(V1 + "/w2")).Code.ShouldBe(404);

        server.On("/convert", call => Answer(call, new JsonObject { ["status"] = "Success" }, new JsonArray(), uid: "other"));
        (await sb.GetAsync(V2)).Body!["message"]!.GetValue<string>().ShouldStartWith(
            "conversion webhook for example.com/v1, Kind=WidgetList failed: expected response.uid=\"");
        server.On("/convert", call => Answer(call, new JsonObject { ["status"] = "Success" }, new JsonArray()));
        (await sb.GetAsync(V2 + "/w1")).Body!["message"]!.GetValue<string>().ShouldBe(
            "conversion webhook for example.com/v1, Kind=Widget returned 0 objects, expected 1");
    }

    [Test]
    public async Task Converted_objects_keep_their_identity_and_only_labels_and_annotations_of_the_returned_metadata()
    {
        var rename = false;
        var (server, sb) = await StartAsync(call =>
        {
            var reply = Convert(call);
            var review = System.Text.Json.Nodes.JsonNode.Parse(reply.Body)!;
            var converted = review["response"]!["convertedObjects"]![0]!["metadata"]!.AsObject();
            converted["labels"] = new JsonObject { ["converted"] = "yes" };
            converted["generation"] = 99;
            if (rename) converted["name"] = "other";
            return WebhookReply.Json(review);
        });
        await using var _ = server;
        await using var __ = sb;
        (await sb.PostAsync(V1, Widget("v1", "w1", """{"size":"small"}"""))).Code.ShouldBe(201);

        var read = (await sb.GetAsync(V2 + "/w1")).Body!;
        read["metadata"]!["labels"]!["converted"]!.GetValue<string>().ShouldBe("yes");
        read["metadata"]!["generation"]!.GetValue<long>().ShouldBe(1);
        Stored(sb, "w1")["metadata"]!["labels"].ShouldBeNull();

        rename = true;
        (await sb.GetAsync(V2 + "/w1")).Body!["message"]!.GetValue<string>().ShouldBe(
            "conversion webhook for example.com/v1, Kind=Widget returned invalid object: must have the same name: w1 != other");
    }

    [Test]
    public async Task An_unreachable_converter_fails_with_the_url_kube_would_show()
    {
        var (server, sb) = await StartAsync();
        await using var _ = server;
        await using var __ = sb;
        (await sb.PostAsync(V1, Widget("v1", "w1", """{"size":"small"}"""))).Code.ShouldBe(201);
        await server.DisposeAsync();

        var (code, body, _) = await sb.GetAsync(V2 + "/w1");

        code.ShouldBe(500);
        body!["message"]!.GetValue<string>().ShouldBe(
            $"conversion webhook for example.com/v1, Kind=Widget failed: Post \"{server.Url("/convert")}?timeout=30s\": " +
            $"dial tcp 127.0.0.1:{server.Port}: connect: connection refused");
    }

    [Test]
    public async Task Strategy_None_keeps_rewriting_apiVersion_only_without_any_call()
    {
        await using var sb = await TestSandbox.StartAsync();
        await Hooks.CreateCrdAsync(sb, Hooks.WidgetCrd());
        (await sb.PostAsync(V2, Widget("v2", "w1", """{"sizeInGi":10}"""))).Code.ShouldBe(201);

        Stored(sb, "w1")["apiVersion"]!.GetValue<string>().ShouldBe("example.com/v2");
        var v1 = (await sb.GetAsync(V1 + "/w1")).Body!;
        v1["apiVersion"]!.GetValue<string>().ShouldBe("example.com/v1");
    }

    [Test]
    public async Task A_Webhook_strategy_needs_a_client_config_and_review_versions()
    {
        await using var sb = await TestSandbox.StartAsync();
        var crd = Hooks.WidgetCrd(new JsonObject { ["strategy"] = "Webhook" });

        var (code, body, _) = await sb.PostAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd.ToJsonString());

        code.ShouldBe(422);
        body!["message"]!.GetValue<string>().ShouldBe("CustomResourceDefinition.apiextensions.k8s.io \"widgets.example.com\" is " +
            "invalid: [" +
            "spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook, " +
            "spec.conversion.conversionReviewVersions: Required value: must specify one of v1, v1beta1]");
        var unknown = Hooks.WidgetCrd(new JsonObject { ["strategy"] = "Magic" });
        (await sb.PostAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", unknown.ToJsonString()))
            .Body!["message"]!.GetValue<string>()
            .ShouldBe("CustomResourceDefinition.apiextensions.k8s.io \"widgets.example.com\" is invalid: " +
                      "spec.conversion.strategy: Unsupported value: \"Magic\": supported values: \"None\", \"Webhook\"");
    }
}
