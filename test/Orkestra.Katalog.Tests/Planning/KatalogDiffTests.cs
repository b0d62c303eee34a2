using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Planning;

namespace Orkestra.Katalog.Tests.Planning;

public class KatalogDiffTests
{
    private const string Base = """
        apiVersion: orkestra.orkspace.io/v1
        kind: Katalog
        metadata:
          name: shop
        spec:
          crds:
            web:
              apiTypes: {group: demo.example.com, version: v1, kind: Web, plural: webs}
              crdFile: crd.yaml
              workers: 2
              operatorBox:
                finalizers: [demo.example.com/cleanup]
                onCreate:
                  deployments:
                    - name: "{{ .metadata.name }}"
                      image: "{{ .spec.image }}"
                      replicas: 2
                      reconcile: true
            cache:
              apiTypes: {group: demo.example.com, version: v1, kind: Cache, plural: caches}
              operatorBox:
                onReconcile:
                  configMaps:
                    - name: "{{ .metadata.name }}"
                      data: {size: "{{ .spec.size }}"}
        """;

    private const string Crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: webs.demo.example.com}
        spec:
          group: demo.example.com
          names: {kind: Web, plural: webs, singular: web, listKind: WebList}
          scope: Namespaced
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
        """;

    private static IReadOnlyList<CompiledKatalog> Compile(TempDirectory dir, string folder, string katalog, string crd = Crd)
    {
        dir.Write($"{folder}/crd.yaml", crd);
        var path = dir.Write($"{folder}/katalog.yaml", katalog);
        var result = KatalogCompiler.CompileFiles([path]);
        result.Diagnostics.Where(d => d.Severity == Diagnostics.DiagnosticSeverity.Error).ShouldBeEmpty();
        return result.Katalogs;
    }

    [Test]
    public void The_same_Katalog_in_another_folder_and_layout_is_no_change()
    {
        using var dir = new TempDirectory();
        var relaid = Base.Replace("apiTypes: {group: demo.example.com, version: v1, kind: Web, plural: webs}",
            "# a comment\n      apiTypes:\n        group: demo.example.com\n        version: v1\n        kind: Web\n        plural: webs")
            .Replace("replicas: 2", "replicas: 2   # two");

        var changes = KatalogDiff.Compare(Compile(dir, "old", Base), Compile(dir, "new", relaid));

        changes.HasChanges.ShouldBeFalse();
    }

    [Test]
    public void Added_and_removed_CRDs_are_named_with_their_kind()
    {
        using var dir = new TempDirectory();
        var withoutCache = Base[..Base.IndexOf("    cache:", StringComparison.Ordinal)];
        var withQueue = Base + """

                queue:
                  apiTypes: {group: demo.example.com, version: v1, kind: Queue, plural: queues}
                  operatorBox: {}
            """;

        var changes = KatalogDiff.Compare(Compile(dir, "old", withQueue), Compile(dir, "new", withoutCache));

        changes.Crds.Select(c => $"{c.Kind} {c.Name} {c.ResourceKind} {c.ApiVersion}")
            .ShouldBe(["Removed cache Cache demo.example.com/v1", "Removed queue Queue demo.example.com/v1"]);
        changes.Katalogs.ShouldBeEmpty();
    }

    [Test]
    public void Settings_changes_name_the_key_and_both_values()
    {
        using var dir = new TempDirectory();
        var changed = Base.Replace("workers: 2", "workers: 5\n      resync: 90s\n      forceConflict: false")
            .Replace("finalizers: [demo.example.com/cleanup]", "finalizers: [demo.example.com/cleanup, demo.example.com/backup]");

        var web = KatalogDiff.Compare(Compile(dir, "old", Base), Compile(dir, "new", changed)).Crds.ShouldHaveSingleItem();

        web.Name.ShouldBe("web");
        web.Kind.ShouldBe(ChangeKind.Changed);
        web.Settings.ShouldBe([
            new SettingChange("forceConflict", "true", "false"),
            new SettingChange("reconciler.workers", "2", "5"),
            new SettingChange("reconciler.resync", "default", "1m30s"),
            new SettingChange("finalizers", "[demo.example.com/cleanup]", "[demo.example.com/cleanup, demo.example.com/backup]"),
        ]);
        web.Templates.ShouldBeEmpty();
    }

    [Test]
    public void A_changed_crdFile_content_is_a_changed_digest()
    {
        using var dir = new TempDirectory();
        var wider = Crd.Replace("x-kubernetes-preserve-unknown-fields: true", "x-kubernetes-preserve-unknown-fields: true, description: d");

        var web = KatalogDiff.Compare(Compile(dir, "old", Base), Compile(dir, "new", Base, wider)).Crds.ShouldHaveSingleItem();

        var setting = web.Settings.ShouldHaveSingleItem();
        setting.Key.ShouldBe("crdFile");
        setting.Old.ShouldStartWith("crd.yaml (sha256:");
        setting.New.ShouldStartWith("crd.yaml (sha256:");
        setting.New.ShouldNotBe(setting.Old);
    }

    [Test]
    public void A_changed_template_is_a_line_diff_of_its_section()
    {
        using var dir = new TempDirectory();
        var changed = Base.Replace("replicas: 2", "replicas: \"{{ .spec.replicas }}\"")
            .Replace("data: {size: \"{{ .spec.size }}\"}", "data: {size: \"{{ .spec.size }}\", tier: gold}");

        var changes = KatalogDiff.Compare(Compile(dir, "old", Base), Compile(dir, "new", changed));

        var web = changes.Crds.Single(c => c.Name == "web");
        var onCreate = web.Templates.ShouldHaveSingleItem();
        onCreate.Section.ShouldBe("operatorBox.onCreate");
        onCreate.Diff.ShouldBe([
            "@@ -1,5 +1,5 @@",
            " deployments:",
            "   - name: \"{{ .metadata.name }}\"",
            "     image: \"{{ .spec.image }}\"",
            "-    replicas: 2",
            "+    replicas: \"{{ .spec.replicas }}\"",
            "     reconcile: true",
        ]);
        var cache = changes.Crds.Single(c => c.Name == "cache").Templates.ShouldHaveSingleItem();
        cache.Section.ShouldBe("operatorBox.onReconcile");
        cache.Diff.ShouldContain("+      tier: gold");
        web.Settings.ShouldBeEmpty();
    }

    [Test]
    public void Katalog_security_and_notes_are_compared_per_Katalog()
    {
        using var dir = new TempDirectory();
        var changed = Base + """

            security:
              webhooks:
                admission: {enabled: true}
            notes:
              functions:
                - name: shout
                  expression: '{{ printf "%s!" . }}'
            """;

        var katalog = KatalogDiff.Compare(Compile(dir, "old", Base), Compile(dir, "new", changed)).Katalogs.ShouldHaveSingleItem();

        katalog.Name.ShouldBe("shop");
        katalog.Settings.Select(s => s.Key).ShouldContain("security.webhooks");
        katalog.Settings.Single(s => s.Key == "security.webhooks").New.ShouldStartWith("admission=true");
        katalog.Templates.ShouldHaveSingleItem().Section.ShouldBe("notes");
    }
}
