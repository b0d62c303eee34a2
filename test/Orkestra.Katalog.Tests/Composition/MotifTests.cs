using System.Text.Json;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Composition;
using Orkestra.Katalog.Rendering;

namespace Orkestra.Katalog.Tests.Composition;

/// <summary>
/// CRD-level Motif imports: a <c>kind: Motif</c>'s resources merge into the CRD's onReconcile (and resources.onCreate
/// into onCreate) at load, its <c>.inputs.NAME</c> bound from <c>with</c> (literal or one template action evaluated on the
/// CR) or the input's default; missing required inputs, unknown <c>with</c> keys and non-Motif documents are located
/// errors, attributed to the import.
/// </summary>
public class MotifTests
{
    private const string Motif = """
        apiVersion: orkestra.orkspace.io/v1
        kind: Motif
        metadata:
          name: postgres
        inputs:
          - name: image
            required: true
          - name: size
            default: 1Gi
        resources:
          configMaps:
            - name: "{{ .metadata.name }}-db"
              data:
                image: "{{ .inputs.image }}"
                size: "{{ .inputs.size }}"
          onCreate:
            secrets:
              - name: "{{ .metadata.name }}-db-password"
                data: {password: "{{ .metadata.uid }}"}
        """;

    private static string Katalog(string with) => $"""
        apiVersion: orkestra.orkspace.io/v1
        kind: Katalog
        metadata:
          name: app
        spec:
          crds:
            app:
              apiTypes: {"{"}group: demo.io, version: v1, kind: App, plural: apps{"}"}
              imports:
                - motif: ./motifs/postgres.yaml
        {Loading.TestKatalogs.Indent(with, 8)}
              operatorBox:
                onReconcile:
                  configMaps:
                    - name: "{"{{"} .metadata.name {"}}"}-own"
                      data: {"{"}a: "1"{"}"}
        """;

    private static readonly JsonElement Cr = JsonDocument.Parse("""
        {"apiVersion":"demo.io/v1","kind":"App","metadata":{"name":"a","namespace":"ns","uid":"u","generation":1},
         "spec":{"pgImage":"postgres:16"}}
        """).RootElement.Clone();

    private static KatalogCompileResult Compile(TempDirectory dir, string katalog) =>
        KatalogCompiler.CompileFiles([dir.Write("katalog.yaml", katalog)], KatalogLoadOptions.Default);

    private static string[] Errors(KatalogCompileResult result) => result.Diagnostics.Select(d => d.ToString()).ToArray();

    [Test]
    public void Motif_resources_merge_into_the_hooks_with_inputs_bound_from_with_and_defaults()
    {
        using var dir = new TempDirectory("ork-motif-");
        dir.Write("motifs/postgres.yaml", Motif);
        var result = Compile(dir, Katalog("""  with: {image: "{{ .spec.pgImage }}"}"""));
        Errors(result).ShouldBeEmpty();
        var op = result.Katalogs[0].Operators[0];
        op.OnReconcile!.Children.Count.ShouldBe(2, "the CRD's own configMap and the Motif's");
        op.OnCreate!.Children.Count.ShouldBe(1, "resources.onCreate");
        var rendered = OperatorRenderer.Render(new RenderRequest(op, Cr, []));
        rendered.Errors.ShouldBeEmpty();
        var db = rendered.Children.Single(c => c.Name == "a-db").Manifest["data"]!;
        ((string?)db["image"]).ShouldBe("postgres:16", "a one-action with value is evaluated on the CR");
        ((string?)db["size"]).ShouldBe("1Gi", "an input left out takes its default");

        var literal = Compile(dir, Katalog("""  with: {image: "postgres:15", size: 5Gi}"""));
        Errors(literal).ShouldBeEmpty();
        var data = OperatorRenderer.Render(new RenderRequest(literal.Katalogs[0].Operators[0], Cr, [])).Children
            .Single(c => c.Name == "a-db").Manifest["data"]!;
        ((string?)data["image"], (string?)data["size"]).ShouldBe(("postgres:15", "5Gi"));
    }

    [Test]
    public void A_missing_required_input_and_an_unknown_with_key_are_located_errors()
    {
        using var dir = new TempDirectory("ork-motif-");
        dir.Write("motifs/postgres.yaml", Motif);
        var errors = Errors(Compile(dir, Katalog("  with: {imag: x}")));
        var katalog = Path.Combine(dir.Path, "katalog.yaml");
        var motif = Path.Combine(dir.Path, "motifs", "postgres.yaml");
        errors.ShouldContain($"{katalog}:11:18: error: spec.crds.app.imports[0].with.imag: Motif 'postgres' has no input 'imag' "
                             + "(inputs: image, size); did you mean 'image'?");
        errors.ShouldContain($"{katalog}:10:18: error: spec.crds.app.imports[0]: Motif 'postgres' ({motif}:1:1) requires input 'image'; "
                             + "set it under spec.crds.app.imports[0].with");
    }

    [Test]
    public void Errors_inside_a_motif_are_at_its_own_location_attributed_to_the_import_and_a_non_motif_is_refused()
    {
        using var dir = new TempDirectory("ork-motif-");
        dir.Write("motifs/postgres.yaml", Motif.Replace("size: \"{{ .inputs.size }}\"", "size: \"{{ .inputs.sise }}\"",
            StringComparison.Ordinal).Replace("  configMaps:\n", "  configMapz:\n", StringComparison.Ordinal));
        var errors = Errors(Compile(dir, Katalog("  with: {image: x}")));
        var motif = Path.Combine(dir.Path, "motifs", "postgres.yaml");
        var origin = $"Motif imported by spec.crds.app.imports[0] at {Path.Combine(dir.Path, "katalog.yaml")}:10:18";
        errors.ShouldContain(e => e.StartsWith($"{motif}:15:", StringComparison.Ordinal)
                                  && e.Contains($"error: {origin}: Motif 'postgres' uses .inputs.sise", StringComparison.Ordinal));
        errors.ShouldContain(e => e.StartsWith($"{motif}:11:3: error: {origin}: ", StringComparison.Ordinal)
                                  && e.Contains("configMapz", StringComparison.Ordinal));

        dir.Write("motifs/postgres.yaml", "apiVersion: orkestra.orkspace.io/v1\nkind: Katalog\nmetadata: {name: x}\n");
        Errors(Compile(dir, Katalog("  with: {image: x}"))).ShouldContain(e => e.Contains(
            ":10:18: error: spec.crds.app.imports[0] './motifs/postgres.yaml' is not a Motif (kind Katalog at ", StringComparison.Ordinal));
    }
}
