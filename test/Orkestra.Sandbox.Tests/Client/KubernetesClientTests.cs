using k8s;
using k8s.Autorest;
using k8s.Models;
using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Client;

/// <summary>The official C# client (HTTP/2 over TLS, CA from the kubeconfig) against the sandbox.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class KubernetesClientTests
{
    static Kubernetes Client(TestSandbox sb) => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(sb.KubeconfigPath));

    [Test]
    public async Task Typed_configmap_crud_and_conflict()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var client = Client(sb);
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" }, Data = new Dictionary<string, string> { ["a"] = "1" } }, "default").WaitAsync(TestSandbox.Timeout);
        created.Metadata.Uid.ShouldNotBeNullOrEmpty();
        created.Data["a"] = "2";
        var replaced = await client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "c", "default").WaitAsync(TestSandbox.Timeout);
        replaced.Data["a"].ShouldBe("2");
        var conflict = await Should.ThrowAsync<HttpOperationException>(() => client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "c", "default").WaitAsync(TestSandbox.Timeout));
        ((int)conflict.Response.StatusCode).ShouldBe(409);
        var status = await client.CoreV1.DeleteNamespacedConfigMapAsync("c", "default").WaitAsync(TestSandbox.Timeout);
        status.Status.ShouldBe("Success");
        (await client.CoreV1.ListNamespacedConfigMapAsync("default").WaitAsync(TestSandbox.Timeout)).Items.ShouldBeEmpty();
    }

    [Test]
    public async Task Lease_keeps_microtime_and_detects_races()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var client = Client(sb);
        var renew = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234560);
        var lease = await client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = "leader" },
            Spec = new V1LeaseSpec { HolderIdentity = "a", LeaseDurationSeconds = 15, RenewTime = renew },
        }, "default").WaitAsync(TestSandbox.Timeout);
        var raw = await sb.Http.GetStringAsync("/apis/coordination.k8s.io/v1/namespaces/default/leases/leader").WaitAsync(TestSandbox.Timeout);
        raw.ShouldContain("\"renewTime\":\"2025-01-02T03:04:05.123456Z\"");
        lease.Spec.HolderIdentity = "b";
        await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, "leader", "default").WaitAsync(TestSandbox.Timeout);
        lease.Spec.HolderIdentity = "c";
        var lost = await Should.ThrowAsync<HttpOperationException>(() => client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, "leader", "default").WaitAsync(TestSandbox.Timeout));
        ((int)lost.Response.StatusCode).ShouldBe(409);
    }

    [Test]
    public async Task Deployment_merge_and_json_patches_and_status_from_simulator()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var client = Client(sb);
        await client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "nginx" }] },
                },
            },
        }, "default").WaitAsync(TestSandbox.Timeout);
        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "web", "default").WaitAsync(TestSandbox.Timeout);
        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""[{"op":"add","path":"/metadata/labels","value":{"tier":"front"}}]""", V1Patch.PatchType.JsonPatch), "web", "default").WaitAsync(TestSandbox.Timeout);
        await TestSandbox.EventuallyAsync(async () =>
        {
            var d = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default").WaitAsync(TestSandbox.Timeout);
            return d.Status?.AvailableReplicas == 3 && d.Status.ObservedGeneration == d.Metadata.Generation && d.Metadata.Labels["tier"] == "front";
        }, "deployment available with 3 replicas");
    }

    [Test]
    public async Task Custom_objects_and_raw_watch_with_forced_410()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var client = Client(sb);
        var crd = new V1CustomResourceDefinition
        {
            Metadata = new V1ObjectMeta { Name = "gadgets.example.com" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = "example.com", Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames { Kind = "Gadget", Plural = "gadgets" },
                Versions = [new V1CustomResourceDefinitionVersion
                {
                    Name = "v1", Served = true, Storage = true,
                    Schema = new V1CustomResourceValidation { OpenAPIV3Schema = new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true } },
                }],
            },
        };
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd).WaitAsync(TestSandbox.Timeout);
        var body = new Dictionary<string, object> { ["apiVersion"] = "example.com/v1", ["kind"] = "Gadget", ["metadata"] = new Dictionary<string, object> { ["name"] = "g1" }, ["spec"] = new Dictionary<string, object> { ["size"] = 1 } };
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(body, "example.com", "v1", "default", "gadgets").WaitAsync(TestSandbox.Timeout);
        var list = await client.CustomObjects.ListNamespacedCustomObjectAsync("example.com", "v1", "default", "gadgets").WaitAsync(TestSandbox.Timeout);
        list.ToString()!.ShouldContain("g1");

        sb.Server.Faults.ExpireHistory();
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "after" } }, "default").WaitAsync(TestSandbox.Timeout);
        using var cts = new CancellationTokenSource(TestSandbox.Timeout);
        var errors = new List<Exception>();
        await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: "1", onError: e => errors.Add(e), cancellationToken: cts.Token))
        {
            Assert.Fail("no event may arrive from an expired resource version");
        }
        var error = errors.ShouldHaveSingleItem().ShouldBeOfType<KubernetesException>();
        error.Status.Code.ShouldBe(410);
        error.Status.Reason.ShouldBe("Expired");
    }

    [Test]
    public async Task Server_side_apply_creates_updates_and_reports_conflicts_to_the_typed_client()
    {
        // No simulator: nothing but our requests may change the resource version.
        await using var sb = await TestSandbox.StartAsync(new SandboxOptions { Simulation = new SimulationOptions { Enabled = false } });
        using var client = Client(sb);
        static V1Patch Apply(int replicas) => new(
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api"},"spec":{"replicas":""" + replicas +
            ""","selector":{"matchLabels":{"app":"api"}},"template":{"metadata":{"labels":{"app":"api"}},"spec":{"containers":[{"name":"api","image":"nginx"}]}}}}""",
            V1Patch.PatchType.ApplyPatch);
        var created = await client.AppsV1.PatchNamespacedDeploymentAsync(Apply(2), "api", "default", fieldManager: "orkestra", force: true).WaitAsync(TestSandbox.Timeout);
        created.Spec.Replicas.ShouldBe(2);
        var entry = created.Metadata.ManagedFields.ShouldHaveSingleItem();
        (entry.Manager, entry.Operation, entry.ApiVersion, entry.FieldsType).ShouldBe(("orkestra", "Apply", "apps/v1", "FieldsV1"));
        var rv = created.Metadata.ResourceVersion;

        var same = await client.AppsV1.PatchNamespacedDeploymentAsync(Apply(2), "api", "default", fieldManager: "orkestra", force: true).WaitAsync(TestSandbox.Timeout);
        same.Metadata.ResourceVersion.ShouldBe(rv);

        var conflict = await Should.ThrowAsync<HttpOperationException>(() =>
            client.AppsV1.PatchNamespacedDeploymentAsync(Apply(4), "api", "default", fieldManager: "hpa", force: false).WaitAsync(TestSandbox.Timeout));
        ((int)conflict.Response.StatusCode).ShouldBe(409);
        conflict.Response.Content.ShouldContain("Apply failed with 1 conflict: conflict with \\\"orkestra\\\": .spec.replicas");
        var forced = await client.AppsV1.PatchNamespacedDeploymentAsync(Apply(4), "api", "default", fieldManager: "hpa", force: true).WaitAsync(TestSandbox.Timeout);
        forced.Spec.Replicas.ShouldBe(4);
        forced.Metadata.ManagedFields.Select(m => m.Manager).Order().ShouldBe(["hpa", "orkestra"]);
    }
}
