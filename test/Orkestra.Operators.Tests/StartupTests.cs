using System.Text.Json.Nodes;
using Orkestra.Operators.Tests.Support;
using Orkestra.Runtime.Hosting;

namespace Orkestra.Operators.Tests;

/// <summary>Start-up order and CRDs that arrive late; cluster-scoped children and CR labels.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class StartupTests
{
    private const string Tenants = "test/Orkestra.Operators.Tests/Katalogs/tenants/katalog.yaml";

    [Test]
    public async Task An_operator_whose_CRD_is_missing_waits_without_blocking_the_others_and_starts_once_it_is_installed()
    {
        await using var ork = await RunningOperators.StartAsync(["samples/hello-website/katalog.yaml", Tenants], apply: ApplyMode.Never);
        await ork.OkAsync($"apply -f {Repo.Path("samples/hello-website/crd.yaml")}");
        await ork.EventuallyAsync(async () => State(await Katalog(ork), "website") == "running", "the website operator to run");
        State(await Katalog(ork), "tenant").ShouldBe("waiting");
        (await Katalog(ork))["crds"]!.AsArray().Single(c => (string?)c!["name"] == "tenant")!["waitingFor"]!.ToString().ShouldContain("Tenant.test.orkestra.io/v1 is not served");
        await ork.WaitReadyAsync();   // an operator waiting for its CRD does not hold readiness back

        await ork.OkAsync($"apply -f {Repo.Path("samples/hello-website/cr.yaml")}");
        await ork.OkAsync("wait --for=condition=Ready website/hello --timeout=60s");

        await ork.OkAsync($"apply -f {Repo.Path("test/Orkestra.Operators.Tests/Katalogs/tenants/crd.yaml")}");
        await ork.EventuallyAsync(async () => State(await Katalog(ork), "tenant") == "running", "the tenant operator to start once its CRD exists");
    }

    [Test]
    public async Task Cluster_scoped_children_are_deleted_by_the_finalizer_and_CR_labels_are_kept_current()
    {
        await using var ork = await RunningOperators.StartAsync([Tenants]);
        await ork.WaitReadyAsync();
        await ork.OkAsync("apply -f -", """
            apiVersion: test.orkestra.io/v1
            kind: Tenant
            metadata: {name: acme, namespace: default}
            spec: {tier: gold}
            """);
        await ork.OkAsync("wait --for=condition=Ready tenant/acme --timeout=60s");
        var role = (await ork.GetAsync("clusterrole", "tenant-default-acme", ns: null))!;
        role["metadata"]!["ownerReferences"].ShouldBeNull();
        ((string?)role["metadata"]!["labels"]!["orkestra-owner"]).ShouldBe("acme");
        ((string?)(await ork.GetAsync("tenant", "acme"))!["metadata"]!["labels"]!["tenant.test.orkestra.io/tier"]).ShouldBe("gold");

        await ork.OkAsync("patch tenant acme --type=merge -p '{\"spec\":{\"tier\":\"silver\"}}'");
        await ork.EventuallyAsync(async () =>
            (string?)(await ork.GetAsync("tenant", "acme"))!["metadata"]!["labels"]!["tenant.test.orkestra.io/tier"] == "silver", "the CR label to follow the spec");

        await ork.OkAsync("delete clusterrole tenant-default-acme");
        await ork.EventuallyAsync(async () => await ork.GetAsync("clusterrole", "tenant-default-acme", ns: null) is not null,
            "the deleted cluster-scoped child to be restored (found by its owner label)");

        await ork.OkAsync("delete tenant acme --timeout=60s");
        (await ork.GetAsync("clusterrole", "tenant-default-acme", ns: null)).ShouldBeNull("the finalizer deletes cluster-scoped children before releasing the CR");
        await ork.EventuallyAsync(async () => await ork.GetAsync("configmap", "acme-settings") is null, "the namespaced child to be garbage-collected");
    }

    private static async Task<JsonNode> Katalog(RunningOperators ork) => JsonNode.Parse(await ork.Http.GetStringAsync("/katalog"))!;

    private static string? State(JsonNode katalog, string crd) =>
        (string?)katalog["crds"]!.AsArray().Single(c => (string?)c!["name"] == crd)!["state"];
}
