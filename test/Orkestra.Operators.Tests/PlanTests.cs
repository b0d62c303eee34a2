using System.Text.Json.Nodes;
using Orkestra.Host.Commands;
using Orkestra.Operators.Tests.Support;

namespace Orkestra.Operators.Tests;

/// <summary>
/// <c>ork plan</c> against a live sandbox where <c>ork run</c> serves hello-website: the children each live CR would get
/// created, updated or deleted by a changed Katalog (nothing written), and the current Katalog read from a ConfigMap.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class PlanTests
{
    private static readonly string Sample = Repo.Path("samples/hello-website");

    private const string Service = "              targetPort: \"{{ .spec.port }}\"\n              reconcile: true";

    private static (int Code, string Out, string Err) Plan(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = PlanCommand.Run(args, stdout, stderr, _ => null);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>hello-website's files in <paramref name="dir"/>, the Katalog edited by <paramref name="edit"/>.</summary>
    private static string Copy(TempDirectory dir, Func<string, string> edit, string crdPath = "crd.yaml")
    {
        dir.Write(crdPath, File.ReadAllText(Path.Combine(Sample, "crd.yaml")));
        dir.Write("cr.yaml", File.ReadAllText(Path.Combine(Sample, "cr.yaml")));
        var katalog = File.ReadAllText(Path.Combine(Sample, "katalog.yaml"))
            .Replace("crdFile: crd.yaml", $"crdFile: {crdPath}", StringComparison.Ordinal);
        return dir.Write("katalog.yaml", edit(katalog));
    }

    [Test]
    public async Task Plan_reports_the_children_live_CRs_would_get_created_updated_and_deleted_and_writes_nothing()
    {
        await using var ork = await RunningOperators.SampleAsync("hello-website", "website/hello");
        await ork.OkAsync("apply -f -", """
            apiVersion: demo.orkestra.io/v1alpha1
            kind: Website
            metadata: {name: small, namespace: default}
            spec: {image: "nginx:1.27", replicas: 3, port: 1}
            """);
        await ork.OkAsync("wait --for=condition=Ready website/small --timeout=60s");
        var kubeconfig = ork.Sandbox.KubeconfigPath;

        var (same, sameOut, sameErr) = Plan("-k", Path.Combine(Sample, "katalog.yaml"), "--against", Sample, "--kubeconfig", kubeconfig);
        same.ShouldBe(0, sameErr + sameOut);
        sameOut.ShouldContain("website default/hello: no changes (2 unchanged)");
        sameOut.ShouldContain("website default/small: no changes (2 unchanged)");

        using var dir = new TempDirectory();
        // replicas fixed at 3 (hello has 2: update; small has 3: unchanged), the Service only for port 1 (hello's goes),
        // and a new ConfigMap for both
        var changed = Copy(dir, k => k
            .Replace("replicas: \"{{ .spec.replicas }}\"", "replicas: 3", StringComparison.Ordinal)
            .Replace(Service, Service + "\n"
                + "              when: [{field: spec.port, operator: equals, value: 1}]\n"
                + "          configMaps:\n"
                + "            - name: \"{{ .metadata.name }}-settings\"\n"
                + "              reconcile: true\n"
                + "              data: {image: \"{{ .spec.image }}\"}", StringComparison.Ordinal));

        var (code, output, err) = Plan("-k", changed, "--against", Sample, "--kubeconfig", kubeconfig);

        code.ShouldBe(2, err + output);
        output.ShouldContain("      ~ operatorBox.onCreate:");
        output.ShouldContain("  website default/hello: 3 changes, 0 unchanged");
        output.ShouldContain("    ~ update Deployment default/hello (spec.replicas)");
        output.ShouldContain("    - delete Service default/hello (when: spec.port equals 1 is false)");
        output.ShouldContain("    + create ConfigMap default/hello-settings");
        output.ShouldContain("  website default/small: 1 change, 2 unchanged");
        output.ShouldContain("    + create ConfigMap default/small-settings");
        output.ShouldContain("children: 2 to create, 1 to update, 1 to delete.");

        // a plan writes nothing
        ((int)(await ork.GetAsync("deployment", "hello"))!["spec"]!["replicas"]!).ShouldBe(2);
        (await ork.KubectlAsync("get configmap hello-settings")).ExitCode.ShouldNotBe(0);
        (await ork.GetAsync("service", "hello")).ShouldNotBeNull();
    }

    [Test]
    public async Task Plan_reads_the_current_Katalog_from_a_ConfigMap_with_files_under_their_relative_paths()
    {
        await using var ork = await RunningOperators.SampleAsync("hello-website", "website/hello");
        var crd = File.ReadAllText(Path.Combine(Sample, "crd.yaml"));
        using var dir = new TempDirectory();
        var current = Copy(dir, k => k, crdPath: "crds/crd.yaml");
        var configMap = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "ork-katalog", ["namespace"] = "orkestra-system" },
            ["data"] = new JsonObject { ["katalog.yaml"] = File.ReadAllText(current), ["crds__crd.yaml"] = crd },
        };
        await ork.OkAsync("apply -f -", """{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "orkestra-system"}}""");
        await ork.OkAsync("apply -f -", configMap.ToJsonString());
        var kubeconfig = ork.Sandbox.KubeconfigPath;

        var (same, sameOut, sameErr) = Plan("-k", current, "--cm", "ork-katalog", "-n", "orkestra-system", "--kubeconfig", kubeconfig);
        same.ShouldBe(0, sameErr + sameOut);
        sameOut.ShouldContain("Configuration (against ConfigMap orkestra-system/ork-katalog):\n  no changes");
        sameOut.ShouldContain("website default/hello: no changes (2 unchanged)");

        using var next = new TempDirectory();
        var changed = Copy(next, k => k.Replace("port: 80", "port: 81", StringComparison.Ordinal), crdPath: "crds/crd.yaml");
        var (code, output, err) = Plan("-k", changed, "--cm", "ork-katalog", "--kubeconfig", kubeconfig, "-o", "json");
        code.ShouldBe(2, err + output);
        var json = JsonNode.Parse(output)!;
        ((string)json["against"]!).ShouldBe("ConfigMap orkestra-system/ork-katalog");
        var child = json["cluster"]!["resources"]![0]!["children"]!.AsArray().ShouldHaveSingleItem()!;
        ((string)child["operation"]!).ShouldBe("Update");
        ((string)child["kind"]!).ShouldBe("Service");
        ((string)child["detail"]!).Split(", ").ShouldContain("spec.ports[0].port");

        var (missing, _, missingErr) = Plan("-k", current, "--cm", "nope", "--kubeconfig", kubeconfig);
        missing.ShouldBe(1);
        missingErr.ShouldContain("ork plan: ConfigMap orkestra-system/nope: not found");
    }
}
