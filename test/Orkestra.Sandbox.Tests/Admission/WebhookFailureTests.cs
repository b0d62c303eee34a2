using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Orkestra.Testing;
using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Admission;

/// <summary>Webhooks that are down, slow, untrusted or answer garbage: kube's error texts and the failurePolicy's outcome.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class WebhookFailureTests
{
    static JsonObject Hook(TestWebhookServer server, string policy, string path = "/v")
    {
        var hook = Hooks.Hook("flaky.example.com", server, path, Hooks.ConfigMapRule());
        hook["failurePolicy"] = policy;
        return hook;
    }

    /// <summary>Creates a ConfigMap under a validating webhook answering <paramref name="reply"/>; returns code and message.</summary>
    static async Task<(int Code, string? Message)> CallAsync(Func<WebhookCall, WebhookReply> reply, string policy = "Fail",
        bool mutating = false)
    {
        await using var server = await TestWebhookServer.StartAsync();
        server.On("/v", reply);
        await using var sb = await TestSandbox.StartAsync();
        await Hooks.CreateAsync(sb, mutating ? Hooks.Mutating : Hooks.Validating, "flaky", Hook(server, policy));
        var (code, body, _) = await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm"));
        return (code, body?["message"]?.GetValue<string>());
    }

    static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Test]
    public async Task A_webhook_that_is_down_fails_closed_with_kubes_text_or_open_with_Ignore()
    {
        await using var server = await TestWebhookServer.StartAsync();
        await using var sb = await TestSandbox.StartAsync();
        var port = FreePort();
        var hook = Hook(server, "Fail");
        hook["clientConfig"]!["url"] = $"https://127.0.0.1:{port}/v";
        await Hooks.CreateAsync(sb, Hooks.Validating, "down", hook);
        var file = sb.WriteFile("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n");

        var create = await sb.KubectlAsync($"create -f {file}");

        create.ExitCode.ShouldBe(1);
        create.Stderr.Trim().ShouldBe($"Error from server (InternalError): error when creating \"{file}\": Internal error occurred: " +
            "failed calling webhook " +
            $"\"flaky.example.com\": failed to call webhook: Post \"https://127.0.0.1:{port}/v?timeout=10s\": dial tcp " +
                $"127.0.0.1:{port}: connect: connection refused");

        hook["failurePolicy"] = "Ignore";
        await Hooks.CreateAsync(sb, Hooks.Validating, "down-ignored", hook);
        await Hooks.DeleteAsync(sb, Hooks.Validating, "down");
        (await sb.KubectlAsync($"create -f {file}")).ExitCode.ShouldBe(0);
    }

    [TestCase("Fail", 500)]
    [TestCase("Ignore", 201)]
    public async Task A_slow_webhook_times_out_after_timeoutSeconds_on_the_sandbox_clock(string policy, int expected)
    {
        var clock = new ManualTimeProvider();
        await using var server = await TestWebhookServer.StartAsync();
        server.Hang("/v");
        await using var sb = await TestSandbox.StartAsync(new SandboxOptions { TimeProvider = clock });
        var hook = Hook(server, policy);
        hook["timeoutSeconds"] = 3;
        await Hooks.CreateAsync(sb, Hooks.Validating, "slow", hook);

        var pending = sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm"));
        var call = await server.NextCallAsync();
        call.Query.ShouldBe("?timeout=3s");
        pending.IsCompleted.ShouldBeFalse();
        clock.Advance(TimeSpan.FromSeconds(3));
        var (code, body, _) = await pending.WaitAsync(TestSandbox.Timeout);

        code.ShouldBe(expected);
        if (expected == 500)
        {
            body!["message"]!.GetValue<string>().ShouldBe("Internal error occurred: failed calling webhook \"flaky.example.com\": " +
                "failed to call webhook: " +
                $"Post \"https://127.0.0.1:{server.Port}/v?timeout=3s\": context deadline exceeded");
        }
    }

    [Test]
    public async Task A_certificate_from_another_CA_is_refused()
    {
        await using var server = await TestWebhookServer.StartAsync();
        server.On("/v", call => WebhookReply.Allow(call));
        await using var other = await TestWebhookServer.StartAsync();
        await using var sb = await TestSandbox.StartAsync();
        var hook = Hook(server, "Fail");
        hook["clientConfig"]!["caBundle"] = other.CaBundle;
        await Hooks.CreateAsync(sb, Hooks.Validating, "untrusted", hook);

        var (code, body, _) = await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm"));

        code.ShouldBe(500);
        body!["message"]!.GetValue<string>().ShouldBe("Internal error occurred: failed calling webhook \"flaky.example.com\": failed to " +
            "call webhook: " +
            $"Post \"https://127.0.0.1:{server.Port}/v?timeout=10s\": tls: failed to verify certificate: x509: certificate signed by " +
                "unknown authority");
        server.Calls.ShouldBeEmpty();
    }

    [Test]
    public async Task A_certificate_for_another_host_is_refused_even_from_the_right_CA()
    {
        await using var server = await TestWebhookServer.StartAsync(dnsNames: ["other.hooks.svc"], ips: []);
        server.On("/v", call => WebhookReply.Allow(call));
        await using var sb = await TestSandbox.StartAsync(new SandboxOptions
        {
            WebhookServices = new Dictionary<string, string> { ["hook.hooks.svc:443"] = $"127.0.0.1:{server.Port}" },
        });
        var byService = Hook(server, "Fail");
        byService["clientConfig"] = new JsonObject
        {
            ["service"] = new JsonObject { ["namespace"] = "hooks", ["name"] = "hook", ["path"] = "/v" }, ["caBundle"] = server.CaBundle,
        };
        await Hooks.CreateAsync(sb, Hooks.Validating, "by-service", byService);

        var (code, body, _) = await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm"));
        code.ShouldBe(500);
        body!["message"]!.GetValue<string>().ShouldBe("Internal error occurred: failed calling webhook \"flaky.example.com\": failed to " +
            "call webhook: " +
            "Post \"https://hook.hooks.svc:443/v?timeout=10s\": tls: failed to verify certificate: x509: certificate is valid for " +
                "other.hooks.svc, not hook.hooks.svc");

        await Hooks.DeleteAsync(sb, Hooks.Validating, "by-service");
        await Hooks.CreateAsync(sb, Hooks.Validating, "by-ip", Hook(server, "Fail"));
        (await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm"))).Body!["message"]!.GetValue<string>().ShouldEndWith(
            "tls: failed to verify certificate: x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs");
        server.Calls.ShouldBeEmpty();
    }

    [Test]
    public async Task A_service_reference_reaches_the_mapped_loopback_address_and_verifies_the_service_name()
    {
        await using var server = await TestWebhookServer.StartAsync(dnsNames: ["hook.hooks.svc"], ips: []);
        server.On("/validate", call => WebhookReply.Deny(call, 403, "Forbidden", "via service"));
        await using var sb = await TestSandbox.StartAsync(new SandboxOptions
        {
            WebhookServices = new Dictionary<string, string> { ["hook.hooks.svc:8443"] = $"127.0.0.1:{server.Port}" },
        });
        var hook = Hook(server, "Fail");
        hook["clientConfig"] = new JsonObject
        {
            ["service"] = new JsonObject { ["namespace"] = "hooks", ["name"] = "hook", ["path"] = "/validate", ["port"] = 8443 },
            ["caBundle"] = server.CaBundle,
        };
        await Hooks.CreateAsync(sb, Hooks.Validating, "svc", hook);
        var unmapped = Hook(server, "Fail");
        unmapped["name"] = "unmapped.example.com";
        unmapped["clientConfig"] = new JsonObject { ["service"] = new JsonObject { ["namespace"] = "hooks", ["name"] = "nowhere" } };
        unmapped["rules"] = new JsonArray(Hooks.Rule("CREATE", "", "v1", "secrets"));
        await Hooks.CreateAsync(sb, Hooks.Validating, "unmapped", unmapped);

        var (code, body, _) = await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm"));
        code.ShouldBe(403);
        body!["message"]!.GetValue<string>().ShouldBe("admission webhook \"flaky.example.com\" denied the request: via service");
        server.Calls.Single().Path.ShouldBe("/validate");

        var secret = await sb.PostAsync("/api/v1/namespaces/default/secrets", """{"metadata":{"name":"s"}}""");
        secret.Code.ShouldBe(500);
        secret.Body!["message"]!.GetValue<string>().ShouldStartWith("Internal error occurred: failed calling webhook " +
            "\"unmapped.example.com\": " +
            "failed to call webhook: Post \"https://nowhere.hooks.svc:443/?timeout=10s\": dial tcp: lookup nowhere.hooks.svc: no such " +
                "host");
    }

    [Test]
    public async Task Garbage_is_a_call_failure_that_Ignore_forgives()
    {
        (await CallAsync(_ => WebhookReply.Text("this is not json"))).ShouldSatisfyAllConditions(
            r => r.Code.ShouldBe(500),
            r => r.Message!.ShouldStartWith("Internal error occurred: failed calling webhook \"flaky.example.com\": failed to call " +
                "webhook: " +
                                            "couldn't get version/kind; json parse error: "));
        (await CallAsync(_ => WebhookReply.Text("this is not json"), "Ignore")).Code.ShouldBe(201);
    }

    [Test]
    public async Task An_oversized_or_too_deep_answer_is_refused_without_reading_it_all()
    {
        var big = "{\"kind\":\"AdmissionReview\",\"pad\":\"" + new string('x', 3 * 1024 * 1024) + "\"}";
        (await CallAsync(_ => WebhookReply.Text(big))).Message.ShouldBe(
            "Internal error occurred: failed calling webhook \"flaky.example.com\": failed to call webhook: the webhook response is " +
                "larger than 3145728 bytes");
        var deep = new StringBuilder("{\"kind\":\"AdmissionReview\",\"x\":");
        for (var i = 0; i < 600; i++) deep.Append('[');
        for (var i = 0; i < 600; i++) deep.Append(']');
        deep.Append('}');
        var tooDeep = await CallAsync(_ => WebhookReply.Text(deep.ToString()));
        tooDeep.Code.ShouldBe(500);
        tooDeep.Message!.ShouldContain("couldn't get version/kind; json parse error: ");
        tooDeep.Message!.ShouldContain("depth");
    }

    [Test]
    public async Task Answers_that_break_the_review_rules_are_call_failures_with_kubes_reasons()
    {
        const string Prefix = "Internal error occurred: failed calling webhook \"flaky.example.com\": ";
        (await CallAsync(_ => WebhookReply.Review(new JsonObject { ["uid"] = "nope", ["allowed"] = true }))).Message!
            .ShouldStartWith(Prefix + "received invalid webhook response: expected response.uid=\"");
        (await CallAsync(call => WebhookReply.Json(new JsonObject
            {
                ["apiVersion"] = "admission.k8s.io/v1beta1", ["kind"] = "AdmissionReview",
                ["response"] = new JsonObject { ["uid"] = call.Uid, ["allowed"] = true },
            }))).Message.ShouldBe(Prefix + "received invalid webhook response: expected webhook response of admission.k8s.io/v1, " +
                "Kind=AdmissionReview, " +
                                  "got admission.k8s.io/v1beta1, Kind=AdmissionReview");
        (await CallAsync(call => WebhookReply.Allow(call, "[]"))).Message.ShouldBe(
            Prefix + "received invalid webhook response: validating webhook may not return response.patch");
        (await CallAsync(_ => WebhookReply.Json(new JsonObject { ["apiVersion"] = "admission.k8s.io/v1", ["kind"] = "AdmissionReview" })))
            .Message.ShouldBe(Prefix + "received invalid webhook response: webhook response was absent");
        (await CallAsync(call => WebhookReply.Review(new JsonObject { ["uid"] = call.Uid, ["allowed"] = "yes" }))).Message.ShouldBe(
            Prefix + "failed to call webhook: json: cannot unmarshal string into Go struct field AdmissionReview.response.allowed of " +
                "type bool");
        (await CallAsync(_ => WebhookReply.Text("boom", 500))).Message.ShouldBe(
            Prefix + "failed to call webhook: an error on the server (\"boom\") has prevented the request from succeeding");
        (await CallAsync(call => WebhookReply.Review(new JsonObject
            {
                ["uid"] = call.Uid, ["allowed"] = true, ["patchType"] = "Merge", ["patch"] = Convert.ToBase64String("{}"u8.ToArray()),
            }), mutating: true)).Message.ShouldBe(Prefix + "unsupported patch type \"Merge\"");
        (await CallAsync(call => WebhookReply.Review(new JsonObject
            {
                ["uid"] = call.Uid, ["allowed"] = true, ["patch"] = Convert.ToBase64String("[]"u8.ToArray()),
            }), mutating: true)).Message.ShouldBe(Prefix + "received invalid webhook response: webhook returned response.patch but not " +
                "response.patchType");
    }

    [Test]
    public async Task A_caBundle_without_certificates_fails_before_any_connection()
    {
        await using var server = await TestWebhookServer.StartAsync();
        await using var sb = await TestSandbox.StartAsync();
        var hook = Hook(server, "Fail");
        hook["clientConfig"]!["caBundle"] = Convert.ToBase64String("not a certificate"u8.ToArray());
        await Hooks.CreateAsync(sb, Hooks.Validating, "bad-ca", hook);

        (await sb.PostAsync(Hooks.ConfigMaps, Hooks.ConfigMap("cm"))).Body!["message"]!.GetValue<string>().ShouldBe(
            "Internal error occurred: failed calling webhook \"flaky.example.com\": could not get REST client: " +
            "unable to load root certificates: unable to parse bytes as PEM block");
        server.Calls.ShouldBeEmpty();
    }
}
