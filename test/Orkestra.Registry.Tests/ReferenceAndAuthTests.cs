using System.Net;
using System.Text;
using Orkestra.Registry.Artifacts;
using Orkestra.Registry.Auth;
using Orkestra.Registry.Cache;
using Orkestra.Registry.Diagnostics;
using Orkestra.Registry.Distribution;
using Orkestra.Registry.References;

namespace Orkestra.Registry.Tests;

/// <summary>Reference parsing, credentials lookup, challenge parsing, the HTTPS rule and the cache, without a registry.</summary>
[TestFixture, Parallelizable(ParallelScope.All)]
public sealed class ReferenceAndAuthTests
{
    private static readonly string SomeDigest = "sha256:" + new string('a', 64);

    [TestCase("ghcr.io/org/katalogs/web:1.0", "ghcr.io", "org/katalogs/web", "1.0", null)]
    [TestCase("localhost:5000/web:v1", "localhost:5000", "web", "v1", null)]
    [TestCase("127.0.0.1:5000/a/b@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "127.0.0.1:5000", "a/b", null,
        "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [TestCase("postgres:1.2", "registry.example.com", "katalogs/postgres", "1.2", null)]
    [TestCase("team/postgres:1.2", "registry.example.com", "katalogs/team/postgres", "1.2", null)]
    public void References_parse_with_short_names_against_the_default_registry(string text, string registry, string repository,
        string? tag, string? digest)
    {
        var reference = ArtifactReference.Parse(text, "registry.example.com/katalogs");
        reference.ShouldBe(new ArtifactReference(registry, repository, tag, digest));
    }

    [Test]
    public void A_reference_with_tag_and_digest_uses_the_digest_and_prints_both()
    {
        var reference = ArtifactReference.Parse($"r.io/web:v1@{SomeDigest}", null);
        reference.ManifestReference.ShouldBe(SomeDigest);
        reference.ToString().ShouldBe($"r.io/web:v1@{SomeDigest}");
    }

    [TestCase("web:1.0", null, "names no registry host and ORK_REGISTRY is not set")]
    [TestCase("r.io/web", null, "names no :tag and no @sha256: digest")]
    [TestCase("r.io/Web:1", null, "repository 'Web' must be lowercase")]
    [TestCase("r.io/web:-x", null, "tag '-x' is not")]
    [TestCase("r.io/web@sha256:abc", null, "digest 'sha256:abc' is not sha256:")]
    [TestCase("https://r.io/web:1", null, "a reference has no scheme")]
    public void Bad_references_say_which_part_is_wrong(string text, string? defaultRegistry, string message)
    {
        Should.Throw<FormatException>(() => ArtifactReference.Parse(text, defaultRegistry)).Message.ShouldContain(message);
    }

    [TestCase("localhost:5000", true)]
    [TestCase("127.0.0.1:5000", true)]
    [TestCase("[::1]:5000", true)]
    [TestCase("registry.example.com", false)]
    [TestCase("10.0.0.1:5000", false)]
    public void Loopback_hosts_are_recognised(string registry, bool loopback) =>
        new ArtifactReference(registry, "r", "t", null).IsLoopback.ShouldBe(loopback);

    [Test]
    public void Credentials_come_from_the_environment_first_then_the_docker_config()
    {
        using var dir = new TempDirectory();
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:pa:ss"));
        dir.Write("docker/config.json",
            "{\"auths\":{\"https://r.example.com/v1/\":{\"auth\":\"" + auth + "\"},\"other.io\":{\"auth\":\"eDp5\"}}}");
        var env = new Dictionary<string, string?> { ["DOCKER_CONFIG"] = dir.File("docker") };

        var fromFile = RegistryCredentials.Find("r.example.com", n => env.GetValueOrDefault(n))!;
        fromFile.Username.ShouldBe("alice");
        fromFile.Password.ShouldBe("pa:ss");
        fromFile.Origin.ShouldContain("auths.https://r.example.com/v1/");
        RegistryCredentials.Find("unknown.io", n => env.GetValueOrDefault(n)).ShouldBeNull();

        env["ORK_REGISTRY_USERNAME"] = "bob";
        env["ORK_REGISTRY_PASSWORD"] = "pw";
        RegistryCredentials.Find("r.example.com", n => env.GetValueOrDefault(n))!.Username.ShouldBe("bob");
    }

    [Test]
    public void A_broken_docker_config_is_an_error_naming_the_file()
    {
        using var dir = new TempDirectory();
        var path = dir.Write(".docker/config.json", """{"auths":{"r.io":{"auth":"%%%"}}}""");
        var env = new Dictionary<string, string?> { ["HOME"] = dir.Path };
        Should.Throw<FormatException>(() => RegistryCredentials.Find("r.io", n => env.GetValueOrDefault(n)))
            .Message.ShouldBe($"{path}: auths.r.io.auth is not base64");
    }

    [Test]
    public void Bearer_challenges_parse_quoted_parameters()
    {
        var challenge = AuthChallenge.Parse(
            "Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:a/b:pull,push\"")!;
        challenge.Scheme.ShouldBe("Bearer");
        challenge["realm"].ShouldBe("https://auth.example.com/token");
        challenge["service"].ShouldBe("registry.example.com");
        challenge["scope"].ShouldBe("repository:a/b:pull,push");
        AuthChallenge.Parse("Basic realm=x")!["realm"].ShouldBe("x");
    }

    [Test]
    public async Task A_non_loopback_registry_is_asked_over_https_only_and_insecure_falls_back_to_http()
    {
        var reference = ArtifactReference.Parse($"registry.example.com/web@{SomeDigest}", null);
        var secure = new RecordingHandler(failTls: true);
        using (var client = new RegistryClient(reference.Registry, new RegistryClientOptions(), secure))
        {
            var e = await Should.ThrowAsync<RegistryException>(() => client.GetManifestAsync(reference, Bounded.Token()));
            e.Kind.ShouldBe(RegistryErrorKind.Unreachable);
        }
        secure.Requests.ShouldAllBe(u => u.Scheme == "https");

        var insecure = new RecordingHandler(failTls: true);
        using (var client = new RegistryClient(reference.Registry, new RegistryClientOptions { Insecure = true }, insecure))
        {
            var e = await Should.ThrowAsync<RegistryException>(() => client.GetManifestAsync(reference, Bounded.Token()));
            e.Kind.ShouldBe(RegistryErrorKind.NotFound);
        }
        insecure.Requests.Last().ToString().ShouldBe($"http://registry.example.com/v2/web/manifests/{SomeDigest}");
    }

    [Test]
    public void The_cache_verifies_what_it_reads_and_drops_a_corrupted_blob()
    {
        using var dir = new TempDirectory();
        var cache = new ArtifactCache(dir.Path);
        var content = Encoding.UTF8.GetBytes("kind: Katalog\n");
        var digest = Digest.Of(content);
        cache.WriteBlob(digest, content);
        cache.ReadBlob(digest, 1024).ShouldBe(content);

        File.WriteAllText(cache.BlobPath(digest), "kind: Other\n");
        cache.ReadBlob(digest, 1024).ShouldBeNull();
        File.Exists(cache.BlobPath(digest)).ShouldBeFalse();
        Should.Throw<ArgumentException>(() => cache.WriteBlob(SomeDigest, content));
    }

    [TestCase("../escape.yaml")]
    [TestCase("/etc/passwd")]
    [TestCase("a/./b.yaml")]
    [TestCase("c:\\x.yaml")]
    public void A_layer_title_outside_the_artifact_is_refused(string title)
    {
        var packed = KatalogArtifact.Pack([new ArtifactFile("katalog.yaml", [1])], "katalog.yaml", null, null, null);
        var json = Encoding.UTF8.GetString(packed.Manifest).Replace("\"katalog.yaml\"", $"\"{title.Replace("\\", "\\\\")}\"");
        Should.Throw<RegistryException>(() => KatalogArtifact.ReadManifest(Encoding.UTF8.GetBytes(json), "r.io/x:1"))
            .Message.ShouldStartWith("r.io/x:1: file '");
    }

    [Test]
    public async Task A_403_is_a_forbidden_error_naming_the_reference()
    {
        var reference = ArtifactReference.Parse("registry.example.com/web:v1", null);
        using var client = new RegistryClient(reference.Registry, new RegistryClientOptions(), new StatusHandler(HttpStatusCode.Forbidden));
        var e = await Should.ThrowAsync<RegistryException>(() => client.GetManifestAsync(reference, Bounded.Token()));
        e.Kind.ShouldBe(RegistryErrorKind.Forbidden);
        e.Message.ShouldBe("registry.example.com/web:v1: the registry denied access to the manifest (403 Forbidden)");
    }

    private sealed class StatusHandler(HttpStatusCode status) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status));
    }

    /// <summary>Records request URIs; HTTPS fails as a TLS handshake would, HTTP answers 404.</summary>
    private sealed class RecordingHandler(bool failTls) : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests) Requests.Add(request.RequestUri!);
            if (failTls && request.RequestUri!.Scheme == "https")
                throw new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
        }
    }
}
