using System.Text.Json.Nodes;
using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Kubectl;

/// <summary>Strategic merge patch on built-in kinds with real kubectl: client-side apply and `kubectl patch` (spec §5.3).</summary>
[Parallelizable(ParallelScope.All)]
public sealed class StrategicMergePatchTests
{
    static async Task<KubectlResult> Ok(TestSandbox sb, string args)
    {
        var result = await sb.KubectlAsync(args);
        result.ExitCode.ShouldBe(0, result.ToString());
        return result;
    }

    static async Task<JsonObject> Get(TestSandbox sb, string what) => JsonNode.Parse((await Ok(sb, $"get {what} -o json")).Stdout)!.AsObject();

    static IEnumerable<string> ContainerNames(JsonObject deployment) =>
        deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => c!["name"]!.GetValue<string>());

    [Test]
    public async Task Client_side_apply_of_a_changed_deployment_sends_a_strategic_patch_that_merges_containers()
    {
        await using var sb = await TestSandbox.StartAsync();
        var file = sb.WriteFile("d.yaml", Manifests.Deployment);
        (await Ok(sb, $"apply -f {file}")).Stdout.Trim().ShouldBe("deployment.apps/web created");
        // Another writer adds a container kubectl's last-applied configuration does not know about.
        await Ok(sb, """patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}}'""");
        sb.WriteFile("d.yaml", Manifests.Deployment.Replace("nginx:1.27", "nginx:1.28", StringComparison.Ordinal).Replace("replicas: 2", "replicas: 3", StringComparison.Ordinal)
            + "\n        env:\n        - {name: MODE, value: fast}");
        (await Ok(sb, $"apply -f {file}")).Stdout.Trim().ShouldBe("deployment.apps/web configured");
        var d = await Get(sb, "deploy web");
        d["spec"]!["replicas"]!.GetValue<int>().ShouldBe(3);
        ContainerNames(d).ShouldBe(["web", "sidecar"]);
        var web = d["spec"]!["template"]!["spec"]!["containers"]![0]!;
        web["image"]!.GetValue<string>().ShouldBe("nginx:1.28");
        web["env"]!.ToJsonString().ShouldBe("""[{"name":"MODE","value":"fast"}]""");
        d["metadata"]!["generation"]!.GetValue<int>().ShouldBe(3);
        d.ToJsonString().ShouldNotContain("$setElementOrder");
        // kubectl re-sends only $setElementOrder (the live list has the sidecar); that patch changes nothing, so no write happens.
        await TestSandbox.EventuallyAsync(async () => (await Get(sb, "deploy web"))["status"]?["observedGeneration"]?.GetValue<int>() == 3, "simulator caught up");
        var rv = (await Get(sb, "deploy web"))["metadata"]!["resourceVersion"]!.GetValue<string>();
        await Ok(sb, $"apply -f {file}");
        var again = await Get(sb, "deploy web");
        again["metadata"]!["resourceVersion"]!.GetValue<string>().ShouldBe(rv);
        ContainerNames(again).ShouldBe(["web", "sidecar"]);

        // Dropping the env var from the file removes it (three-way patch with null / $patch directives).
        sb.WriteFile("d.yaml", Manifests.Deployment.Replace("nginx:1.27", "nginx:1.28", StringComparison.Ordinal).Replace("replicas: 2", "replicas: 3", StringComparison.Ordinal));
        (await Ok(sb, $"apply -f {file}")).Stdout.Trim().ShouldBe("deployment.apps/web configured");
        (await Get(sb, "deploy web"))["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject().ContainsKey("env").ShouldBeFalse();
    }

    [Test]
    public async Task Kubectl_patch_defaults_to_strategic_and_honours_delete_directive_and_finalizer_union()
    {
        await using var sb = await TestSandbox.StartAsync();
        await Ok(sb, $"create -f {sb.WriteFile("d.yaml", Manifests.Deployment)}");
        (await Ok(sb, """patch deployment web -p '{"metadata":{"finalizers":["a.example/x"]},"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:2"},{"name":"log","image":"busybox"}]}}}}'""")).Stdout.Trim()
            .ShouldBe("deployment.apps/web patched");
        await Ok(sb, """patch deployment web -p '{"metadata":{"finalizers":["b.example/y"]}}'""");
        var d = await Get(sb, "deploy web");
        ContainerNames(d).ShouldBe(["web", "log"]);
        d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>().ShouldBe("nginx:2");
        d["metadata"]!["finalizers"]!.ToJsonString().ShouldBe("""["a.example/x","b.example/y"]""");

        await Ok(sb, """patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"name":"log","$patch":"delete"}]}}},"metadata":{"$deleteFromPrimitiveList/finalizers":["a.example/x","b.example/y"]}}'""");
        d = await Get(sb, "deploy web");
        ContainerNames(d).ShouldBe(["web"]);
        (d["metadata"]!["finalizers"] as JsonArray ?? []).ShouldBeEmpty();

        var bad = await sb.KubectlAsync("""patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}'""");
        bad.ExitCode.ShouldBe(1);
        bad.Stderr.Trim().ShouldBe("Error from server (BadRequest): map: {\"image\":\"x\"} does not contain declared merge key: name");
    }

    [Test]
    public async Task Service_ports_merge_by_port_and_configmaps_apply_client_side()
    {
        await using var sb = await TestSandbox.StartAsync();
        const string service = "apiVersion: v1\nkind: Service\nmetadata: {name: svc}\nspec:\n  selector: {app: web}\n  ports:\n  - {name: http, port: 80, targetPort: 8080}\n";
        var file = sb.WriteFile("svc.yaml", service);
        await Ok(sb, $"apply -f {file}");
        sb.WriteFile("svc.yaml", service.Replace("targetPort: 8080", "targetPort: 9090", StringComparison.Ordinal) + "  - {name: https, port: 443}\n");
        (await Ok(sb, $"apply -f {file}")).Stdout.Trim().ShouldBe("service/svc configured");
        var svc = await Get(sb, "svc svc");
        svc["spec"]!["ports"]!.AsArray().Select(p => $"{p!["port"]}:{p["targetPort"]}").ShouldBe(["80:9090", "443:443"]);
        svc["spec"]!["clusterIP"]!.GetValue<string>().ShouldStartWith("10.96.");
    }

    [Test]
    public async Task Strategic_patch_of_a_missing_built_in_object_is_NotFound()
    {
        await using var sb = await TestSandbox.StartAsync();
        var (code, status, _) = await sb.SendAsync(HttpMethod.Patch, "/apis/apps/v1/namespaces/default/deployments/none", """{"spec":{}}""", "application/strategic-merge-patch+json");
        code.ShouldBe(404);
        status!["reason"]!.GetValue<string>().ShouldBe("NotFound");
        var (bad, body, _) = await sb.SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/none", "[1]", "application/strategic-merge-patch+json");
        bad.ShouldBe(404);
        body!["reason"]!.GetValue<string>().ShouldBe("NotFound");
    }

    [Test]
    public async Task Kubectl_diff_dry_runs_the_strategic_patch_and_changes_nothing()
    {
        await using var sb = await TestSandbox.StartAsync();
        var file = sb.WriteFile("d.yaml", Manifests.Deployment);
        await Ok(sb, $"apply -f {file}");
        sb.WriteFile("d.yaml", Manifests.Deployment.Replace("replicas: 2", "replicas: 5", StringComparison.Ordinal));
        var diff = await sb.KubectlAsync($"diff -f {file}");
        diff.ExitCode.ShouldBe(1, diff.ToString());
        diff.Stdout.Split('\n').ShouldContain(l => l.StartsWith('+') && l.Contains("replicas: 5"), diff.Stdout);
        (await Ok(sb, "get deploy web -o jsonpath={.spec.replicas}")).Stdout.ShouldBe("2");
    }
}
