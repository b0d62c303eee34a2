using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Composition;
using Orkestra.Katalog.Model;

namespace Orkestra.Katalog.Tests.Composition;

/// <summary>
/// <c>kind: Komposer</c>: imports.files and imports.registry (through a fake <see cref="IKatalogRegistry"/>), the merge
/// rules of schema §7 (registry → files → inline; inline spec.crds are overrides only, field by field; enabled: false;
/// the same CRD or field from two imports; an override naming no import; Komposer imports and cycles), errors of
/// imported documents at their own location attributed to the import.
/// </summary>
public class KomposerTests
{
    private static string Katalog(string name, string crd, string kind, string extra = "", string crdBody = "") => $"""
        apiVersion: orkestra.orkspace.io/v1
        kind: Katalog
        metadata:
          name: {name}
        {extra}
        spec:
          crds:
            {crd}:
              apiTypes: {"{"}group: demo.example.com, version: v1, kind: {kind}, plural: {kind.ToLowerInvariant()}s{"}"}
        {TestKatalogsIndent(crdBody, 6)}
              operatorBox:
                onCreate:
                  configMaps:
                    - name: "{"{{"} .metadata.name {"}}"}-{crd}"
                      data: {"{"}owner: {name}{"}"}
        """;

    private static string TestKatalogsIndent(string text, int spaces) => Loading.TestKatalogs.Indent(text, spaces);

    private static KatalogCompileResult Compile(TempDirectory dir, string komposer, KatalogLoadOptions? options = null)
    {
        var path = dir.Write("komposer.yaml", komposer);
        return KatalogCompiler.CompileFiles([path], options ?? KatalogLoadOptions.Default);
    }

    private static string[] Errors(KatalogCompileResult result) => result.Diagnostics.Select(d => d.ToString()).ToArray();

    private const string Head = """
        apiVersion: orkestra.orkspace.io/v1
        kind: Komposer
        metadata:
          name: platform

        """;

    [Test]
    public void File_imports_merge_into_one_katalog_with_field_by_field_overrides_and_enabled_false()
    {
        using var dir = new TempDirectory("ork-komposer-");
        dir.Write("katalogs/web.yaml", Katalog("web", "website", "Website"));
        dir.Write("katalogs/db.yaml", Katalog("db", "database", "Database"));
        dir.Write("katalogs/cache.yaml", Katalog("cache", "cache", "Cache"));
        var result = Compile(dir, Head + """
            imports:
              files:
                - ./katalogs/web.yaml
                - katalogs/db.yaml
                - katalogs/cache.yaml
            spec:
              crds:
                website:
                  operatorBox:
                    reconciler: {workers: 8}
                cache:
                  enabled: false
            """);
        Errors(result).ShouldBeEmpty();
        var katalog = result.Katalogs.ShouldHaveSingleItem();
        katalog.Name.ShouldBe("platform");
        katalog.Operators.Select(o => o.Name).ShouldBe(["website", "database", "cache"]);
        var website = katalog.Operators[0];
        website.Reconciler.Workers.ShouldBe(8);
        website.OnCreate.ShouldNotBeNull().Children.Count.ShouldBe(1, "the override replaced one field, not the box");
        katalog.Operators[2].Settings.Enabled.ShouldBeFalse();
        katalog.Operators[1].Settings.Enabled.ShouldBeTrue();
        katalog.Source.Sources.Select(s => (s.Kind, s.Reference, s.KatalogName)).ShouldBe([
            (KatalogSourceKind.File, Path.Combine(dir.Path, "katalogs/web.yaml"), "web"),
            (KatalogSourceKind.File, Path.Combine(dir.Path, "katalogs/db.yaml"), "db"),
            (KatalogSourceKind.File, Path.Combine(dir.Path, "katalogs/cache.yaml"), "cache")]);
        katalog.Source.Sources.ShouldAllBe(s => s.Digest.StartsWith("sha256:") && s.Digest.Length == 71);
    }

    [Test]
    public void Sources_is_an_alias_of_imports_and_both_at_once_is_an_error()
    {
        using var dir = new TempDirectory("ork-komposer-");
        dir.Write("web.yaml", Katalog("web", "website", "Website"));
        Errors(Compile(dir, Head + "sources:\n  files: [web.yaml]\n")).ShouldBeEmpty();
        var both = Errors(Compile(dir, Head + "imports:\n  files: [web.yaml]\nsources:\n  files: [web.yaml]\n"));
        both.ShouldContain(e => e.Contains("komposer.yaml:7:1: error: 'sources' and 'imports' mean the same")
                                && e.Contains("imports at ") && e.Contains("komposer.yaml:5:1"));
    }

    [Test]
    public void The_same_crd_from_two_imports_names_both_locations()
    {
        using var dir = new TempDirectory("ork-komposer-");
        dir.Write("a.yaml", Katalog("a", "website", "Website"));
        dir.Write("b.yaml", Katalog("b", "website", "Website"));
        var errors = Errors(Compile(dir, Head + "imports:\n  files: [a.yaml, b.yaml]\n"));
        var error = errors.ShouldHaveSingleItem();
        error.ShouldStartWith(Path.Combine(dir.Path, "b.yaml") + ":8:5: error: imported by imports.files[1] at ");
        error.ShouldContain("CRD 'website' is imported twice");
        error.ShouldContain($"first, at {Path.Combine(dir.Path, "a.yaml")}:8:5");
    }

    [Test]
    public void A_field_set_by_two_imports_is_an_error_unless_the_komposer_sets_it()
    {
        using var dir = new TempDirectory("ork-komposer-");
        dir.Write("a.yaml", Katalog("a", "website", "Website", "security:\n  serviceName: web-svc"));
        dir.Write("b.yaml", Katalog("b", "database", "Database", "security:\n  serviceName: db-svc"));
        var error = Errors(Compile(dir, Head + "imports:\n  files: [a.yaml, b.yaml]\n")).ShouldHaveSingleItem();
        error.ShouldStartWith(Path.Combine(dir.Path, "b.yaml") + ":6:3: error: imported by imports.files[1]");
        error.ShouldContain($"security.serviceName is set by two imports: here and at {Path.Combine(dir.Path, "a.yaml")}:6:3");

        var won = Compile(dir, Head + "imports:\n  files: [a.yaml, b.yaml]\nsecurity:\n  serviceName: platform-svc\n");
        Errors(won).ShouldBeEmpty();
        won.Katalogs[0].Source.Security!.ServiceName.ShouldBe("platform-svc");
    }

    [Test]
    public void An_override_naming_no_imported_crd_is_an_error_listing_the_imports()
    {
        using var dir = new TempDirectory("ork-komposer-");
        dir.Write("a.yaml", Katalog("a", "website", "Website"));
        var error = Errors(Compile(dir, Head + "imports:\n  files: [a.yaml]\nspec:\n  crds:\n    websites:\n      enabled: false\n"))
            .ShouldHaveSingleItem();
        error.ShouldStartWith(Path.Combine(dir.Path, "komposer.yaml") + ":9:5: error: spec.crds.websites overrides no imported CRD");
        error.ShouldContain($"imported: website ({Path.Combine(dir.Path, "a.yaml")}:8:5)");
        error.ShouldContain("did you mean 'website'?");
    }

    [Test]
    public void A_komposer_importing_a_komposer_and_a_cycle_are_errors()
    {
        using var dir = new TempDirectory("ork-komposer-");
        dir.Write("a.yaml", Katalog("a", "website", "Website"));
        dir.Write("inner.yaml", Head + "imports:\n  files: [a.yaml]\n");
        var nested = Errors(Compile(dir, Head + "imports:\n  files: [inner.yaml]\n")).ShouldHaveSingleItem();
        nested.ShouldContain("komposer.yaml:6:11: error: imports.files[0] 'inner.yaml' is a Komposer (kind at ");
        nested.ShouldContain($"{Path.Combine(dir.Path, "inner.yaml")}:2:7");

        var self = Errors(Compile(dir, Head + "imports:\n  files: [komposer.yaml]\n"));
        self.ShouldContain(e => e.Contains("komposer.yaml:6:11: error: import cycle: komposer.yaml → komposer.yaml"));

        dir.Write("back.yaml", Head + "imports:\n  files: [komposer.yaml]\n");
        var cycle = Errors(Compile(dir, Head + "imports:\n  files: [back.yaml]\n"));
        cycle.ShouldContain(e => e.Contains("error: import cycle: komposer.yaml → back.yaml → komposer.yaml"));
        cycle.ShouldContain(e => e.Contains("'back.yaml' is a Komposer"));
    }

    [Test]
    public void Errors_of_an_imported_katalog_are_at_their_own_location_attributed_to_the_import()
    {
        using var dir = new TempDirectory("ork-komposer-");
        dir.Write("k/a.yaml", Katalog("a", "website", "Website", crdBody: "replicaz: 2\nlabels: {tier: \"{{ .spec.tier | nosuchfn }}\"}"));
        var errors = Errors(Compile(dir, Head + "imports:\n  files:\n    - k/a.yaml\n"));
        var file = Path.Combine(dir.Path, "k/a.yaml");
        var origin = $"imported by imports.files[0] at {Path.Combine(dir.Path, "komposer.yaml")}:7:7";
        errors.ShouldContain(e => e.StartsWith($"{file}:10:7: error: {origin}: unknown key 'replicaz'", StringComparison.Ordinal));
        errors.ShouldContain(e => e.StartsWith($"{file}:11:", StringComparison.Ordinal) && e.Contains($"error: {origin}: ")
                                  && e.Contains("nosuchfn"), "template errors (compile stage) are attributed too");
    }

    [Test]
    public void Imported_relative_paths_resolve_against_the_imported_katalogs_folder()
    {
        using var dir = new TempDirectory("ork-komposer-");
        dir.Write("k/crd.yaml", """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: websites.demo.example.com}
            spec:
              group: demo.example.com
              names: {kind: Website, plural: websites}
              scope: Namespaced
              versions: [{name: v1, served: true, storage: true}]
            """);
        dir.Write("k/a.yaml", Katalog("a", "website", "Website", crdBody: "crdFile: crd.yaml"));
        var result = Compile(dir, Head + "imports:\n  files: [k/a.yaml]\n");
        Errors(result).ShouldBeEmpty();
        result.Katalogs[0].Operators[0].Settings.CrdFile.ShouldBe(Path.Combine(dir.Path, "k", "crd.yaml"));
    }

    [Test]
    public void Katalog_wide_defaults_of_an_import_apply_to_its_own_crds_only()
    {
        using var dir = new TempDirectory("ork-komposer-");
        dir.Write("a.yaml", Katalog("a", "website", "Website", "crossAccess: false").Replace("spec:\n", "spec:\n  finalizers: [a.example.com/cleanup]\n",
            StringComparison.Ordinal));
        dir.Write("b.yaml", Katalog("b", "database", "Database"));
        var result = Compile(dir, Head + "imports:\n  files: [a.yaml, b.yaml]\n");
        Errors(result).ShouldBeEmpty();
        var (web, db) = (result.Katalogs[0].Operators[0], result.Katalogs[0].Operators[1]);
        web.Finalizers.ShouldBe(["a.example.com/cleanup"]);
        db.Finalizers.ShouldNotContain("a.example.com/cleanup");
        web.Settings.CrossAccess.ShouldBeFalse();
        db.Settings.CrossAccess.ShouldBeTrue();
    }

    [Test]
    public void Helm_imports_https_files_unset_variables_and_missing_files_are_located_errors()
    {
        using var dir = new TempDirectory("ork-komposer-");
        var errors = Errors(Compile(dir, Head + """
            imports:
              helm:
                - {repo: https://charts.example.com, chart: web}
              files:
                - https://example.com/katalog.yaml
                - $ORK_TEST_UNSET_DIR/katalog.yaml
                - missing.yaml
            """, KatalogLoadOptions.Default with { Environment = _ => null }));
        var file = Path.Combine(dir.Path, "komposer.yaml");
        var (helm, https, missing) = ($"{file}:6:3: error: ", $"{file}:9:7: error: ", $"{file}:11:7: error: ");
        errors.ShouldContain(helm + "not supported yet: imports.helm (render the chart to a Katalog file and import it under imports.files)");
        errors.ShouldContain(e => e.StartsWith(https + "not supported yet: remote imports.files[0]", StringComparison.Ordinal));
        errors.ShouldContain($"{file}:10:7: error: imports.files[1] uses $ORK_TEST_UNSET_DIR, which is not set in the environment");
        errors.ShouldContain(e => e.StartsWith(missing + "imports.files[2] 'missing.yaml' not found", StringComparison.Ordinal));
    }

    [Test]
    public void Environment_variables_expand_in_import_references()
    {
        using var dir = new TempDirectory("ork-komposer-");
        dir.Write("k/a.yaml", Katalog("a", "website", "Website"));
        var options = KatalogLoadOptions.Default with { Environment = n => n == "KATALOGS" ? Path.Combine(dir.Path, "k") : null };
        var result = Compile(dir, Head + "imports:\n  files: [\"${KATALOGS}/a.yaml\"]\n", options);
        Errors(result).ShouldBeEmpty();
        result.Katalogs[0].Operators.ShouldHaveSingleItem().Name.ShouldBe("website");
    }

    [Test]
    public void A_katalog_with_imports_is_told_that_only_a_komposer_imports()
    {
        using var dir = new TempDirectory("ork-komposer-");
        var path = dir.Write("katalog.yaml", Katalog("a", "website", "Website", "imports:\n  files: [b.yaml]"));
        var error = Errors(KatalogCompiler.CompileFiles([path])).ShouldHaveSingleItem();
        error.ShouldContain(":5:1: error: imports is only valid on kind: Komposer");
    }

    private sealed class FakeRegistry(Dictionary<string, (string Dir, string Digest)> artifacts) : IKatalogRegistry
    {
        public List<string> Pulled { get; } = [];

        public PulledKatalog Pull(string reference)
        {
            Pulled.Add(reference);
            if (!artifacts.TryGetValue(reference, out var a)) throw new KatalogSourceException($"{reference}: manifest unknown (404)");
            return new PulledKatalog($"{reference}@{a.Digest}", a.Digest, a.Dir, "katalog.yaml", FromCache: false);
        }
    }

    [Test]
    public void Registry_imports_merge_before_files_and_their_errors_name_reference_and_digest()
    {
        using var dir = new TempDirectory("ork-komposer-");
        var digest = "sha256:" + new string('a', 64);
        dir.Write("pulled/katalog.yaml", Katalog("db", "database", "Database", crdBody: "replicaz: 1"));
        dir.Write("web.yaml", Katalog("web", "website", "Website"));
        var registry = new FakeRegistry(new() { ["registry.example/katalogs/db:v1"] = (Path.Combine(dir.Path, "pulled"), digest) });
        var result = Compile(dir, Head + """
            imports:
              files: [web.yaml]
              registry:
                - url: registry.example/katalogs/db:v1
                  oci: true
                - oci://registry.example/katalogs/missing:v2
            """, KatalogLoadOptions.Default with { Registry = registry });
        registry.Pulled.ShouldBe(["registry.example/katalogs/db:v1", "registry.example/katalogs/missing:v2"]);
        var errors = Errors(result);
        errors.ShouldContain(e => e.StartsWith($"registry.example/katalogs/db:v1@{digest}/katalog.yaml:10:7: error: imported from "
                                               + $"registry.example/katalogs/db:v1@{digest} by imports.registry[0] at ", StringComparison.Ordinal)
                                  && e.Contains(": unknown key 'replicaz'", StringComparison.Ordinal));
        errors.ShouldContain($"{Path.Combine(dir.Path, "komposer.yaml")}:10:7: error: imports.registry[1]: "
                             + "registry.example/katalogs/missing:v2: manifest unknown (404)");

        dir.Write("pulled/katalog.yaml", Katalog("db", "database", "Database"));
        var good = Compile(dir, Head + "imports:\n  files: [web.yaml]\n  registry: [registry.example/katalogs/db:v1]\n",
            KatalogLoadOptions.Default with { Registry = registry });
        Errors(good).ShouldBeEmpty();
        good.Katalogs[0].Operators.Select(o => o.Name).ShouldBe(["database", "website"], "registry → files");
        var source = good.Katalogs[0].Source.Sources[0];
        (source.Kind, source.Reference, source.Digest).ShouldBe((KatalogSourceKind.Registry, $"registry.example/katalogs/db:v1@{digest}", digest));
    }

    [Test]
    public void A_registry_import_without_a_registry_client_is_a_located_error()
    {
        using var dir = new TempDirectory("ork-komposer-");
        var error = Errors(Compile(dir, Head + "imports:\n  registry: [registry.example/db:v1]\n")).ShouldHaveSingleItem();
        error.ShouldContain("komposer.yaml:6:14: error: imports.registry[0] 'registry.example/db:v1': no registry client");
    }
}
