using System.Text.Json;
using Orkestra.Host.Commands;
using Orkestra.Registry.Artifacts;
using Orkestra.Registry.Cache;
using Orkestra.Registry.Diagnostics;
using Orkestra.Registry.Distribution;
using Orkestra.Registry.References;
using Orkestra.Registry.Transfer;

namespace Orkestra.Registry.Tests;

/// <summary>
/// <c>ork push</c>/<c>ork pull</c> against a real distribution registry (TLS from a test CA), with skopeo as the
/// independent client on the other side. Skipped only when docker-registry or skopeo is not installed.
/// </summary>
[TestFixture, Parallelizable(ParallelScope.All)]
public sealed class RegistryCommandTests
{
    private const string Katalog = """
        apiVersion: orkestra.orkspace.io/v1
        kind: Katalog
        metadata:
          name: registry-test
          version: 1.2.3
        spec:
          crds:
            websites:
              crdFile: crds/crd.yaml
              crFiles: [cr.yaml]
              operatorBox:
                onCreate:
                  configMaps:
                    - name: "{{ .metadata.name }}-page"
                      data:
                        index.html: "hello"
        """;

    private const string Crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: websites.example.com
        spec:
          group: example.com
          names: {kind: Website, plural: websites, singular: website, listKind: WebsiteList}
          scope: Namespaced
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
        """;

    private const string Cr = "apiVersion: example.com/v1\nkind: Website\nmetadata:\n  name: demo\n";

    private static void RequireTools(bool htpasswd = false)
    {
        if (RegistryServer.MissingTool(htpasswd) is { } reason) Assert.Ignore(reason);
    }

    private static TempDirectory KatalogFolder()
    {
        var dir = new TempDirectory("ork-push-");
        dir.Write("katalog.yaml", Katalog);
        dir.Write("crds/crd.yaml", Crd);
        dir.Write("cr.yaml", Cr);
        return dir;
    }

    private sealed record Result(int Exit, string Stdout, string Stderr);

    private static Result Ork(Func<string[], TextWriter, TextWriter, Func<string, string?>, int> command, string[] args,
        Dictionary<string, string?> environment)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = command(args, stdout, stderr, name => environment.GetValueOrDefault(name));
        return new Result(exit, stdout.ToString(), stderr.ToString());
    }

    private static Result Push(string[] args, Dictionary<string, string?> env) => Ork(PushCommand.Run, args, env);
    private static Result Pull(string[] args, Dictionary<string, string?> env) => Ork(PullCommand.Run, args, env);

    [Test]
    public async Task Push_writes_a_katalog_artifact_that_skopeo_reads_and_pull_restores_the_files()
    {
        RequireTools(htpasswd: true);
        await using var registry = await RegistryServer.StartAsync(RegistryAuth.Htpasswd);
        using var source = KatalogFolder();
        using var home = new TempDirectory();
        using var output = new TempDirectory();
        var env = registry.Environment(home.Path);
        var reference = $"{registry.Host}/katalogs/website:1.2.3";

        var pushed = Push([source.Path, reference, "--source", "https://example.com/repo"], env);
        pushed.Exit.ShouldBe(0, pushed.Stderr);
        pushed.Stdout.ShouldContain($"pushed {reference}@sha256:");

        var inspect = await RegistryServer.RunAsync("skopeo", ["inspect", "--raw", .. registry.SkopeoFlags(""), $"docker://{reference}"]);
        inspect.ExitCode.ShouldBe(0, inspect.Stderr);
        using var manifest = JsonDocument.Parse(inspect.Stdout);
        var root = manifest.RootElement;
        root.GetProperty("mediaType").GetString().ShouldBe(MediaTypes.OciManifest);
        root.GetProperty("artifactType").GetString().ShouldBe(MediaTypes.KatalogArtifact);
        root.GetProperty("config").GetProperty("mediaType").GetString().ShouldBe(MediaTypes.KatalogConfig);
        root.GetProperty("annotations").GetProperty(MediaTypes.VersionAnnotation).GetString().ShouldBe("1.2.3");
        root.GetProperty("annotations").GetProperty(MediaTypes.SourceAnnotation).GetString().ShouldBe("https://example.com/repo");
        root.GetProperty("layers").EnumerateArray()
            .Select(l => l.GetProperty("annotations").GetProperty(MediaTypes.TitleAnnotation).GetString())
            .ShouldBe(["katalog.yaml", "crds/crd.yaml", "cr.yaml"]);
        pushed.Stdout.ShouldContain(Digest.Of(System.Text.Encoding.UTF8.GetBytes(inspect.Stdout)));

        var pulled = Pull([reference, "-o", output.Path], env);
        pulled.Exit.ShouldBe(0, pulled.Stderr);
        pulled.Stdout.ShouldNotContain("local cache");
        File.ReadAllText(output.File("katalog.yaml")).ShouldBe(Katalog);
        File.ReadAllText(output.File("crds/crd.yaml")).ShouldBe(Crd);
        File.ReadAllText(output.File("cr.yaml")).ShouldBe(Cr);
    }

    [Test]
    public async Task An_artifact_skopeo_copied_from_an_oci_layout_is_pulled()
    {
        RequireTools();
        await using var registry = await RegistryServer.StartAsync();
        using var layout = new TempDirectory("ork-layout-");
        using var home = new TempDirectory();
        using var output = new TempDirectory();
        var artifact = KatalogArtifact.Pack(
            [new ArtifactFile("katalog.yaml", Bytes(Katalog)), new ArtifactFile("crds/crd.yaml", Bytes(Crd)),
             new ArtifactFile("cr.yaml", Bytes(Cr))], "katalog.yaml", "registry-test", "9.9.9", null);
        WriteLayout(layout.Path, artifact, "v9");

        var copy = await RegistryServer.RunAsync("skopeo",
            ["copy", "--preserve-digests", .. registry.SkopeoFlags("dest"), $"oci:{layout.Path}:v9", $"docker://{registry.Host}/copied/katalog:v9"]);
        copy.ExitCode.ShouldBe(0, copy.Stderr);

        var pulled = Pull([$"{registry.Host}/copied/katalog:v9", "-o", output.Path], registry.Environment(home.Path));
        pulled.Exit.ShouldBe(0, pulled.Stderr);
        pulled.Stdout.ShouldContain($"@{artifact.ManifestDigest}");
        File.ReadAllText(output.File("crds/crd.yaml")).ShouldBe(Crd);
    }

    [Test]
    public async Task Chunked_uploads_tag_listing_and_bearer_tokens_work_against_the_token_flow()
    {
        RequireTools();
        await using var registry = await RegistryServer.StartAsync(RegistryAuth.Token);
        using var home = new TempDirectory();
        var big = new string('x', 5000);
        var artifact = KatalogArtifact.Pack([new ArtifactFile("katalog.yaml", Bytes(Katalog + "# " + big + "\n"))],
            "katalog.yaml", "chunked", null, null);
        var options = new RegistryClientOptions
        {
            CaFile = registry.CaFile, ChunkSize = 1024,
            Credential = new Auth.RegistryCredential(RegistryServer.User, RegistryServer.Password, "test"),
        };
        var transfer = new KatalogTransfer(options, new ArtifactCache(home.File("cache")));
        var tagged = ArtifactReference.Parse($"{registry.Host}/chunked/katalog:one", null);

        var digest = await transfer.PushAsync(artifact, tagged, Bounded.Token(TimeSpan.FromSeconds(30)));
        await transfer.PushAsync(artifact, tagged with { Tag = "two" }, Bounded.Token(TimeSpan.FromSeconds(30)));
        var tags = await transfer.ListTagsAsync(tagged, Bounded.Token());
        var pulled = await transfer.PullAsync(tagged, offline: false, Bounded.Token());

        digest.ShouldBe(artifact.ManifestDigest);
        tags.Order().ShouldBe(["one", "two"]);
        pulled.Katalog.Content.ShouldBe(artifact.Layers[0].Content);
        pulled.Digest.ShouldBe(digest);
        registry.Tokens!.Issued.ShouldBeGreaterThan(0);

        var anonymous = new KatalogTransfer(options with { Credential = null }, new ArtifactCache(home.File("other")));
        var refused = await Should.ThrowAsync<RegistryException>(() => anonymous.PullAsync(tagged, false, Bounded.Token()));
        refused.Kind.ShouldBe(RegistryErrorKind.Unauthorized);
        refused.Message.ShouldContain(tagged.ToString());
    }

    [Test]
    public async Task Missing_or_wrong_credentials_and_a_missing_tag_are_errors_naming_the_reference()
    {
        RequireTools(htpasswd: true);
        await using var registry = await RegistryServer.StartAsync(RegistryAuth.Htpasswd);
        using var source = KatalogFolder();
        using var home = new TempDirectory();
        var reference = $"{registry.Host}/auth/katalog:v1";

        var anonymous = Push([source.Path, reference], registry.Environment(home.Path, credentials: false));
        anonymous.Exit.ShouldBe(1);
        anonymous.Stderr.ShouldContain($"{reference}: the registry needs credentials (401");

        var wrong = registry.Environment(home.Path);
        wrong["ORK_REGISTRY_PASSWORD"] = "not-the-password";
        var rejected = Push([source.Path, reference], wrong);
        rejected.Exit.ShouldBe(1);
        rejected.Stderr.ShouldContain("rejected the credentials from ORK_REGISTRY_USERNAME/ORK_REGISTRY_PASSWORD");

        var dockerConfig = registry.Environment(home.Path, credentials: false);
        var auth = Convert.ToBase64String(Bytes($"{RegistryServer.User}:{RegistryServer.Password}"));
        var configDir = home.File("docker");
        Directory.CreateDirectory(configDir);
        File.WriteAllText(Path.Combine(configDir, "config.json"), "{\"auths\":{\"" + registry.Host + "\":{\"auth\":\"" + auth + "\"}}}");
        dockerConfig["DOCKER_CONFIG"] = configDir;
        var withDockerConfig = Push([source.Path, reference], dockerConfig);
        withDockerConfig.Exit.ShouldBe(0, withDockerConfig.Stderr);

        var missing = Pull([$"{registry.Host}/auth/katalog:v2", "-o", home.File("out")], registry.Environment(home.Path));
        missing.Exit.ShouldBe(1);
        missing.Stderr.ShouldContain($"{registry.Host}/auth/katalog:v2: no such tag");
    }

    [Test]
    public async Task With_the_registry_down_a_digest_comes_from_the_cache_and_a_tag_needs_offline()
    {
        RequireTools();
        await using var registry = await RegistryServer.StartAsync();
        using var source = KatalogFolder();
        using var home = new TempDirectory();
        var env = registry.Environment(home.Path);
        var tag = $"{registry.Host}/cached/katalog:v1";
        var pushed = Push([source.Path, tag], env);
        pushed.Exit.ShouldBe(0, pushed.Stderr);
        var digest = PushedDigest(pushed);
        Pull([tag, "-o", home.File("first")], env).Exit.ShouldBe(0);

        await registry.StopAsync();

        var byDigest = Pull([$"{registry.Host}/cached/katalog@{digest}", "-o", home.File("by-digest")], env);
        byDigest.Exit.ShouldBe(0, byDigest.Stderr);
        byDigest.Stdout.ShouldContain("from the local cache");
        File.ReadAllText(Path.Combine(home.File("by-digest"), "crds", "crd.yaml")).ShouldBe(Crd);

        var byTag = Pull([tag, "-o", home.File("by-tag")], env);
        byTag.Exit.ShouldBe(1);
        byTag.Stderr.ShouldContain($"{tag}: registry https://{registry.Host} is unreachable");
        byTag.Stderr.ShouldContain($"--offline uses {digest}");

        var offline = Pull([tag, "--offline", "-o", home.File("offline")], env);
        offline.Exit.ShouldBe(0, offline.Stderr);
        offline.Stdout.ShouldContain($"@{digest}");
        offline.Stdout.ShouldContain("from the local cache");
    }

    [Test]
    public async Task A_corrupted_blob_in_the_registry_is_an_error_and_never_written()
    {
        RequireTools();
        await using var registry = await RegistryServer.StartAsync();
        using var source = KatalogFolder();
        using var home = new TempDirectory();
        var env = registry.Environment(home.Path);
        var tag = $"{registry.Host}/corrupt/katalog:v1";
        Push([source.Path, tag], env).Exit.ShouldBe(0);
        var crdDigest = Digest.Of(Bytes(Crd));
        File.WriteAllText(registry.StoredBlob(crdDigest), Crd.Replace("Namespaced", "Clustered"));

        var pulled = Pull([tag, "-o", home.File("out")], env);

        pulled.Exit.ShouldBe(1);
        pulled.Stderr.ShouldContain($"{tag}@sha256:");
        pulled.Stderr.ShouldContain($"blob {crdDigest} is corrupted");
        File.Exists(Path.Combine(home.File("out"), "crds", "crd.yaml")).ShouldBeFalse();
        new ArtifactCache(ArtifactCache.DefaultRoot(n => env.GetValueOrDefault(n))).ReadBlob(crdDigest, 1 << 20).ShouldBeNull();
    }

    [Test]
    public async Task A_manifest_changed_in_the_registry_is_a_digest_mismatch()
    {
        RequireTools();
        await using var registry = await RegistryServer.StartAsync();
        using var source = KatalogFolder();
        using var home = new TempDirectory();
        var env = registry.Environment(home.Path);
        var tag = $"{registry.Host}/tampered/katalog:v1";
        var pushed = Push([source.Path, tag], env);
        pushed.Exit.ShouldBe(0, pushed.Stderr);
        var digest = PushedDigest(pushed);
        var data = registry.StoredBlob(digest);
        File.WriteAllText(data, File.ReadAllText(data).Replace("registry-test", "registry-TEST"));

        var byTag = Pull([tag, "-o", home.File("a")], env);
        byTag.Exit.ShouldBe(1);
        byTag.Stderr.ShouldContain($"{tag}: the registry announced manifest {digest}, but the bytes it sent have digest sha256:");
        var byDigest = Pull([$"{registry.Host}/tampered/katalog@{digest}", "-o", home.File("b")], env);
        byDigest.Exit.ShouldBe(1);
        byDigest.Stderr.ShouldContain($"{registry.Host}/tampered/katalog@{digest}:");
        byDigest.Stderr.ShouldContain("digest");
        Directory.Exists(home.File("a")).ShouldBeFalse();
    }

    [Test]
    public async Task An_artifact_whose_katalog_file_is_no_katalog_is_refused_after_pull()
    {
        RequireTools();
        await using var registry = await RegistryServer.StartAsync();
        using var home = new TempDirectory();
        var artifact = KatalogArtifact.Pack([new ArtifactFile("katalog.yaml", Bytes("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"))],
            "katalog.yaml", null, null, null);
        var transfer = new KatalogTransfer(new RegistryClientOptions { CaFile = registry.CaFile }, new ArtifactCache(home.File("c")));
        var reference = ArtifactReference.Parse($"{registry.Host}/configmap/katalog:v1", null);
        await transfer.PushAsync(artifact, reference, Bounded.Token());

        var pulled = Pull([reference.ToString(), "-o", home.File("out")], registry.Environment(home.Path));

        pulled.Exit.ShouldBe(1);
        pulled.Stderr.ShouldContain($"ork pull: {reference.AtDigest(artifact.ManifestDigest)}: katalog.yaml is not a valid Katalog");
    }

    [Test]
    public async Task An_image_that_is_not_a_katalog_artifact_and_an_oversized_one_are_refused()
    {
        RequireTools();
        await using var registry = await RegistryServer.StartAsync();
        using var layout = new TempDirectory("ork-layout-");
        using var home = new TempDirectory();
        var packed = KatalogArtifact.Pack([new ArtifactFile("katalog.yaml", Bytes(Katalog))], "katalog.yaml", null, null, null);
        var imageConfig = Bytes("""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}""");
        var image = packed with
        {
            Config = new Blob(new OciDescriptor("application/vnd.oci.image.config.v1+json", Digest.Of(imageConfig), imageConfig.Length),
                imageConfig),
        };
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new OciManifest(2, MediaTypes.OciManifest, null, image.Config.Descriptor,
            image.Layers.Select(l => l.Descriptor).ToList()), RegistryJson.Default.OciManifest);
        WriteLayout(layout.Path, image with { Manifest = manifest, ManifestDigest = Digest.Of(manifest) }, "img");
        var copy = await RegistryServer.RunAsync("skopeo",
            ["copy", .. registry.SkopeoFlags("dest"), $"oci:{layout.Path}:img", $"docker://{registry.Host}/other/image:img"]);
        copy.ExitCode.ShouldBe(0, copy.Stderr);

        var pulled = Pull([$"{registry.Host}/other/image:img", "-o", home.File("out")], registry.Environment(home.Path));
        pulled.Exit.ShouldBe(1);
        pulled.Stderr.ShouldContain($"{registry.Host}/other/image:img@sha256:");
        pulled.Stderr.ShouldContain("is not a Katalog artifact: its config is application/vnd.oci.image.config.v1+json");

        var small = new KatalogTransfer(new RegistryClientOptions { CaFile = registry.CaFile }, new ArtifactCache(home.File("c")), 100);
        var big = KatalogArtifact.Pack([new ArtifactFile("katalog.yaml", Bytes(Katalog))], "katalog.yaml", null, null, null);
        var reference = ArtifactReference.Parse($"{registry.Host}/big/katalog:v1", null);
        var tooLarge = await Should.ThrowAsync<RegistryException>(() => small.PushAsync(big, reference, Bounded.Token()));
        tooLarge.Kind.ShouldBe(RegistryErrorKind.TooLarge);
        var normal = new KatalogTransfer(new RegistryClientOptions { CaFile = registry.CaFile }, new ArtifactCache(home.File("c")));
        await normal.PushAsync(big, reference, Bounded.Token());
        var refused = await Should.ThrowAsync<RegistryException>(() => small.PullAsync(reference, false, Bounded.Token()));
        refused.Kind.ShouldBe(RegistryErrorKind.TooLarge);
        refused.Message.ShouldContain($"{reference.AtDigest(big.ManifestDigest)}: the artifact is");
    }

    [Test]
    public async Task A_plain_http_registry_on_loopback_is_used_without_flags()
    {
        RequireTools();
        await using var registry = await RegistryServer.StartAsync(tls: false);
        using var source = KatalogFolder();
        using var home = new TempDirectory();
        var env = registry.Environment(home.Path);

        var loopback = Push([source.Path, $"{registry.Host}/plain/katalog:v1"], env);
        loopback.Exit.ShouldBe(0, loopback.Stderr);

        var pulled = Pull([$"{registry.Host}/plain/katalog:v1", "-o", home.File("out")], env);
        pulled.Exit.ShouldBe(0, pulled.Stderr);
        File.ReadAllText(Path.Combine(home.File("out"), "cr.yaml")).ShouldBe(Cr);
    }

    /// <summary>The digest in ork push's "pushed REF@sha256:… (…)" line.</summary>
    private static string PushedDigest(Result pushed) =>
        pushed.Stdout[(pushed.Stdout.IndexOf("@sha256:", StringComparison.Ordinal) + 1)..].Split(' ')[0];

    private static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    /// <summary>An OCI image layout (image-spec image-layout.md) holding one manifest under a tag.</summary>
    private static void WriteLayout(string dir, PackedArtifact artifact, string tag)
    {
        var blobs = Path.Combine(dir, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        foreach (var blob in artifact.Layers.Append(artifact.Config))
            File.WriteAllBytes(Path.Combine(blobs, Digest.Hex(blob.Descriptor.Digest)), blob.Content);
        File.WriteAllBytes(Path.Combine(blobs, Digest.Hex(artifact.ManifestDigest)), artifact.Manifest);
        File.WriteAllText(Path.Combine(dir, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        var index = new OciIndex(2, MediaTypes.OciIndex,
            [new OciDescriptor(MediaTypes.OciManifest, artifact.ManifestDigest, artifact.Manifest.Length,
                new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = tag })]);
        File.WriteAllBytes(Path.Combine(dir, "index.json"), JsonSerializer.SerializeToUtf8Bytes(index, RegistryJson.Default.OciIndex));
    }
}
