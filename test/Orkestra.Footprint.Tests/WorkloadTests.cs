using Orkestra.Footprint.Cluster;
using Orkestra.Footprint.Results;
using Orkestra.Footprint.Runs;
using Orkestra.Katalog.Compilation;

namespace Orkestra.Footprint.Tests;

public sealed class WorkloadTests
{
    [Test]
    public void The_generated_katalog_compiles_and_names_every_crd_file()
    {
        using var temp = new TempDirectory("ork-fp-test-");
        var dir = temp.Path;
        var katalog = Workload.WriteFiles(dir, Workload.Types(15), TimeSpan.FromSeconds(30));
        var result = KatalogCompiler.CompileFiles([katalog]);
        result.Diagnostics.ShouldBeEmpty(string.Join('\n', result.Diagnostics));
        result.Katalogs.Single().Operators.Count.ShouldBe(15);
        File.Exists(Path.Combine(dir, "crds", "widget14.yaml")).ShouldBeTrue();
    }

    [Test]
    public void The_webhook_variant_declares_admission_for_every_crd_and_compiles()
    {
        using var temp = new TempDirectory("ork-fp-test-");
        var katalog = Workload.WriteFiles(temp.Path, Workload.Types(3), TimeSpan.FromSeconds(30), webhooks: true);
        var result = KatalogCompiler.CompileFiles([katalog]);
        result.Diagnostics.ShouldBeEmpty(string.Join('\n', result.Diagnostics));
        var text = File.ReadAllText(katalog);
        text.Split("validation:").Length.ShouldBe(4, text);
        text.ShouldContain("admission: {enabled: true}");
        File.ReadAllText(Workload.WriteFiles(Path.Combine(temp.Path, "plain"), Workload.Types(3), TimeSpan.FromSeconds(30)))
            .ShouldNotContain("validation:");
    }

    [Test]
    public void Names_and_paths_are_stable()
    {
        var t = Workload.Types(15)[7];
        t.Kind.ShouldBe("Widget07");
        t.CrdName.ShouldBe("widget07s.footprint.orkestra.io");
        t.CreatePath("default").ShouldBe("/apis/footprint.orkestra.io/v1/namespaces/default/widget07s");
        Workload.Cr(t, 42)["metadata"]!["name"]!.GetValue<string>().ShouldBe("widget07-0042");
    }

    [Test]
    public void Cr_names_never_repeat_across_crds_so_children_never_collide()
    {
        var names = Workload.Types(15).SelectMany(t => Enumerable.Range(0, 100).Select(i => Workload.CrName(t, i))).ToArray();
        names.Distinct().Count().ShouldBe(1_500);
    }

    [Test]
    public void Scenario_names_parse_and_bad_ones_are_rejected()
    {
        Scenario.Parse("15x100").ShouldBe(new Scenario(15, 100));
        Scenario.Parse("1x1000").TotalCrs.ShouldBe(1000);
        Scenario.Parse("15x20+webhooks").ShouldBe(new Scenario(15, 20, Webhooks: true));
        new Scenario(15, 20, Webhooks: true).Name.ShouldBe("15x20+webhooks");
        Should.Throw<FormatException>(() => Scenario.Parse("15x20+hooks"));
        Should.Throw<FormatException>(() => Scenario.Parse("15"));
        Should.Throw<FormatException>(() => Scenario.Parse("0x10"));
    }

    [Test]
    public void Kubeconfig_values_are_read_from_the_sandbox_shape()
    {
        const string text = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: sandbox
              cluster:
                server: https://127.0.0.1:35521
                certificate-authority-data: LS0tLS1CRUdJTg==
            users:
            - name: sandbox
              user:
                token: abc123
            current-context: sandbox
            """;
        var k = KubeconfigFile.Parse(text);
        k.Server.ShouldBe(new Uri("https://127.0.0.1:35521"));
        k.CaPem.ShouldBe("-----BEGIN");
        k.Token.ShouldBe("abc123");
        Should.Throw<FormatException>(() => KubeconfigFile.Parse("apiVersion: v1\n"));
    }
}
