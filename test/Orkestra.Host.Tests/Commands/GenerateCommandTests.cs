using Orkestra.Host.Commands;

namespace Orkestra.Host.Tests.Commands;

/// <summary><c>ork generate bundle</c> offline: usage, located errors, what the bundle contains. Applying it to the sandbox
/// and running with its RBAC: Orkestra.Operators.Tests/BundleTests.</summary>
public sealed class GenerateCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        return (GenerateCommand.Run(args, stdout, stderr), stdout.ToString(), stderr.ToString());
    }

    private const string Head = "apiVersion: orkestra.orkspace.io/v1\nkind: Katalog\nmetadata: {name: t}\nspec:\n  crds:\n    thing:\n" +
                                "      apiTypes: {group: demo.orkestra.io, version: v1, kind: Thing, plural: things}\n";

    [Test]
    public void Only_the_bundle_target_exists() => Run("chart").ShouldSatisfyAllConditions(
        r => r.Code.ShouldBe(2),
        r => r.Err.ShouldStartWith("ork generate: unknown target 'chart'"));

    [Test]
    public void Bad_flags_are_usage_errors()
    {
        Run("bundle", "--replicas", "0").Err.ShouldStartWith("ork generate: --replicas must be a whole number of at least 1");
        Run("bundle", "--leader-elect", "maybe").Err.ShouldStartWith("ork generate: --leader-elect must be true or false");
        Run("bundle", "-n", "Not_A_Label").Err.ShouldStartWith("ork generate: --namespace must be a DNS label");
        Run("bundle", "--env", "novalue").Code.ShouldBe(2);
    }

    [Test]
    public void An_invalid_Katalog_writes_nothing_and_names_the_location()
    {
        using var dir = new TempDirectory("ork-gen-");
        var path = dir.Write("katalog.yaml", Head + "      operatorBox: {onCreate: {deployments: [{name: x, replcas: 2}]}}\n");
        var (code, output, err) = Run("bundle", "-k", path);
        code.ShouldBe(1);
        output.ShouldBeEmpty();
        err.ShouldContain($"{path}:8:");
        err.ShouldContain("nothing was written");
    }

    [Test]
    public void A_custom_child_with_a_templated_kind_cannot_be_granted_in_advance()
    {
        using var dir = new TempDirectory("ork-gen-");
        var path = dir.Write("katalog.yaml", Head +
            "      operatorBox:\n        onCreate:\n          custom:\n            - apiVersion: v1\n" +
            "              kind: \"{{ .spec.kind }}\"\n              metadata: {name: x}\n");
        var (code, _, err) = Run("bundle", "-k", path);
        code.ShouldBe(1);
        err.ShouldContain($"{path}:12:21: error: onCreate.custom[0]: a templated kind cannot be granted in advance");
    }

    [Test]
    public void A_custom_child_of_an_unknown_kind_is_located()
    {
        using var dir = new TempDirectory("ork-gen-");
        var path = dir.Write("katalog.yaml", Head +
            "      operatorBox:\n        onCreate:\n          custom:\n            - apiVersion: other.io/v1\n" +
            "              kind: Gadget\n              metadata: {name: x}\n");
        var (code, _, err) = Run("bundle", "-k", path);
        code.ShouldBe(1);
        err.ShouldContain($"{path}:12:21: error: onCreate.custom[0]: cannot tell the REST resource of Gadget (other.io/v1) offline");
    }

    [Test]
    public void A_referenced_file_outside_the_Katalogs_folder_cannot_be_mounted()
    {
        using var dir = new TempDirectory("ork-gen-");
        dir.Write("crd.yaml", File.ReadAllText(Repo.Combine("samples", "hello-website", "crd.yaml")));
        Directory.CreateDirectory(Path.Combine(dir.Path, "k"));
        var text = File.ReadAllText(Repo.Combine("samples", "hello-website", "katalog.yaml")).Replace("crdFile: crd.yaml", "crdFile: ../crd.yaml");
        var path = dir.Write("k/katalog.yaml", text);
        var (code, _, err) = Run("bundle", "-k", path);
        code.ShouldBe(1, err);
        err.ShouldContain("is outside the Katalog's folder");
        err.ShouldContain($"{path}:");
    }

    [Test]
    public void The_bundle_holds_every_kind_and_the_referenced_crdFile()
    {
        using var dir = new TempDirectory("ork-gen-");
        var output = Path.Combine(dir.Path, "bundle.yaml");
        var (code, _, err) = Run("bundle", "-k", Repo.Combine("samples", "hello-website", "katalog.yaml"), "-o", output, "--replicas", "2",
            "--image", "registry.example/ork:1", "--env", "LOG_LEVEL=debug");
        code.ShouldBe(0, err);
        var text = File.ReadAllText(output);
        foreach (var kind in new[] { "Namespace", "CustomResourceDefinition", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role",
                     "RoleBinding", "ConfigMap", "Service", "Deployment", "PodDisruptionBudget" })
            text.ShouldContain($"\nkind: {kind}\n");
        text.ShouldContain("website-operator.crd.yaml: |");
        text.ShouldContain("path: website-operator/crd.yaml");
        text.ShouldContain("- /etc/orkestra/website-operator/katalog.yaml");
        text.ShouldContain("- --leader-elect=true");
        text.ShouldContain("image: registry.example/ork:1");
        text.ShouldContain("name: LOG_LEVEL");
        text.ShouldNotContain("admissionregistration"); // the sample declares no webhook
    }
}
