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
                  normalize:
                    spec:
                      image: "{{ toLower .spec.image }}"
                  restrictedNamespaces: [kube-system]
                  endpoints: {health: false}
                  operatorBox:
                    onReconcile:
                      external:
                        - name: health
                          url: "http://example.invalid/health"
                          retryBackoff: 1s
                      configMaps:
                        - name: "{{ .metadata.name }}"
                          data: {a: b}
            """)).Select(d => d.ToString()).ToArray();
        const string endpoints = "spec.crds.website.endpoints (per-CRD endpoint switches) is not supported by ork run yet";
        problems.ShouldContain(p => p.StartsWith("katalog.yaml:", StringComparison.Ordinal) && p.Contains(endpoints));
        problems.ShouldContain(p => p.Contains("spec.crds.website.operatorBox.onReconcile.external (health).retryBackoff is not supported by ork run yet"));
        problems.Length.ShouldBe(2, "normalize and namespace protection run");
    }

    [Test]
    public void The_security_block_conversion_and_normalize_are_executed_and_no_longer_refused()
    {
        var result = KatalogCompiler.CompileText(Header + """
                  allowedNamespaces: [apps]
                  normalize:
                    spec: {image: "{{ toLower .spec.image }}"}
                  conversion:
                    storageVersion: v1
                    paths:
                      - {from: v1, to: v2, spec: {size: "{{ .spec.replicas }}"}}
                      - {from: v2, to: v1, spec: {replicas: "{{ .spec.size }}"}}
            security:
              deletionProtection: {enabled: true, strictMode: true}
              namespaceProtection: {restrictedNamespaces: [kube-system]}
              webhooks:
                admission: {enabled: true, failurePolicy: Ignore}
              conversion: {enabled: true}
            """, "katalog.yaml");
        RuntimeSupport.Diagnose(result).ShouldBeEmpty();
        result.Katalogs[0].Source.Security!.Webhooks.FailurePolicy
            .ShouldBe(Orkestra.Katalog.Model.FailurePolicy.Ignore, "admission.failurePolicy is an alias");
    }

    [Test]
    public void What_is_still_not_executed_is_one_located_error_for_validate_and_run_alike()
    {
        var result = KatalogCompiler.CompileText(Header + """
                  admission:
                    conversion: {storageVersion: v1}
            security:
              conversion: {enabled: true, conversionWindow: 10}
              certManager: {autoRotate: true}
            """, "katalog.yaml");
        var errors = RuntimeSupport.Diagnose(result).Select(d => d.ToString()).ToArray();
        errors.ShouldContain("katalog.yaml:8:7: error: spec.crds.website.admission is not a key: " +
                             "write conversion at spec.crds.website.conversion " +
                             "and validation/mutation at spec.crds.website.validation/mutation");
        errors.ShouldContain(e => e.StartsWith("katalog.yaml:11:31: error: not supported yet: conversionWindow", StringComparison.Ordinal));
        errors.ShouldContain(e => e.StartsWith("katalog.yaml:12:3: error: not supported yet: certManager", StringComparison.Ordinal));
    }
}
