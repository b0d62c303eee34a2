using System.Text.Json;
using Orkestra.Host.Commands;

namespace Orkestra.Host.Tests.Commands;

/// <summary><c>ork plan</c> offline: exit codes 0 / 2 / 1 and located errors on bad input (the cluster part is in
/// Orkestra.Operators.Tests/PlanTests).</summary>
[Parallelizable(ParallelScope.All)]
public class PlanCommandTests
{
    private static readonly string Sample = Repo.Path("samples/hello-website");

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = PlanCommand.Run(args, stdout, stderr, _ => null);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A copy of hello-website with <paramref name="edit"/> applied to its Katalog.</summary>
    private static string Copy(TempDirectory dir, Func<string, string> edit)
    {
        foreach (var file in Directory.GetFiles(Sample)) dir.Write(Path.GetFileName(file), File.ReadAllText(file));
        var katalog = dir.File("katalog.yaml");
        File.WriteAllText(katalog, edit(File.ReadAllText(katalog)));
        return katalog;
    }

    [Test]
    public void The_same_Katalog_is_no_change_and_exits_0()
    {
        using var dir = new TempDirectory();
        var katalog = Copy(dir, k => k.Replace("# isolated environment", "# another comment", StringComparison.Ordinal));

        var (code, output, err) = Run("-k", katalog, "--against", Sample, "--no-cluster");

        code.ShouldBe(0, err);
        output.ShouldContain("no changes");
        output.ShouldContain("Cluster: not planned (--no-cluster)");
    }

    [Test]
    public void A_changed_Katalog_prints_the_setting_and_the_template_diff_and_exits_2()
    {
        using var dir = new TempDirectory();
        var katalog = Copy(dir, k => k.Replace("replicas: \"{{ .spec.replicas }}\"", "replicas: 3", StringComparison.Ordinal)
            .Replace("      crdFile: crd.yaml", "      workers: 4\n      crdFile: crd.yaml", StringComparison.Ordinal));

        var (code, output, err) = Run("-k", katalog, "--against", Path.Combine(Sample, "katalog.yaml"), "--no-cluster");

        code.ShouldBe(2, err);
        output.ShouldContain("  ~ crd website (Website demo.orkestra.io/v1alpha1, katalog website-operator)");
        output.ShouldContain("      ~ reconciler.workers: default → 4");
        output.ShouldContain("          -    replicas: \"{{ .spec.replicas }}\"");
        output.ShouldContain("          +    replicas: 3");
        output.ShouldContain("Plan: 0 CRD(s) to add, 1 to change, 0 to remove; children not planned.");
    }

    [Test]
    public void Without_a_current_configuration_every_CRD_is_added()
    {
        var (code, output, _) = Run("-k", Path.Combine(Sample, "katalog.yaml"), "--no-cluster");

        code.ShouldBe(2);
        output.ShouldContain("  + crd website (Website demo.orkestra.io/v1alpha1");
    }

    [Test]
    public void Json_output_is_the_same_plan()
    {
        using var dir = new TempDirectory();
        var katalog = Copy(dir, k => k.Replace("port: 80", "port: 8080", StringComparison.Ordinal));

        var (code, output, err) = Run("-k", katalog, "--against", Sample, "--no-cluster", "-o", "json");

        code.ShouldBe(2, err);
        using var json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("changes").GetBoolean().ShouldBeTrue();
        var crd = json.RootElement.GetProperty("configuration").GetProperty("crds")[0];
        crd.GetProperty("kind").GetString().ShouldBe("Changed");
        var template = crd.GetProperty("templates")[0];
        template.GetProperty("section").GetString().ShouldBe("operatorBox.onCreate");
        template.GetProperty("diff").EnumerateArray().Select(l => l.GetString()).ShouldContain("+    port: 8080");
        json.RootElement.GetProperty("clusterSkipped").GetString().ShouldBe("--no-cluster");
    }

    [Test]
    public void An_invalid_new_Katalog_is_a_located_error_and_exits_1()
    {
        using var dir = new TempDirectory();
        var katalog = Copy(dir, k => k.Replace("replicas: \"{{ .spec.replicas }}\"", "replcas: 3", StringComparison.Ordinal));

        var (code, output, err) = Run("-k", katalog, "--against", Sample, "--no-cluster");

        code.ShouldBe(1);
        output.ShouldBeEmpty();
        err.ShouldContain($"{katalog}:19:");
        err.ShouldContain("error: unknown key 'replcas'");
        err.ShouldContain("ork plan: the new Katalog has 1 error");
        err.ShouldNotContain("   at ");
    }

    [Test]
    public void An_invalid_current_Katalog_is_a_located_error_naming_its_side()
    {
        using var dir = new TempDirectory();
        var old = Copy(dir, k => k.Replace("port: 80", "port: {{ .spec.port", StringComparison.Ordinal));

        var (code, _, err) = Run("-k", Path.Combine(Sample, "katalog.yaml"), "--against", old, "--no-cluster");

        code.ShouldBe(1);
        err.ShouldContain($"{old}:");
        err.ShouldContain($"ork plan: the current ({old}) Katalog has");
        err.ShouldNotContain("   at ");
    }

    [TestCase("--nope", "unknown flag --nope")]
    [TestCase("--against|x.yaml|--cm|ork", "--against and --cm exclude each other")]
    [TestCase("--cm|ork|--no-cluster", "--cm reads the cluster")]
    [TestCase("-o|yaml", "--output must be text or json, not \"yaml\"")]
    [TestCase("extra", "unexpected argument extra")]
    public void Usage_errors_exit_1_not_2_which_means_changes(string args, string message)
    {
        var (code, _, err) = Run(["-k", Path.Combine(Sample, "katalog.yaml"), .. args.Split('|')]);

        code.ShouldBe(1);
        err.ShouldContain($"ork plan: {message}");
    }

    [Test]
    public void A_missing_against_file_and_an_unreachable_registry_are_errors_naming_the_source()
    {
        var (code, _, err) = Run("-k", Path.Combine(Sample, "katalog.yaml"), "--against", "missing.yaml", "--no-cluster");
        code.ShouldBe(1);
        err.ShouldContain("ork plan: --against missing.yaml: no such file, and not an OCI reference");

        using var dir = new TempDirectory();
        (code, _, err) = Run("-k", Path.Combine(Sample, "katalog.yaml"), "--against", dir.Path, "--no-cluster");
        code.ShouldBe(1);
        err.ShouldContain("the folder has no katalog.yaml");

        (code, _, err) = Run("-k", Path.Combine(Sample, "katalog.yaml"), "--against", "127.0.0.1:1/katalogs/web:1.0", "--no-cluster");
        code.ShouldBe(1);
        err.ShouldStartWith("ork plan: --against 127.0.0.1:1/katalogs/web:1.0: ");
        err.ShouldNotContain("   at ");
    }

    [Test]
    public void An_unreadable_kubeconfig_given_explicitly_is_an_error()
    {
        var (code, _, err) = Run("-k", Path.Combine(Sample, "katalog.yaml"), "--kubeconfig", "/nonexistent/kubeconfig");

        code.ShouldBe(1);
        err.ShouldContain("ork plan: ");
        err.ShouldContain("/nonexistent/kubeconfig");
    }
}
