using Orkestra.Operators.Tests.Support;
using Orkestra.Sandbox;

namespace Orkestra.Operators.Tests;

/// <summary>Every sample Katalog runs end to end on the sandbox: kubectl applies the sample's CR, the CR becomes
/// Ready, and what the sample's README promises is there.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class SampleTests
{
    [Test]
    public async Task Conditional_resources_appear_and_disappear_as_the_spec_changes()
    {
        await using var ork = await RunningOperators.SampleAsync("conditional-resources", "webapp/shop");
        (await ork.GetAsync("configmap", "shop-debug")).ShouldNotBeNull();
        (await ork.GetAsync("service", "shop-lb")).ShouldBeNull();

        await ork.OkAsync("patch webapp shop --type=merge -p '{\"spec\":{\"environment\":\"production\"}}'");
        await ork.EventuallyAsync(async () => await ork.GetAsync("service", "shop-lb") is not null, "the LoadBalancer service in production");
        await ork.EventuallyAsync(async () => await ork.GetAsync("configmap", "shop-debug") is null, "the debug ConfigMap to be deleted");
        ((string)(await ork.GetAsync("service", "shop-lb"))!["spec"]!["type"]!).ShouldBe("LoadBalancer");
    }

    [Test]
    public async Task Status_fields_are_projected_from_the_CR_and_its_children()
    {
        await using var ork = await RunningOperators.SampleAsync("status-fields", "database/orders");
        // The sandbox's Deployment simulation reports the replica ready; the status follows the child.
        await ork.EventuallyAsync(async () => (await ork.GetAsync("database", "orders"))!["status"]?["available"] is { } a && (bool)a,
            "status.available to follow the deployment");
        var status = (await ork.GetAsync("database", "orders"))!["status"]!;
        ((string)status["phase"]!).ShouldBe("Active");
        ((string)status["endpoint"]!).ShouldBe("orders.default.svc.cluster.local");
        ((int)status["readyReplicas"]!).ShouldBe(1);

        await ork.OkAsync("patch database orders --type=merge -p '{\"spec\":{\"suspend\":true}}'");
        await ork.EventuallyAsync(async () => (string?)(await ork.GetAsync("database", "orders"))!["status"]?["phase"] == "Suspended", "phase Suspended");
    }

    [Test]
    public async Task Secrets_and_config_are_created_once_and_wired_into_the_deployment()
    {
        await using var ork = await RunningOperators.SampleAsync("secrets-config-env", "app/billing");
        var secret = (await ork.GetAsync("secret", "billing-creds"))!;
        var password = (string)secret["data"]!["password"]!;
        password.Length.ShouldBeGreaterThan(0);
        ((string)(await ork.GetAsync("configmap", "billing-cfg"))!["data"]!["region"]!).ShouldBe("eu-west-1");
        var container = (await ork.GetAsync("deployment", "billing"))!["spec"]!["template"]!["spec"]!["containers"]![0]!;
        container["env"]!.AsArray().Select(e => (string?)e!["name"]).ShouldContain("PASSWORD");

        // A spec change re-renders the config but never regenerates the create-once secret.
        await ork.OkAsync("patch app billing --type=merge -p '{\"spec\":{\"region\":\"us-east-1\"}}'");
        await ork.EventuallyAsync(async () => (string?)(await ork.GetAsync("configmap", "billing-cfg"))!["data"]?["region"] == "us-east-1", "the new region");
        ((string)(await ork.GetAsync("secret", "billing-creds"))!["data"]!["password"]!).ShouldBe(password);
    }

    [Test]
    public async Task A_pipeline_advances_build_test_notify_as_its_jobs_complete()
    {
        await using var ork = await RunningOperators.SampleAsync("pipeline");
        await ork.EventuallyAsync(async () => (string?)(await ork.GetAsync("pipeline", "release-42"))!["status"]?["phase"] == "Succeeded",
            "the pipeline to succeed");
        foreach (var step in new[] { "build", "test", "notify" })
            (await ork.GetAsync("job", $"release-42-{step}")).ShouldNotBeNull();
    }

    [Test]
    public async Task An_app_service_waits_for_its_database_through_a_cross_read()
    {
        await using var ork = await RunningOperators.SampleAsync("cross-database", "manageddatabase/shop-db", "appservice/shop");
        await ork.EventuallyAsync(async () => await ork.GetAsync("deployment", "shop") is not null, "the app's deployment once the database is Ready");
        var env = (await ork.GetAsync("deployment", "shop"))!["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        ((string?)env.First(e => (string?)e!["name"] == "DB_HOST")!["value"]).ShouldBe("shop-db.default.svc.cluster.local:5432");
        await ork.EventuallyAsync(async () => (string?)(await ork.GetAsync("appservice", "shop"))!["status"]?["database"] == "Ready", "status.database Ready");
    }

    /// <summary>The cross gate seen closed, then opening. Without the sandbox's simulated kubelet nothing makes the
    /// database's StatefulSet ready, so the app reconciles (its status shows what it read) but its Deployment, gated
    /// on the database being Ready, is not created — first while the database does not exist, then while it is
    /// Provisioning. Then the test reports the StatefulSet ready: the database turns Ready, which re-enqueues the app
    /// through its cross read (resync is far off) and the Deployment appears.</summary>
    [Test]
    public async Task A_closed_cross_gate_creates_nothing_until_the_database_it_reads_is_Ready()
    {
        await using var ork = await RunningOperators.StartAsync(["samples/cross-database/katalog.yaml"],
            sandbox: new SandboxOptions { Simulation = new SimulationOptions { Enabled = false } });
        await ork.WaitReadyAsync();
        await ork.OkAsync("apply -f -", """
            apiVersion: demo.orkestra.io/v1alpha1
            kind: AppService
            metadata: {name: shop, namespace: default}
            spec: {image: "ghcr.io/example/shop:2.0.1"}
            """);
        await ork.OkAsync("wait --for=condition=Ready appservice/shop --timeout=60s");
        await ork.EventuallyAsync(async () => await DatabaseSeenAsync(ork) == "Missing", "the app to find no database");
        (await ork.GetAsync("deployment", "shop")).ShouldBeNull("no database: the gate is closed");

        await ork.OkAsync("apply -f -", """
            apiVersion: demo.orkestra.io/v1alpha1
            kind: ManagedDatabase
            metadata: {name: shop-db, namespace: default}
            spec: {engine: postgres, version: "16"}
            """);
        await ork.EventuallyAsync(async () => await DatabaseSeenAsync(ork) == "Provisioning", "the app to read the database's phase");
        (await ork.GetAsync("statefulset", "shop-db")).ShouldNotBeNull();
        (await ork.GetAsync("deployment", "shop")).ShouldBeNull("the database is Provisioning: the gate is still closed");

        await ork.OkAsync("patch statefulset shop-db --subresource=status --type=merge "
                          + "-p '{\"status\":{\"replicas\":1,\"readyReplicas\":1}}'");
        await ork.EventuallyAsync(async () => await ork.GetAsync("deployment", "shop") is not null,
            "the app's deployment once the database is Ready");
        (await DatabaseSeenAsync(ork)).ShouldBe("Ready");
    }

    private static async Task<string?> DatabaseSeenAsync(RunningOperators ork) =>
        (string?)(await ork.GetAsync("appservice", "shop"))?["status"]?["database"];
}
