using System.Text.Json.Nodes;
using k8s;
using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Features;

/// <summary>deletecollection (spec §6.6) and the kubelet-side simulators: PVC binding and Pods (§10.2).</summary>
[Parallelizable(ParallelScope.All)]
public sealed class CollectionAndSimulationTests
{
    static async Task CreateAsync(TestSandbox sb, string path, string body)
    {
        var (code, response, _) = await sb.PostAsync(path, body);
        code.ShouldBe(201, response?.ToJsonString());
    }

    static async Task<JsonNode> GetAsync(TestSandbox sb, string path)
    {
        var (code, body, _) = await sb.GetAsync(path);
        code.ShouldBe(200, body?.ToJsonString());
        return body!;
    }

    [Test]
    public async Task Deletecollection_deletes_the_selected_objects_and_returns_them()
    {
        await using var sb = await TestSandbox.StartAsync();
        const string cms = "/api/v1/namespaces/default/configmaps";
        await CreateAsync(sb, cms, """{"metadata":{"name":"a","labels":{"app":"x"}}}""");
        await CreateAsync(sb, cms, """{"metadata":{"name":"b","labels":{"app":"x"},"finalizers":["example.com/hold"]}}""");
        await CreateAsync(sb, cms, """{"metadata":{"name":"c","labels":{"app":"y"}}}""");

        var (code, body, _) = await sb.SendAsync(HttpMethod.Delete, $"{cms}?labelSelector=app%3Dx");
        code.ShouldBe(200);
        body!["kind"]!.GetValue<string>().ShouldBe("ConfigMapList");
        body["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ShouldBe(["a", "b"]);
        (await sb.GetAsync($"{cms}/a")).Code.ShouldBe(404);
        (await GetAsync(sb, $"{cms}/b"))["metadata"]!["deletionTimestamp"].ShouldNotBeNull(); // held by its finalizer
        (await sb.GetAsync($"{cms}/c")).Code.ShouldBe(200);

        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(sb.KubeconfigPath));
        await client.CoreV1.DeleteCollectionNamespacedConfigMapAsync("default", labelSelector: "app=y").WaitAsync(TestSandbox.Timeout);
        (await sb.GetAsync($"{cms}/c")).Code.ShouldBe(404);
    }

    [Test]
    public async Task Claims_bind_to_a_volume_unless_held_unready()
    {
        await using var sb = await TestSandbox.StartAsync();
        const string pvcs = "/api/v1/namespaces/default/persistentvolumeclaims";
        // simulators act in commit order: once "data" is bound, "held" has been seen and left alone
        await CreateAsync(sb, pvcs, """{"metadata":{"name":"held","annotations":{"sandbox.orkestra.io/never-ready":"true"}},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}""");
        await CreateAsync(sb, pvcs, """{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteMany"],"resources":{"requests":{"storage":"2Gi"}}}}""");
        var wait = await sb.KubectlAsync("wait --for=jsonpath={.status.phase}=Bound pvc/data --timeout=20s");
        wait.ExitCode.ShouldBe(0, wait.ToString());

        var data = await GetAsync(sb, $"{pvcs}/data");
        data["spec"]!["volumeName"]!.GetValue<string>().ShouldBe($"pvc-{data["metadata"]!["uid"]!.GetValue<string>()}");
        data["status"]!.ToJsonString().ShouldBe("""{"phase":"Bound","accessModes":["ReadWriteMany"],"capacity":{"storage":"2Gi"}}""");
        var held = await GetAsync(sb, $"{pvcs}/held");
        held["status"]?["phase"]?.GetValue<string>().ShouldNotBe("Bound");
        held["spec"]!["volumeName"].ShouldBeNull();
    }

    [Test]
    public async Task Pods_are_scheduled_run_and_become_ready_and_job_pods_complete()
    {
        await using var sb = await TestSandbox.StartAsync();
        const string pods = "/api/v1/namespaces/default/pods";
        await CreateAsync(sb, pods, """{"metadata":{"name":"web"},"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"},{"name":"log","image":"busybox"}]}}""");
        var wait = await sb.KubectlAsync("wait --for=condition=Ready pod/web --timeout=20s");
        wait.ExitCode.ShouldBe(0, wait.ToString());

        var pod = await GetAsync(sb, $"{pods}/web");
        pod["spec"]!["nodeName"]!.GetValue<string>().ShouldBe("sandbox-node");
        var status = pod["status"]!;
        status["phase"]!.GetValue<string>().ShouldBe("Running");
        status["podIP"]!.GetValue<string>().ShouldStartWith("10.244.");
        status["conditions"]!.AsArray().Select(c => $"{c!["type"]}={c["status"]}")
            .ShouldBe(["PodReadyToStartContainers=True", "Initialized=True", "Ready=True", "ContainersReady=True", "PodScheduled=True"]);
        status["containerStatuses"]!.AsArray().Select(c => $"{c!["name"]}:{c["ready"]}:{c["state"]!["running"] is not null}").ShouldBe(["nginx:true:True", "log:true:True"]);
        (await sb.KubectlAsync("get pod web --no-headers")).Stdout.ShouldMatch(@"^web\s+2/2\s+Running\s+0\s+");

        var (code, job, _) = await sb.PostAsync("/apis/batch/v1/namespaces/default/jobs",
            """{"metadata":{"name":"j"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"main","image":"busybox"}]}}}}""");
        code.ShouldBe(201);
        var owner = $$$"""{"apiVersion":"batch/v1","kind":"Job","name":"j","uid":"{{{job!["metadata"]!["uid"]}}}"}""";
        await CreateAsync(sb, pods, $$$"""
            {"metadata":{"name":"task","ownerReferences":[{{{owner}}}]},"spec":{"restartPolicy":"Never","containers":[{"name":"main","image":"busybox"}]}}
            """);
        var done = await sb.KubectlAsync("wait --for=jsonpath={.status.phase}=Succeeded pod/task --timeout=20s");
        done.ExitCode.ShouldBe(0, done.ToString());
        var task = await GetAsync(sb, $"{pods}/task");
        task["status"]!["containerStatuses"]![0]!["state"]!["terminated"]!["reason"]!.GetValue<string>().ShouldBe("Completed");
    }

    [Test]
    public async Task Deleting_a_running_pod_ends_with_the_kubelet_final_delete_after_its_finalizers()
    {
        await using var sb = await TestSandbox.StartAsync();
        const string pods = "/api/v1/namespaces/default/pods";
        await CreateAsync(sb, pods, """{"metadata":{"name":"p","finalizers":["example.com/hold"]},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""");
        (await sb.KubectlAsync("wait --for=condition=Ready pod/p --timeout=20s")).ExitCode.ShouldBe(0);

        var (code, deleting, _) = await sb.SendAsync(HttpMethod.Delete, $"{pods}/p");
        code.ShouldBe(200);
        deleting!["metadata"]!["deletionGracePeriodSeconds"]!.GetValue<long>().ShouldBe(30);
        (await GetAsync(sb, $"{pods}/p"))["metadata"]!["deletionTimestamp"].ShouldNotBeNull(); // the finalizer holds it

        (await sb.SendAsync(HttpMethod.Patch, $"{pods}/p", """{"metadata":{"finalizers":null}}""", "application/merge-patch+json")).Code.ShouldBe(200);
        await TestSandbox.EventuallyAsync(async () => (await sb.GetAsync($"{pods}/p")).Code == 404, "the kubelet's final delete");
    }
}
