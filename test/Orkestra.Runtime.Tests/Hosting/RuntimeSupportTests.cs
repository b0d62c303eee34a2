using Orkestra.Katalog.Compilation;
using Orkestra.Runtime.Hosting;

namespace Orkestra.Runtime.Tests.Hosting;

public sealed class RuntimeSupportTests
{
    private const string Header = """
        apiVersion: orkestra.orkspace.io/v1
        kind: Katalog
        metadata: {name: demo}
        spec:
          crds:
            website:
              apiTypes: {group: demo.orkestra.io, version: v1, kind: Website, plural: websites}

        """;

    private static CompiledKatalog Compile(string crdBody)
    {
        var result = KatalogCompiler.CompileText(Header + crdBody, "katalog.yaml");
        result.Diagnostics.Where(d => d.Severity == Katalog.Diagnostics.DiagnosticSeverity.Error).ShouldBeEmpty();
        return result.Katalogs.Single();
    }

    [Test]
    public void A_plain_operator_box_is_fully_supported()
    {
        RuntimeSupport.Check(Compile("""
                  operatorBox:
                    onReconcile:
                      configMaps:
                        - name: "{{ .metadata.name }}"
                          data: {a: b}
            """)).ShouldBeEmpty();
    }

    [Test]
    public void Declared_features_the_runtime_does_not_execute_are_named_at_their_location()
    {
        var problems = RuntimeSupport.Check(Compile("""
                  validation:
                    rules:
                      - field: spec.image
                        prefix: "myorg/"
                        message: "images must come from the internal registry"
                  operatorBox:
                    onReconcile:
                      external:
                        - name: health
                          url: "http://example.invalid/health"
                      configMaps:
                        - name: "{{ .metadata.name }}"
                          data: {a: b}
            """)).Select(d => d.ToString()).ToArray();
        problems.ShouldContain(p => p.StartsWith("katalog.yaml:", StringComparison.Ordinal) && p.Contains("spec.crds.website.validation is not supported by ork run yet"));
        problems.ShouldContain(p => p.Contains("spec.crds.website.operatorBox.onReconcile.external (health) is not supported by ork run yet"));
        problems.Length.ShouldBe(2);
    }
}
