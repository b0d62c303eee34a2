using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Diagnostics;

namespace Orkestra.Katalog.Tests.Compilation;

/// <summary>
/// Templates typed against the CRD's schema (issue 14 §1): what a template reads from the CR is resolved against the
/// crdFile's structural schema at load. A corpus of seeded mistakes, each caught at its own line and column, and a
/// corpus of correct reads (with, range, variables, untyped subtrees) that must stay free of errors.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class TemplateSchemaTests
{
    private const string Crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: apps.t.io}
        spec:
          group: t.io
          scope: Namespaced
          names: {kind: App, plural: apps}
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  properties:
                    spec:
                      type: object
                      properties:
                        image: {type: string}
                        replicas: {type: integer}
                        port: {x-kubernetes-int-or-string: true}
                        env:
                          type: array
                          items:
                            type: object
                            properties:
                              name: {type: string}
                              value: {type: string}
                        tags:
                          type: object
                          additionalProperties: {type: string}
                        database:
                          type: object
                          properties:
                            host: {type: string}
                            size: {type: integer}
                        extra:
                          type: object
                          x-kubernetes-preserve-unknown-fields: true
                        free:
                          type: object
                          additionalProperties: true
                    status:
                      type: object
                      properties:
                        phase: {type: string}
        """;

    private static IReadOnlyList<Diagnostic> Errors(string template, string? crd = Crd)
    {
        var dir = Directory.CreateTempSubdirectory("ork-typed-");
        try
        {
            if (crd is not null) File.WriteAllText(Path.Combine(dir.FullName, "crd.yaml"), crd);
            var katalog = $$"""
                apiVersion: orkestra.orkspace.io/v1
                kind: Katalog
                metadata: {name: typed}
                spec:
                  crds:
                    app:
                      apiTypes: {group: t.io, version: v1, kind: App, plural: apps}
                {{(crd is null ? "" : "      crdFile: crd.yaml\n")}}      operatorBox:
                        onReconcile:
                          configMaps:
                            - name: cm
                              data:
                                value: '{{template}}'
                """;
            var path = Path.Combine(dir.FullName, "katalog.yaml");
            File.WriteAllText(path, katalog);
            return KatalogCompiler.CompileFiles([path]).Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // Column of the template inside `                value: '` on line 14 of the generated Katalog.
    private const int Line = 14;
    private const int Column = 25; // of the template's first character, 0-based index added

    [TestCase("{{ .spec.imagee }}", ".spec.imagee", "spec.imagee is not in the CRD's schema", "did you mean .spec.image?")]
    [TestCase("{{ .spec.database.hots }}", ".spec", "spec.database.hots is not in the CRD's schema", "did you mean .spec.database.host?")]
    [TestCase("{{ .spec.replicas.count }}", ".spec", "spec.replicas.count reads a field of .spec.replicas", "an integer")]
    [TestCase("{{ .spec.image.tag }}", ".spec", "spec.image.tag reads a field of .spec.image", "a string")]
    [TestCase("{{ .spec.port.number }}", ".spec", "spec.port.number reads a field of .spec.port", "an int-or-string")]
    [TestCase("{{ .spec.env.name }}", ".spec", "spec.env.name reads a field of .spec.env", "an array")]
    [TestCase("x-{{ range .spec.env }}{{ .nmae }}{{ end }}", ".nmae", "spec.env[].nmae is not in the CRD's schema",
        "did you mean .spec.env[].name?")]
    [TestCase("{{ with .spec.database }}{{ .sise }}{{ end }}", ".sise", "spec.database.sise is not in the CRD's schema",
        "did you mean .spec.database.size?")]
    [TestCase("{{ $db := .spec.database }}{{ $db.hots }}", "$db.hots", "spec.database.hots", "did you mean .spec.database.host?")]
    [TestCase("{{ range $k, $v := .spec.tags }}{{ $v.x }}{{ end }}", "$v.x", "spec.tags[].x reads a field of .spec.tags[]", "a string")]
    [TestCase("{{ .status.phse }}", ".status", "status.phse is not in the CRD's schema", "did you mean .status.phase?")]
    [TestCase("{{ .metadata.nmae }}", ".metadata", "metadata.nmae is not a field of an object's metadata", "did you mean .metadata.name?")]
    [TestCase("{{ .metadata.labels.app.x }}", ".metadata", "metadata.labels.app.x reads a field", "a string")]
    [TestCase("{{ .spec.imagee | default \"nginx\" }}", ".spec", "spec.imagee is not in the CRD's schema", "image")]
    [TestCase("{{ if eq .spec.replcas 3 }}x{{ end }}", ".spec", "spec.replcas is not in the CRD's schema", "did you mean .spec.replicas?")]
    [TestCase("{{ range .spec.env }}{{ $.spec.imagee }}{{ end }}", "$.spec", "spec.imagee", "did you mean .spec.image?")]
    public void A_seeded_mistake_is_an_error_at_the_chain(string template, string chain, string message, string hint)
    {
        var error = Errors(template).ShouldHaveSingleItem();
        error.Message.ShouldContain(message);
        error.Message.ShouldContain(hint);
        error.Location.Line.ShouldBe(Line);
        error.Location.Column.ShouldBe(Column + template.IndexOf(chain, StringComparison.Ordinal));
    }

    [TestCase("{{ .spec.image }}:{{ .spec.replicas }}")]
    [TestCase("{{ .spec.database.host }}")]
    [TestCase("{{ range .spec.env }}{{ .name }}={{ .value }}{{ end }}")]
    [TestCase("{{ range $i, $e := .spec.env }}{{ $i }}{{ $e.name }}{{ end }}")]
    [TestCase("{{ range $k, $v := .spec.tags }}{{ $k }}={{ $v }}{{ end }}")]
    [TestCase("{{ .spec.tags.anything }}")]
    [TestCase("{{ .spec.extra.deep.down.anything }}")]
    [TestCase("{{ .spec.free.whatever.below }}")]
    [TestCase("{{ with .spec.database }}{{ .host }}:{{ .size }}{{ end }}")]
    [TestCase("{{ $x := .spec.database }}{{ if .spec.image }}{{ $x = .spec.extra }}{{ end }}{{ $x.unknown }}")]
    [TestCase("{{ .metadata.name }}/{{ .metadata.namespace }}/{{ .metadata.labels.app }}/{{ .metadata.generation }}")]
    [TestCase("{{ .apiVersion }} {{ .kind }} {{ .status.phase }}")]
    [TestCase("{{ .children.anything.at.all }} {{ .cross.x.y }} {{ .external.z }}")]
    [TestCase("{{ (index .spec.env 0).whatever }}")]
    [TestCase("{{ .spec.image | printf \"%s\" }}")]
    public void A_correct_or_untyped_read_passes(string template) => Errors(template).ShouldBeEmpty();

    [Test]
    public void Without_a_crd_file_nothing_is_typed() => Errors("{{ .spec.imagee }}", crd: null).ShouldBeEmpty();

    [Test]
    public void A_spec_that_preserves_unknown_fields_types_nothing_below_it()
    {
        var preserving = Crd.Replace("            spec:\n              type: object\n",
            "            spec:\n              type: object\n              x-kubernetes-preserve-unknown-fields: true\n",
            StringComparison.Ordinal);
        preserving.ShouldNotBe(Crd);
        Errors("{{ .spec.anything }}", preserving).ShouldBeEmpty();
        Errors("{{ .spec.image.tag }}", preserving).ShouldHaveSingleItem(); // a described field keeps its type
    }
}
