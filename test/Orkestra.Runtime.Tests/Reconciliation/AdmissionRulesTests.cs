using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Tests.Reconciliation;

/// <summary>Mutation and validation rules at reconcile time, through the reconciler over the in-memory cluster.</summary>
public sealed class AdmissionRulesTests
{
    private const string Header = """
        apiVersion: orkestra.orkspace.io/v1
        kind: Katalog
        metadata: {name: website-operator}
        spec:
          crds:
            website:
              apiTypes: {group: demo.orkestra.io, version: v1alpha1, kind: Website, plural: websites}
              validation:
                rules:
                  - field: spec.image
                    prefix: "myorg/"
                    message: "images must come from the internal registry, not {{ .spec.image }}"
                  - field: spec.replicas
                    lessThanOrEqual: "5"
                    message: "more than 5 replicas needs a review"
                    action: warn
              mutation:
                mutateFirst: true
                rules:
                  - field: spec.port
                    default: "8080"
                    valueType: int
                  - field: metadata.labels.team
                    override: "web"
              operatorBox:
                onReconcile:
                  configMaps:
                    - name: "{{ .metadata.name }}"
                      data: {image: "{{ .spec.image }}"}
        """;

    private static readonly ObjectKey Key = new("default", "hello");

    private static (KatalogReconciler, FakeCluster) Setup(string spec)
    {
        var compiled = KatalogCompiler.CompileText(Header, "katalog.yaml");
        compiled.HasErrors.ShouldBeFalse(string.Join("\n", compiled.Diagnostics));
        var cluster = new FakeCluster();
        cluster.Put($$"""
            {"apiVersion":"demo.orkestra.io/v1alpha1","kind":"Website",
             "metadata":{"name":"hello","namespace":"default","uid":"u-1","generation":1,"resourceVersion":"3"},"spec":{{spec}}}
            """);
        return (new KatalogReconciler(compiled.Katalogs[0].Operators[0], "website-operator", cluster, cluster, cluster, new ManualTimeProvider()), cluster);
    }

    [Test]
    public async Task Mutations_patch_the_CR_once_and_then_the_CR_reconciles_as_mutated()
    {
        var (reconciler, cluster) = Setup("""{"image":"myorg/web:1"}""");
        await reconciler.ReconcileAsync(Key, default);
        cluster.Writes.ShouldBe(["patch Website default/hello", "patch Website default/hello"], "adopt, then the mutation (nothing else this round)");
        var cr = cluster.Get("Website", "default", "hello");
        ((long)cr["spec"]!["port"]!).ShouldBe(8080);
        ((string?)cr["metadata"]!["labels"]!["team"]).ShouldBe("web");
        cluster.Events.ShouldContain(e => e.Reason == "Mutated");

        cluster.Writes.Clear();
        await reconciler.ReconcileAsync(Key, default);
        cluster.Writes.ShouldBe(["apply ConfigMap default/hello", "status Website default/hello"], "the mutated CR needs no further mutation");
    }

    [Test]
    public async Task A_denying_rule_fails_the_CR_terminally_and_a_warning_rule_only_warns()
    {
        var (reconciler, cluster) = Setup("""{"image":"docker.io/web:1","port":80,"replicas":9}""");
        cluster.Get("Website", "default", "hello")["metadata"]!["labels"] = new System.Text.Json.Nodes.JsonObject { ["team"] = "web" };
        var error = await Should.ThrowAsync<Orkestra.Runtime.Controllers.TerminalReconcileException>(async () => await reconciler.ReconcileAsync(Key, default));
        error.Message.ShouldBe("images must come from the internal registry, not docker.io/web:1");
        var ready = cluster.Get("Website", "default", "hello")["status"]!["conditions"]![0]!;
        ((string?)ready["status"]).ShouldBe("False");
        ((string?)ready["reason"]).ShouldBe("ValidationFailed");
        cluster.Events.ShouldContain((Orkestra.Runtime.Reconciliation.EventType.Warning, "ValidationWarning", "more than 5 replicas needs a review"));
        cluster.Writes.ShouldNotContain(w => w.StartsWith("apply", StringComparison.Ordinal), "a denied CR gets no children");
    }
}
