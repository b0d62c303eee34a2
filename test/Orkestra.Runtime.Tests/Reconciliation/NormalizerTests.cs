using Orkestra.ApiMachinery.Meta;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.Katalog.Compilation;
using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Reconciliation;
using Orkestra.Testing;

namespace Orkestra.Runtime.Tests.Reconciliation;

/// <summary><c>normalize</c> (§5.3): pure transformation rules, then its place in the reconcile pipeline.</summary>
public sealed class NormalizerTests
{
    private static CompiledOperator Compile(string normalize, string box = "")
    {
        var compiled = KatalogCompiler.CompileText($$$"""
            apiVersion: orkestra.orkspace.io/v1
            kind: Katalog
            metadata: {name: website-operator}
            spec:
              crds:
                website:
                  apiTypes: {group: demo.orkestra.io, version: v1alpha1, kind: Website, plural: websites}
                  normalize:
            {{{normalize}}}
                  operatorBox:
                    onReconcile:
                      configMaps:
                        - name: "{{ .metadata.name }}"
                          data:
                            image: "{{ .spec.image }}"
                            replicas: "{{ .spec.replicas }}"
            {{{box}}}
            """, "katalog.yaml");
        compiled.HasErrors.ShouldBeFalse(string.Join("\n", compiled.Diagnostics));
        return compiled.Katalogs[0].Operators[0];
    }

    private static JsonElement Cr(string spec) => JsonDocument.Parse($$"""
        {"apiVersion":"demo.orkestra.io/v1alpha1","kind":"Website",
         "metadata":{"name":"hello","namespace":"default","uid":"u-1","resourceVersion":"3"},"spec":{{spec}}
        }
        """).RootElement.Clone();

    private static JsonNode? Spec(NormalizeResult result) => JsonNode.Parse(result.Object.GetRawText())!["spec"];

    [Test]
    public void Untyped_results_are_typed_like_YAML_scalars_and_all_templates_see_the_CR_as_read()
    {
        var op = Compile("""
                    spec:
                      image: "  {{ toLower .spec.image }}  "
                      replicas: "{{ .spec.size }}"
                      enabled: "true"
                      ratio: "0.5"
                      nothing: "null"
                      copy: "{{ .spec.image }}"
                      limits.cpu: "500m"
            """);
        var spec = Spec(Normalizer.Apply(op.Normalize!, Cr("""{"image":"NGINX:1","size":"3"}"""), TimeProvider.System))!;
        ((string?)spec["image"]).ShouldBe("nginx:1", "rendered text is trimmed");
        spec["replicas"]!.GetValueKind().ShouldBe(JsonValueKind.Number);
        ((long)spec["replicas"]!).ShouldBe(3);
        ((bool)spec["enabled"]!).ShouldBeTrue();
        ((double)spec["ratio"]!).ShouldBe(0.5);
        ((string?)spec["nothing"]).ShouldBe("", "null becomes the empty string");
        ((string?)spec["copy"]).ShouldBe("NGINX:1", "every template sees the CR before normalization");
        ((string?)spec["limits"]!["cpu"]).ShouldBe("500m", "missing intermediate maps are created");
    }

    [Test]
    public void Declared_types_convert_strictly_and_an_empty_result_leaves_the_field_alone()
    {
        var op = Compile("""
                    spec:
                      replicas: "{{ .spec.size }}"
                      tier: "{{ .spec.missing }}"
                      debug: "T"
                    types:
                      replicas: int
                      tier: string
                      debug: boolean
            """);
        var spec = Spec(Normalizer.Apply(op.Normalize!, Cr("""{"size":"7","tier":"gold"}"""), TimeProvider.System))!;
        ((long)spec["replicas"]!).ShouldBe(7);
        ((string?)spec["tier"]).ShouldBe("gold", "an empty typed result omits the write");
        ((bool)spec["debug"]!).ShouldBeTrue();

        var bad = Should.Throw<NormalizeException>(() => Normalizer.Apply(op.Normalize!, Cr("""{"size":"many"}"""), TimeProvider.System));
        bad.Message.ShouldBe("normalize spec.replicas: type int: cannot convert \"many\" to int");
    }

    [Test]
    public void An_intermediate_value_that_is_not_a_map_and_a_failing_template_are_errors_naming_the_field()
    {
        var op = Compile("""
                    spec:
                      image.tag: "1"
            """);
        Should.Throw<NormalizeException>(() => Normalizer.Apply(op.Normalize!, Cr("""{"image":"nginx"}"""), TimeProvider.System))
            .Message.ShouldBe("normalize spec.image.tag: path segment \"image\" is not a map (it is a string)");

        var failing = Compile("""
                    spec:
                      image: "{{ toInt .spec.image }}"
            """);
        var nginx = Cr("""{"image":"nginx"}""");
        var error = Should.Throw<NormalizeException>(() => Normalizer.Apply(failing.Normalize!, nginx, TimeProvider.System));
        error.Message.ShouldStartWith("normalize spec.image: katalog.yaml:");
        error.Message.ShouldContain("cannot convert \"nginx\" to int");
    }

    [Test]
    public void Audit_records_only_what_changed_and_the_input_is_never_touched()
    {
        var op = Compile("""
                    spec:
                      image: "{{ toLower .spec.image }}"
                      replicas: "{{ .spec.replicas }}"
                    audit: true
            """);
        var input = Cr("""{"image":"NGINX","replicas":2}""");
        var before = input.GetRawText();
        var result = Normalizer.Apply(op.Normalize!, input, TimeProvider.System);
        result.Changes.Select(c => c.ToString()).ShouldBe(["spec.image: \"NGINX\" -> \"nginx\""]);
        input.GetRawText().ShouldBe(before);
    }

    [Test]
    public async Task In_the_pipeline_children_see_the_normalized_spec_and_the_stored_CR_is_unchanged()
    {
        var op = Compile("""
                    spec:
                      image: "{{ toLower .spec.image }}"
                      replicas: "{{ .spec.size }}"
                    types:
                      replicas: int
                    audit: true
            """);
        var cluster = new FakeCluster();
        cluster.Put(Cr("""{"image":"NGINX:1","size":"4"}""").GetRawText());
        var reconciler = new KatalogReconciler(op, "website-operator", cluster, cluster, cluster, new ManualTimeProvider());
        await reconciler.ReconcileAsync(new ObjectKey("default", "hello"), default);
        var data = cluster.Get("ConfigMap", "default", "hello")["data"]!;
        ((string?)data["image"]).ShouldBe("nginx:1");
        ((string?)data["replicas"]).ShouldBe("4");
        var stored = cluster.Get("Website", "default", "hello")["spec"]!;
        ((string?)stored["image"]).ShouldBe("NGINX:1", "normalize is in memory only");
        stored["replicas"].ShouldBeNull();
        cluster.Events.ShouldContain(e => e.Reason == "Normalized"
                                          && e.Message.Contains("spec.image: \"NGINX:1\" -> \"nginx:1\"", StringComparison.Ordinal));
    }

    [Test]
    public async Task A_normalize_error_fails_the_CR_terminally_with_no_children()
    {
        var op = Compile("""
                    spec:
                      replicas: "{{ .spec.size }}"
                    types:
                      replicas: int
            """);
        var cluster = new FakeCluster();
        cluster.Put(Cr("""{"image":"nginx","size":"lots"}""").GetRawText());
        var reconciler = new KatalogReconciler(op, "website-operator", cluster, cluster, cluster, new ManualTimeProvider());
        var error = await Should.ThrowAsync<TerminalReconcileException>(
            async () => await reconciler.ReconcileAsync(new ObjectKey("default", "hello"), default));
        error.Message.ShouldContain("cannot convert \"lots\" to int");
        var ready = cluster.Get("Website", "default", "hello")["status"]!["conditions"]![0]!;
        ((string?)ready["reason"]).ShouldBe("NormalizeFailed");
        cluster.Writes.ShouldNotContain(w => w.StartsWith("apply", StringComparison.Ordinal));
    }
}
