using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Orkestra.Runtime.Observability;
using Orkestra.Runtime.Webhooks;
using Prometheus;
using static Orkestra.Runtime.Tests.Webhooks.WebhookKatalog;

namespace Orkestra.Runtime.Tests.Webhooks;

/// <summary>The listener over real HTTPS, verified with the generated CA (chain and host name), as the API server calls it.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class WebhookServerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private sealed class Running : IAsyncDisposable
    {
        public required WebhookServer Server { get; init; }
        public required WebhookCertificate Certificate { get; init; }
        public required HttpClient Http { get; init; }
        public required RuntimeMetrics Metrics { get; init; }

        public async Task<(HttpStatusCode Code, string Body)> PostAsync(string path, string body, string contentType = "application/json")
        {
            using var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            using var response = await Http.PostAsync(path, content).WaitAsync(Bound);
            return (response.StatusCode, await response.Content.ReadAsStringAsync().WaitAsync(Bound));
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await Server.DisposeAsync();
            Certificate.Dispose();
        }
    }

    private static async Task<Running> StartAsync()
    {
        var plan = Plan();
        var metrics = new RuntimeMetrics(new CollectorRegistry());
        var telemetry = new WebhookTelemetry(metrics, NullLogger.Instance);
        var certificate = WebhookCertificate.Generate(WebhookCertificate.ServiceDnsNames("orkestra", "ork-system"), DateTimeOffset.UtcNow);
        var handler = new AdmissionHandler(null, null, TimeProvider.System, telemetry);
        var server = await WebhookServer.StartAsync(IPAddress.Loopback, 0, certificate,
            new WebhookEndpoints(plan, handler, telemetry, TimeProvider.System)).WaitAsync(Bound);
        var http = TrustingOnly(certificate.CaBundlePem, server.Address);
        return new Running { Server = server, Certificate = certificate, Http = http, Metrics = metrics };
    }

    /// <summary>A client that trusts exactly <paramref name="caPem"/> and checks the host name, as kube-apiserver does.</summary>
    private static HttpClient TrustingOnly(string caPem, Uri address)
    {
        var ca = X509Certificate2.CreateFromPem(caPem);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
        return new HttpClient(handler) { BaseAddress = address, Timeout = Bound };
    }

    [Test]
    public async Task Validate_mutate_and_convert_answer_reviews_over_verified_HTTPS()
    {
        await using var running = await StartAsync();
        var invalid = Website("""{"image":"docker.io/x","replicas":7}""");
        var (code, body) = await running.PostAsync("/validate/website", Review("CREATE", invalid));
        code.ShouldBe(HttpStatusCode.OK);
        var response = JsonNode.Parse(body)!["response"]!;
        ((string?)response["uid"]).ShouldBe("u-CREATE");
        ((bool)response["allowed"]!).ShouldBeFalse();
        ((int)response["status"]!["code"]!).ShouldBe(403);
        ((string?)response["status"]!["message"]).ShouldBe("images must come from myorg/, not docker.io/x");
        response["warnings"]!.AsArray().Select(w => (string?)w).ShouldBe(["more than 5 replicas needs a review"]);

        (code, body) = await running.PostAsync("/mutate/website", Review("CREATE", Website("""{"image":"myorg/x"}""")));
        response = JsonNode.Parse(body)!["response"]!;
        ((string?)response["patchType"]).ShouldBe("JSONPatch");
        Encoding.UTF8.GetString(Convert.FromBase64String((string)response["patch"]!)).ShouldContain("\"path\":\"/spec/tier\"");

        (code, body) = await running.PostAsync("/convert/website", ConversionReview("demo.orkestra.io/v2",
            """{"apiVersion":"demo.orkestra.io/v1","kind":"Website","metadata":{"name":"a"},"spec":{"image":"i","replicas":2}}""",
            """
            {"apiVersion":"demo.orkestra.io/v2","kind":"Website","metadata":{"name":"b"},"spec":{"image":"j","scale":{"replicas":1}}}
            """));
        code.ShouldBe(HttpStatusCode.OK);
        var review = JsonNode.Parse(body)!;
        ((string?)review["kind"]).ShouldBe("ConversionReview");
        ((string?)review["response"]!["uid"]).ShouldBe("c-1");
        ((string?)review["response"]!["result"]!["status"]).ShouldBe("Success");
        var converted = review["response"]!["convertedObjects"]!.AsArray();
        converted.Select(o => (string?)o!["apiVersion"]).ShouldBe(["demo.orkestra.io/v2", "demo.orkestra.io/v2"]);
        ((int)converted[0]!["spec"]!["scale"]!["replicas"]!).ShouldBe(2);
        running.Metrics.ConversionRequests.WithLabels("Website", "v1", "v2", "success").Value.ShouldBe(1);
        running.Metrics.ConversionRequests.WithLabels("Website", "v2", "v2", "success").Value.ShouldBe(1);
        running.Metrics.WebhookRequestDuration.WithLabels("/convert/website").Count.ShouldBe(1);
    }

    [Test]
    public async Task A_failing_conversion_is_a_Failure_result_naming_the_path()
    {
        await using var running = await StartAsync();
        var (code, body) = await running.PostAsync("/convert/website", ConversionReview("demo.orkestra.io/v9",
            """{"apiVersion":"demo.orkestra.io/v1","kind":"Website","metadata":{"name":"a","namespace":"default"},"spec":{"tags":[]}}"""));
        code.ShouldBe(HttpStatusCode.OK);
        var response = JsonNode.Parse(body)!["response"]!;
        ((string?)response["result"]!["status"]).ShouldBe("Failure");
        ((string?)response["result"]!["message"])!
            .ShouldStartWith("converting Website default/a from v1 to v9: spec.crds.website.conversion.paths (katalog.yaml:");
        response["convertedObjects"]!.AsArray().Count.ShouldBe(0);
        running.Metrics.ConversionRequests.WithLabels("Website", "v1", "v9", "failure").Value.ShouldBe(1);
    }

    [TestCase("/validate/website", "{not json", 400, "the body is not valid JSON")]
    [TestCase("/validate/website", """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}""", 400,
        "request is missing or not an object")]
    [TestCase("/validate/website", """{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{}}""", 400,
        "apiVersion must be admission.k8s.io/v1, not \"admission.k8s.io/v1beta1\"")]
    [TestCase("/validate/website",
        """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","operation":"CREATE","kind":{"kind":"W"}}}""",
        400, "request.object is missing for CREATE")]
    [TestCase("/validate/website", "[1,2]", 400, "the body must be a JSON object")]
    [TestCase("/convert/website",
        """{"apiVersion":"apiextensions.k8s.io/v1","kind":"ConversionReview","request":{"uid":"x","desiredAPIVersion":"v2"}}""",
        400, "request.desiredAPIVersion must be group/version")]
    [TestCase("/validate/blog", "{}", 404, "no webhook is declared at /validate/blog")]
    [TestCase("/validate", "{}", 404, "no webhook is declared at /validate")]
    [TestCase("/convert/website", "{}", 415, "accepts application/json, not text/plain")]
    public async Task Bad_requests_get_a_status_and_a_one_line_message(string path, string body, int code, string message)
    {
        await using var running = await StartAsync();
        var (status, text) = await running.PostAsync(path, body, code == 415 ? "text/plain" : "application/json");
        ((int)status).ShouldBe(code);
        text.ShouldContain(message);
    }

    [Test]
    public async Task Oversized_and_too_deep_bodies_are_refused_and_the_server_keeps_serving()
    {
        await using var running = await StartAsync();
        var huge = new string(' ', (int)WebhookServer.MaxAdmissionBody + 1);
        var (status, text) = await running.PostAsync("/validate/website", huge);
        status.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        text.ShouldContain("larger than 8 MiB");

        var deep = new string('[', WebhookServer.MaxDepth + 5) + new string(']', WebhookServer.MaxDepth + 5);
        (status, text) = await running.PostAsync("/validate/website", deep);
        status.ShouldBe(HttpStatusCode.BadRequest);
        text.ShouldContain("depth");

        using var get = await running.Http.GetAsync("/validate/website").WaitAsync(Bound);
        get.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        (status, _) = await running.PostAsync("/validate/website", Review("CREATE", Website("""{"image":"myorg/x"}""")));
        status.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>A body without Content-Length (chunked) is read into a buffer that grows past its first 16 KiB, up to the
    /// limit; the answer carries its Content-Length.</summary>
    [Test]
    public async Task A_chunked_body_is_read_whole_and_refused_past_the_limit()
    {
        await using var running = await StartAsync();
        var padding = new string('x', 40 * 1024);
        var review = Review("CREATE", Website($$"""{"image":"docker.io/x","note":"{{padding}}"}"""));
        using (var response = await running.Http.PostAsync("/validate/website", Chunked(Encoding.UTF8.GetBytes(review))).WaitAsync(Bound))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var body = await response.Content.ReadAsByteArrayAsync().WaitAsync(Bound);
            response.Content.Headers.ContentLength.ShouldBe(body.Length);
            ((string?)JsonNode.Parse(body)!["response"]!["status"]!["message"]).ShouldBe("images must come from myorg/, not docker.io/x");
        }

        var huge = new byte[WebhookServer.MaxAdmissionBody + 1];
        huge.AsSpan().Fill((byte)' ');
        using var refused = await running.Http.PostAsync("/validate/website", Chunked(huge)).WaitAsync(Bound);
        refused.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    /// <summary>Content of unknown length: HttpClient sends it chunked.</summary>
    private static StreamContent Chunked(byte[] body)
    {
        var content = new StreamContent(new UnknownLengthStream(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    private sealed class UnknownLengthStream(byte[] body) : MemoryStream(body, writable: false)
    {
        public override bool CanSeek => false;
    }

    [Test]
    public void The_generated_certificate_names_the_service_and_loopback_and_chains_to_its_CA()
    {
        var names = WebhookCertificate.ServiceDnsNames("orkestra", "ork-system");
        using var certificate = WebhookCertificate.Generate(names, DateTimeOffset.UtcNow);
        certificate.Generated.ShouldBeTrue();
        certificate.Serving.HasPrivateKey.ShouldBeTrue();
        var san = certificate.Serving.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        san.EnumerateDnsNames().ShouldBe(
            ["orkestra", "orkestra.ork-system", "orkestra.ork-system.svc", "orkestra.ork-system.svc.cluster.local", "localhost"]);
        san.EnumerateIPAddresses().ShouldBe([IPAddress.Loopback, IPAddress.IPv6Loopback]);
        certificate.CaBundlePem.ShouldStartWith("-----BEGIN CERTIFICATE-----");
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(certificate.CaBundlePem));
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.Build(certificate.Serving).ShouldBeTrue();
        Encoding.ASCII.GetString(Convert.FromBase64String(certificate.CaBundleBase64)).ShouldBe(certificate.CaBundlePem);
    }

    [Test]
    public async Task TLS_CERT_and_TLS_KEY_files_are_loaded_and_bad_files_are_named()
    {
        var directory = Directory.CreateTempSubdirectory("ork-tls-");
        try
        {
            using var generated = WebhookCertificate.Generate(["web.example"], DateTimeOffset.UtcNow);
            var cert = Path.Combine(directory.FullName, "tls.crt");
            var key = Path.Combine(directory.FullName, "tls.key");
            await File.WriteAllTextAsync(cert, generated.Serving.ExportCertificatePem() + "\n" + generated.CaBundlePem);
            await File.WriteAllTextAsync(key, generated.Serving.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
            using var loaded = WebhookCertificate.Load(cert, key);
            loaded.Generated.ShouldBeFalse();
            loaded.Serving.Thumbprint.ShouldBe(generated.Serving.Thumbprint);
            loaded.CaBundlePem.Split("-----BEGIN CERTIFICATE-----").Length.ShouldBe(3, "every certificate of the file goes into caBundle");

            Should.Throw<WebhookCertificateException>(() => WebhookCertificate.Load(Path.Combine(directory.FullName, "missing.crt"), key))
                .Message.ShouldStartWith("TLS_CERT/TLS_KEY: ");
            await File.WriteAllTextAsync(key, "not a key");
            Should.Throw<WebhookCertificateException>(() => WebhookCertificate.Load(cert, key))
                .Message.ShouldContain("not a PEM certificate and its private key");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
