using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Tests.Reconciliation;

/// <summary>
/// The <c>unique</c> condition operator at reconcile time: false when another CR of the same kind (from the reader's
/// cache) has the same value at the field — in a validation rule (the CR is denied) and in a child's <c>when</c>.
/// </summary>
public sealed class UniqueConditionTests
{
    private const string Katalog = """
        apiVersion: orkestra.orkspace.io/v1
        kind: Katalog
        metadata: {name: website-operator}
        spec:
          crds:
            website:
              apiTypes: {group: demo.orkestra.io, version: v1alpha1, kind: Website, plural: websites}
              validation:
                rules:
                  - field: spec.host
                    operator: unique
                    message: "host {{ .spec.host }} is already taken"
              operatorBox:
                onReconcile:
                  configMaps:
                    - name: "{{ .metadata.name }}"
                      data: {host: "{{ .spec.host }}"}
                    - name: "{{ .metadata.name }}-alias"
                      when:
                        - field: spec.alias
                          operator: unique
                      data: {alias: "{{ .spec.alias }}"}
        """;

    private static (KatalogReconciler, FakeCluster) Setup()
    {
        var compiled = KatalogCompiler.CompileText(Katalog, "katalog.yaml");
        compiled.HasErrors.ShouldBeFalse(string.Join("\n", compiled.Diagnostics));
        var cluster = new FakeCluster();
        return (new KatalogReconciler(compiled.Katalogs[0].Operators[0], "website-operator", cluster, cluster, cluster,
            new ManualTimeProvider()), cluster);
    }

    private static void PutWebsite(FakeCluster cluster, string ns, string name, string host, string alias) => cluster.Put($$$"""
        {"apiVersion":"demo.orkestra.io/v1alpha1","kind":"Website",
         "metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","uid":"u-{{{name}}}","generation":1,"resourceVersion":"3"},
         "spec":{"host":"{{{host}}}","alias":"{{{alias}}}"}}
        """);

    [Test]
    public async Task A_CR_whose_value_another_CR_of_the_kind_has_is_denied()
    {
        var (reconciler, cluster) = Setup();
        PutWebsite(cluster, "default", "first", "shop.example.com", "a");
        PutWebsite(cluster, "other", "second", "shop.example.com", "b");

        var error = await Should.ThrowAsync<TerminalReconcileException>(
            async () => await reconciler.ReconcileAsync(new ObjectKey("other", "second"), default));
        error.Message.ShouldBe("host shop.example.com is already taken");
        cluster.Writes.ShouldNotContain(w => w.StartsWith("apply", StringComparison.Ordinal));

        cluster.Get("Website", "other", "second")["spec"]!["host"] = "blog.example.com";
        await reconciler.ReconcileAsync(new ObjectKey("other", "second"), default);
        cluster.Writes.ShouldContain("apply ConfigMap other/second", "unique once the value is its own");
    }

    [Test]
    public async Task A_CR_is_not_compared_with_itself_and_unique_gates_a_child()
    {
        var (reconciler, cluster) = Setup();
        PutWebsite(cluster, "default", "first", "one.example.com", "shared");
        await reconciler.ReconcileAsync(new ObjectKey("default", "first"), default);
        cluster.Writes.ShouldContain("apply ConfigMap default/first-alias", "alone, its alias is unique");

        PutWebsite(cluster, "default", "second", "two.example.com", "shared");
        cluster.Writes.Clear();
        await reconciler.ReconcileAsync(new ObjectKey("default", "second"), default);
        cluster.Writes.ShouldContain("apply ConfigMap default/second");
        cluster.Writes.ShouldNotContain("apply ConfigMap default/second-alias", "the alias is another CR's");
    }
}
