using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Features;

/// <summary>Malformed request bodies get a 400 Status, never a 500.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class BodyTests
{
    [TestCase("""{"metadata":{"name":"a","name":"b"}}""")]
    [TestCase("""{"metadata":{"name":"a"},"data":{"k":"1","k":"2"}}""")]
    [TestCase("""{"metadata":{"name":"a"},"data":{"k":"1"}""")]
    public async Task Duplicate_keys_and_broken_json_are_bad_requests(string body)
    {
        await using var sb = await TestSandbox.StartAsync();
        var (code, status, _) = await sb.PostAsync("/api/v1/namespaces/default/configmaps", body);
        code.ShouldBe(400, status?.ToJsonString());
        status!["reason"]!.GetValue<string>().ShouldBe("BadRequest");
        status["message"]!.GetValue<string>().ShouldStartWith("error decoding request body: ");
        (await sb.GetAsync("/api/v1/namespaces/default/configmaps/a")).Code.ShouldBe(404);
    }

    [TestCase("""{"propagationPolicy":"Sideways"}""", "Unsupported value: \"Sideways\"")]
    [TestCase("""{"propagationPolicy":""}""", "Unsupported value: \"\"")]
    [TestCase("""{"propagationPolicy":"Orphan","orphanDependents":true}""", "orphanDependents and deletionPropagation cannot be both set")]
    public async Task Bad_delete_options_are_refused_and_delete_nothing(string body, string message)
    {
        await using var sb = await TestSandbox.StartAsync();
        (await sb.PostAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"a"}}""")).Code.ShouldBe(201);
        var (code, status, _) = await sb.SendAsync(HttpMethod.Delete, "/api/v1/namespaces/default/configmaps/a", body);
        code.ShouldBe(422, status?.ToJsonString());
        status!["message"]!.GetValue<string>().ShouldContain(message);
        (await sb.GetAsync("/api/v1/namespaces/default/configmaps/a")).Code.ShouldBe(200);
    }

    [Test]
    public async Task Yaml_apply_bodies_are_read_with_kube_s_rules()
    {
        await using var sb = await TestSandbox.StartAsync();
        const string Yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d}
            spec:
              replicas: 007
              paused: y
              selector: {matchLabels: {app: d}}
              template: {metadata: {labels: {app: d}}, spec: {containers: [{name: c, image: nginx}]}}
            """;
        var (code, body, _) = await sb.SendAsync(HttpMethod.Patch, "/apis/apps/v1/namespaces/default/deployments/d?fieldManager=t", Yaml,
            "application/apply-patch+yaml");
        code.ShouldBe(201, body?.ToJsonString());
        body!["spec"]!["replicas"]!.GetValue<int>().ShouldBe(7);
        body["spec"]!["paused"]!.GetValue<bool>().ShouldBeTrue();
    }

    [TestCase("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n", "line 5: duplicate key \"name\"")]
    [TestCase("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: .inf}\n", "line 4: .inf is a YAML float")]
    [TestCase("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: Other\n", "more than one YAML document")]
    public async Task Yaml_apply_bodies_kube_would_refuse_are_bad_requests(string yaml, string message)
    {
        await using var sb = await TestSandbox.StartAsync();
        var (code, status, _) = await sb.SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/a?fieldManager=t", yaml,
            "application/apply-patch+yaml");
        code.ShouldBe(400, status?.ToJsonString());
        status!["message"]!.GetValue<string>().ShouldStartWith("error decoding YAML: ");
        status["message"]!.GetValue<string>().ShouldContain(message);
        (await sb.GetAsync("/api/v1/namespaces/default/configmaps/a")).Code.ShouldBe(404);
    }
}
