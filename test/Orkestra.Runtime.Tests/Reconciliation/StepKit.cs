using System.Text.Json;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Rendering;
using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Tests.Reconciliation;

/// <summary>One compiled Website operator and one Website CR, for the tests of the reconciler's steps.</summary>
internal static class StepKit
{
    public const string Cr = """
        {"apiVersion":"demo.orkestra.io/v1alpha1","kind":"Website",
         "metadata":{"name":"hello","namespace":"default","uid":"u-1","generation":2,"resourceVersion":"7"},
         "spec":{"image":"nginx:1.27","replicas":2,"port":8080}}
        """;

    /// <summary>One drift-corrected ConfigMap and one create-once ConfigMap, both named after the CR.</summary>
    public const string Box = """
                onReconcile:
                  configMaps:
                    - name: "{{ .metadata.name }}"
                      data: {image: "{{ .spec.image }}"}
                onCreate:
                  configMaps:
                    - name: "{{ .metadata.name }}-once"
                      data: {image: "{{ .spec.image }}"}
        """;

    public static readonly ObjectRef Self = new("demo.orkestra.io/v1alpha1", "Website", "default", "hello");

    /// <summary>The operator of <paramref name="box"/> (the operatorBox body, indented 8) with <paramref name="crd"/>
    /// (more keys of the CRD entry, indented 6) before it.</summary>
    public static CompiledOperator Compile(string box = Box, string crd = "")
    {
        var text = $$"""
            apiVersion: orkestra.orkspace.io/v1
            kind: Katalog
            metadata:
              name: website-operator
            spec:
              crds:
                website:
                  apiTypes: {group: demo.orkestra.io, version: v1alpha1, kind: Website, plural: websites}
            {{crd}}
                  operatorBox:
            {{box}}
            """;
        var compiled = KatalogCompiler.CompileText(text, "katalog.yaml");
        compiled.HasErrors.ShouldBeFalse(string.Join("\n", compiled.Diagnostics));
        return compiled.Katalogs[0].Operators[0];
    }

    /// <summary>A fake cluster holding <see cref="Cr"/>.</summary>
    public static FakeCluster Cluster()
    {
        var cluster = new FakeCluster();
        cluster.Put(Cr);
        return cluster;
    }

    /// <summary>What <paramref name="op"/> renders for the stored CR against the cluster's owned children.</summary>
    public static (RenderResult Result, IReadOnlyList<JsonElement> Observed) Render(CompiledOperator op, FakeCluster cluster, TimeProvider time)
    {
        var observed = cluster.ListOwnedChildren("hello", "default");
        return (OperatorRenderer.Render(new RenderRequest(op, Stored(cluster), observed) { Time = time }), observed);
    }

    /// <summary>The CR as the cache hands it out now.</summary>
    public static JsonElement Stored(FakeCluster cluster) => cluster.GetCustomResource(new("default", "hello"))!.Value;

    public static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
