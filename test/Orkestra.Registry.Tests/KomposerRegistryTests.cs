using Orkestra.Host.Commands;

namespace Orkestra.Registry.Tests;

/// <summary>
/// A Komposer whose <c>imports.registry</c> pulls Katalogs that <c>ork push</c> put into a real distribution registry (TLS,
/// htpasswd): by a short <c>name:version</c> against <c>ORK_REGISTRY</c>, by <c>$ENV</c> + <c>@sha256:</c> digest, next to a
/// file import and an override — checked by <c>ork validate</c>, which resolves exactly as <c>ork run</c> does. With the
/// registry down, the digest import comes from the cache, and the tag import needs <c>--offline</c>.
/// </summary>
[TestFixture, Parallelizable(ParallelScope.All)]
public sealed class KomposerRegistryTests
{
    private static string Katalog(string name, string crd, string kind) => $$"""
        apiVersion: orkestra.orkspace.io/v1
        kind: Katalog
        metadata:
          name: {{name}}
        spec:
          crds:
            {{crd}}:
              crdFile: crd.yaml
              operatorBox:
                onCreate:
                  configMaps:
                    - name: "{{"{{"}} .metadata.name {{"}}"}}-{{crd}}"
                      data: {owner: {{name}}}
        """;

    private static string Crd(string kind) => $$"""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: {{kind.ToLowerInvariant()}}s.demo.example.com
        spec:
          group: demo.example.com
          names: {kind: {{kind}}, plural: {{kind.ToLowerInvariant()}}s}
          scope: Namespaced
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
        """;

    private sealed record Result(int Exit, string Stdout, string Stderr);

    private static Result Ork(Func<string[], TextWriter, TextWriter, Func<string, string?>, int> command, string[] args,
        Dictionary<string, string?> environment)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = command(args, stdout, stderr, name => environment.GetValueOrDefault(name));
        return new Result(exit, stdout.ToString(), stderr.ToString());
    }

    private static TempDirectory KatalogFolder(string name, string crd, string kind)
    {
        var dir = new TempDirectory("ork-komposer-src-");
        dir.Write("katalog.yaml", Katalog(name, crd, kind));
        dir.Write("crd.yaml", Crd(kind));
        return dir;
    }

    [Test]
    public async Task A_komposer_imports_katalogs_from_the_registry_by_short_name_and_digest_and_validate_shows_them()
    {
        if (RegistryServer.MissingTool(needHtpasswd: true) is { } reason) Assert.Ignore(reason);
        await using var registry = await RegistryServer.StartAsync(RegistryAuth.Htpasswd);
        using var web = KatalogFolder("web", "website", "Website");
        using var db = KatalogFolder("db", "database", "Database");
        using var home = new TempDirectory();
        using var work = new TempDirectory("ork-komposer-");
        var env = registry.Environment(home.Path);
        env["ORK_REGISTRY"] = $"{registry.Host}/katalogs";
        env["REGISTRY"] = registry.Host;

        Ork(PushCommand.Run, [web.Path, $"{registry.Host}/katalogs/web:v1"], env).Exit.ShouldBe(0);
        var pushed = Ork(PushCommand.Run, [db.Path, $"{registry.Host}/katalogs/db:v2"], env);
        pushed.Exit.ShouldBe(0, pushed.Stderr);
        var digest = pushed.Stdout[(pushed.Stdout.IndexOf("@sha256:", StringComparison.Ordinal) + 1)..].Split(' ', '\n')[0].Trim();

        work.Write("local/katalog.yaml", Katalog("local", "cache", "Cache"));
        work.Write("local/crd.yaml", Crd("Cache"));
        var komposer = work.Write("komposer.yaml", $$"""
            apiVersion: orkestra.orkspace.io/v1
            kind: Komposer
            metadata:
              name: platform
            imports:
              registry:
                - url: web:v1
                  oci: true
                - url: ${REGISTRY}/katalogs/db@{{digest}}
              files:
                - local/katalog.yaml
            spec:
              crds:
                database:
                  operatorBox:
                    reconciler: {workers: 6}
            """);

        var valid = Ork(ValidateCommand.Run, ["-k", komposer], env);
        valid.Exit.ShouldBe(0, valid.Stderr);
        valid.Stdout.ShouldContain("Katalog platform is valid");
        foreach (var crd in new[] { "website", "database", "cache" }) valid.Stdout.ShouldContain($"  {crd}: demo.example.com/v1");
        var cached = Directory.GetDirectories(Path.Combine(home.Path, "ork", "katalogs"));
        cached.Length.ShouldBe(2, "each pulled artifact's files are written once, under its digest");

        var missing = work.Write("missing.yaml", """
            apiVersion: orkestra.orkspace.io/v1
            kind: Komposer
            metadata: {name: broken}
            imports:
              registry: [web:v9]
            spec:
              crds:
                website: {enabled: false}
            """);
        var bad = Ork(ValidateCommand.Run, ["-k", missing], env);
        bad.Exit.ShouldBe(1);
        bad.Stderr.ShouldContain($"{missing}:5:14: error: imports.registry[0]: {registry.Host}/katalogs/web:v9");
        bad.Stderr.ShouldContain($"{missing}:8:5: error: spec.crds.website overrides no imported CRD");

        await registry.StopAsync();

        var down = Ork(ValidateCommand.Run, ["-k", komposer], env);
        down.Exit.ShouldBe(1, "the tag needs the registry");
        down.Stderr.ShouldContain($"{komposer}:7:12: error: imports.registry[0]: {registry.Host}/katalogs/web:v1");
        down.Stderr.ShouldNotContain("imports.registry[1]", customMessage: "the digest import comes from the local cache");

        var offline = Ork(ValidateCommand.Run, ["-k", komposer, "--offline"], env);
        offline.Exit.ShouldBe(0, offline.Stderr);
    }
}
