using Orkestra.Katalog.Compilation;
using Orkestra.Runtime.Hosting;

namespace Orkestra.Runtime.Tests.Hosting;

public class StartupPlanTests
{
    private static IReadOnlyList<CompiledKatalog> Compile(string crds)
    {
        using var dir = new TempDirectory("ork-plan-");   // compiling reads the files; the plan keeps only their content
        foreach (var f in new[] { "ns.yaml", "a-cr.yaml", "b-cr.yaml" })
            dir.Write(f, "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n");
        dir.Write("a-crd.yaml", Crd("Db", "dbs"));
        dir.Write("b-crd.yaml", Crd("Web", "webs"));
        var text = "apiVersion: orkestra.orkspace.io/v1\nkind: Katalog\nmetadata:\n  name: plan\nspec:\n  crds:\n" + crds;
        var result = KatalogCompiler.CompileText(text, "katalog.yaml", dir.Path);
        result.HasErrors.ShouldBeFalse(string.Join("\n", result.Diagnostics));
        return result.Katalogs;
    }

    private static string Crd(string kind, string plural) => $$"""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: {{plural}}.d.io
        spec:
          group: d.io
          scope: Namespaced
          names: {kind: {{kind}}, plural: {{plural}}}
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
        """;

    private const string TwoCrds = """
            web:
              apiTypes: {group: d.io, version: v1, kind: Web, plural: webs}
              crdFile: b-crd.yaml
              crFiles: [b-cr.yaml]
              setup: [ns.yaml]
              dependsOn: [db]
            db:
              apiTypes: {group: d.io, version: v1, kind: Db, plural: dbs}
              crdFile: a-crd.yaml
              crFiles: [a-cr.yaml]
              setup: [ns.yaml]
            off:
              enabled: false
              apiTypes: {group: d.io, version: v1, kind: Off, plural: offs}
        """;

    [Test]
    public void Outside_a_cluster_auto_applies_crds_then_setup_starts_dependencies_first_then_applies_crs()
    {
        var plan = StartupPlan.For(Compile(TwoCrds), ApplyMode.Auto, inCluster: false);
        plan.CrdFiles.Select(Path.GetFileName).ShouldBe(["b-crd.yaml", "a-crd.yaml"]);
        plan.SetupFiles.Select(Path.GetFileName).ShouldBe(["ns.yaml"], "a shared setup file is applied once");
        plan.OperatorOrder.Select(o => o.Name).ShouldBe(["db", "web"], "disabled CRDs are not started");
        plan.CrFiles.Select(Path.GetFileName).ShouldBe(["b-cr.yaml", "a-cr.yaml"]);
        plan.CrdFiles.ShouldAllBe(p => Path.IsPathRooted(p));
    }

    [Test]
    public void Inside_a_cluster_auto_applies_nothing_and_the_flags_force_it_either_way()
    {
        var katalogs = Compile(TwoCrds);
        var inCluster = StartupPlan.For(katalogs, ApplyMode.Auto, inCluster: true);
        inCluster.CrdFiles.ShouldBeEmpty();
        inCluster.CrFiles.ShouldBeEmpty();
        inCluster.OperatorOrder.Count.ShouldBe(2);
        StartupPlan.For(katalogs, ApplyMode.Always, inCluster: true).CrdFiles.Count.ShouldBe(2);
        StartupPlan.For(katalogs, ApplyMode.Never, inCluster: false).SetupFiles.ShouldBeEmpty();
    }
}
