using System.Text.Json.Nodes;
using Orkestra.Operators.Tests.Support;

namespace Orkestra.Operators.Tests;

/// <summary>
/// End to end with real kubectl: the sandbox calls the webhooks ork registered, as kube-apiserver does
/// (Orkestra's advanced/07-validation-mutation shape, test/Orkestra.Operators.Tests/Katalogs/webhooks).
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class KubectlAdmissionTests
{
    private const string Katalog = "test/Orkestra.Operators.Tests/Katalogs/webhooks/katalog.yaml";

    private static string Gadget(string name, string spec, string ns = "default", string version = "v1") => $$"""
        apiVersion: hooks.orkestra.io/{{version}}
        kind: Gadget
        metadata: {name: {{name}}, namespace: {{ns}}}
        spec: {{spec}}
        """;

    [Test]
    public async Task An_invalid_CR_is_refused_by_kubectl_apply_with_the_rules_message_and_a_warn_rule_prints_Warning()
    {
        await using var ork = await RunningOperators.StartAsync([Katalog]);
        await ork.WaitReadyAsync();
        var refused = await ork.KubectlAsync("apply -f -", Gadget("bad", """{image: "docker.io/x:1"}"""));
        refused.ExitCode.ShouldNotBe(0);
        refused.Stderr.ShouldContain("admission webhook \"gadget.validate.orkestra.io\" denied the request: images must come from myorg/, not docker.io/x:1");
        (await ork.GetAsync("gadget", "bad")).ShouldBeNull("nothing was stored");

        var warned = await ork.KubectlAsync("apply -f -", Gadget("big", """{image: "myorg/x:1", replicas: 9}"""));
        warned.ExitCode.ShouldBe(0, warned.ToString());
        warned.Stderr.ShouldContain("Warning: more than 5 replicas needs a review");
        (await ork.MetricsAsync()).ShouldContain("controller_admission_validation_violations_total{crd=\"gadget\",action=\"deny\"} 1");
    }

    [Test]
    public async Task Mutation_defaults_are_in_the_object_the_API_server_stored_before_any_reconcile()
    {
        await using var ork = await RunningOperators.StartAsync([Katalog]);
        await ork.WaitReadyAsync();
        // The answer to the create itself: no reconcile can have run yet.
        var created = JsonNode.Parse(await ork.OkAsync("create -o json -f -", Gadget("plain", """{image: "myorg/plain:1"}""")))!;
        ((string?)created["spec"]!["tier"]).ShouldBe("standard");
        ((int)created["spec"]!["replicas"]!).ShouldBe(1);
        var stored = (await ork.GetAsync("gadget", "plain"))!;
        ((string?)stored["spec"]!["tier"]).ShouldBe("standard");
    }

    [Test]
    public async Task A_two_version_CRD_converts_both_ways_through_convert()
    {
        await using var ork = await RunningOperators.StartAsync([Katalog]);
        await ork.WaitReadyAsync();
        await ork.OkAsync("apply -f -", Gadget("one", """{image: "myorg/one:1", tier: gold, replicas: 3}"""));
        var asV2 = JsonNode.Parse(await ork.OkAsync("get gadgets.v2.hooks.orkestra.io one -o json"))!;
        ((string?)asV2["apiVersion"]).ShouldBe("hooks.orkestra.io/v2");
        ((int)asV2["spec"]!["scale"]!["replicas"]!).ShouldBe(3);
        asV2["spec"]!["replicas"].ShouldBeNull();

        await ork.OkAsync("apply -f -", Gadget("two", """{image: "myorg/two:1", tier: gold, scale: {replicas: 4}}""", version: "v2"));
        var asV1 = JsonNode.Parse(await ork.OkAsync("get gadgets.v1.hooks.orkestra.io two -o json"))!;
        ((string?)asV1["apiVersion"]).ShouldBe("hooks.orkestra.io/v1");
        ((int)asV1["spec"]!["replicas"]!).ShouldBe(4);
        (await ork.MetricsAsync()).ShouldMatch(@"orkestra_conversion_requests_total\{kind=""Gadget"",from=""v1"",to=""v2"",result=""success""\} [1-9]");
    }

    [Test]
    public async Task Deleting_a_protected_CRD_and_creating_a_CR_in_a_restricted_namespace_are_denied()
    {
        await using var ork = await RunningOperators.StartAsync([Katalog]);
        await ork.WaitReadyAsync();
        var delete = await ork.KubectlAsync("delete crd gadgets.hooks.orkestra.io");
        delete.ExitCode.ShouldNotBe(0);
        delete.Stderr.ShouldContain("admission webhook \"crds.deletion-protection.orkestra.io\" denied the request: " +
                                    "CustomResourceDefinition gadgets.hooks.orkestra.io is protected by the deletion protection of Katalog webhooks");
        (await ork.GetAsync("crd", "gadgets.hooks.orkestra.io", null)).ShouldNotBeNull();

        await ork.OkAsync("apply -f -", """
            apiVersion: v1
            kind: Namespace
            metadata: {name: restricted}
            """);
        var restricted = await ork.KubectlAsync("apply -f -", Gadget("nope", """{image: "myorg/x:1"}""", ns: "restricted"));
        restricted.ExitCode.ShouldNotBe(0);
        restricted.Stderr.ShouldContain("admission webhook \"gadget.namespace-protection.orkestra.io\" denied the request: " +
                                        "Gadget restricted/nope: namespace \"restricted\" is restricted for gadget");
    }

    /// <summary>Validation whose external call reserves quota (a side effect): <c>kubectl apply --dry-run=server</c> reaches
    /// the webhook but makes no call — the quota rule is skipped with a warning, the other rules still decide — while a
    /// real apply makes it. The webhook is registered with <c>sideEffects: NoneOnDryRun</c>.</summary>
    [Test]
    public async Task A_server_dry_run_makes_no_external_call_while_a_real_apply_does()
    {
        var reservations = 0;
        await using var quota = await ExternalCallTests.StartServiceAsync(context =>
        {
            Interlocked.Increment(ref reservations);
            return ExternalCallTests.Respond(context, 200, "reserved");
        });
        string Bucket(int size) => $$"""
            apiVersion: quota.orkestra.io/v1
            kind: Bucket
            metadata: {name: data, namespace: default}
            spec: {size: {{size}}, quotaUrl: "{{quota.Url.TrimEnd('/')}}"}
            """;
        await using var ork = await RunningOperators.StartAsync(["test/Orkestra.Operators.Tests/Katalogs/quota/katalog.yaml"]);
        await ork.WaitReadyAsync();
        var configuration = JsonNode.Parse(await ork.OkAsync("get validatingwebhookconfiguration orkestra-quota -o json"))!;
        ((string?)configuration["webhooks"]![0]!["sideEffects"]).ShouldBe("NoneOnDryRun");

        var dry = await ork.KubectlAsync("apply --dry-run=server -f -", Bucket(3));
        dry.ExitCode.ShouldBe(0, dry.ToString());
        dry.Stdout.ShouldContain("bucket.quota.orkestra.io/data created (server dry run)");
        dry.Stderr.ShouldContain("Warning: dry run: validation rule \"external.reserve.status equals 200\" (");
        var tooBig = await ork.KubectlAsync("apply --dry-run=server -f -", Bucket(20));
        tooBig.ExitCode.ShouldNotBe(0);
        tooBig.Stderr.ShouldContain("admission webhook \"bucket.validate.orkestra.io\" denied the request: size must be at most 10");
        Volatile.Read(ref reservations).ShouldBe(0, "a dry run makes no external call");
        (await ork.GetAsync("bucket", "data")).ShouldBeNull("a dry run stores nothing");

        var real = await ork.KubectlAsync("apply -f -", Bucket(3));
        real.ExitCode.ShouldBe(0, real.ToString());
        real.Stderr.ShouldNotContain("Warning");
        Volatile.Read(ref reservations).ShouldBe(1, "the real apply reserved quota");
        (await ork.GetAsync("bucket", "data")).ShouldNotBeNull();
    }
}
