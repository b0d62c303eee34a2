using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Http.Resilience;
using Orkestra.Kube.Client;

namespace Orkestra.Kube.Connection;

/// <summary>
/// One authenticated, rate-limited, retrying HTTP channel to one API server, built once from
/// <see cref="KubeConnectionOptions"/>. The handler chain, outermost first: retry pipeline
/// (<see cref="RetryPolicy"/>) → <see cref="AttemptHandler"/> (rate limit, credentials, metrics, TLS error text) →
/// <see cref="SocketsHttpHandler"/> with <see cref="ServerCertificatePolicy"/> (HTTP/2 preferred, HTTP/1.1 fallback).
/// Thread-safe; share one per process. Disposing it closes every connection.
/// </summary>
public sealed class KubeConnection : IDisposable
{
    private readonly HttpClient _http;

    private KubeConnection(HttpClient http, KubeEndpoint endpoint, KubeConnectionOptions options)
    {
        _http = http;
        Server = endpoint.Server;
        Namespace = endpoint.Namespace;
        InCluster = endpoint.InCluster;
        Source = endpoint.Source;
        Options = options;
    }

    /// <summary>Resolves the configuration (see <see cref="KubeConnectionOptions.KubeconfigPath"/>) and builds the transport.
    /// Throws <see cref="KubeConnectionException"/> when no usable configuration is found.</summary>
    public static KubeConnection Create(KubeConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Create(EndpointResolver.Resolve(options), options);
    }

    internal static KubeConnection Create(KubeEndpoint endpoint, KubeConnectionOptions options)
    {
        ServerCertificatePolicy? tls = null;
        var primary = options.PrimaryHandler;
        if (primary is null)
        {
            tls = new ServerCertificatePolicy(endpoint.TrustedCertificates, endpoint.SkipTlsVerify);
            primary = CreateSocketsHandler(endpoint, tls);
        }
        var attempt = new AttemptHandler(new ClientRateLimiter(options.Qps, options.Burst, options.TimeProvider), endpoint.Credentials,
            tls, options.Metrics, options.TimeProvider) { InnerHandler = primary };
        var retry = new ResilienceHandler(RetryPolicy.Build(options)) { InnerHandler = attempt };
        var http = new HttpClient(retry, disposeHandler: true)
        {
            BaseAddress = endpoint.Server,
            Timeout = Timeout.InfiniteTimeSpan,   // watches stream for minutes; the client bounds every other request
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
        return new KubeConnection(http, endpoint, options);
    }

    private static SocketsHttpHandler CreateSocketsHandler(KubeEndpoint endpoint, ServerCertificatePolicy tls)
    {
        var ssl = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = tls.Validate };
        if (!string.IsNullOrEmpty(endpoint.TlsServerName)) ssl.TargetHost = endpoint.TlsServerName;
        if (endpoint.ClientCertificate is { } certificate) ssl.ClientCertificates = new X509CertificateCollection { certificate };
        return new SocketsHttpHandler
        {
            SslOptions = ssl,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            EnableMultipleHttp2Connections = true,     // many watches on one server: more than one stream limit's worth
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(15),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        };
    }

    /// <summary>The API server's base URL.</summary>
    public Uri Server { get; }

    /// <summary>The namespace of the current context (or the pod's namespace in-cluster); "default" when unset.</summary>
    public string Namespace { get; }

    /// <summary>True when the configuration came from the in-cluster service account.</summary>
    public bool InCluster { get; }

    /// <summary>Where the configuration came from, for logs ("kubeconfig PATH, context NAME" or "in-cluster ...").</summary>
    public string Source { get; }

    internal KubeConnectionOptions Options { get; }

    /// <summary>The underlying client. Requests made directly bypass the dynamic client's error mapping.</summary>
    public HttpClient HttpClient => _http;

    /// <summary>A dynamic JSON client over this connection.</summary>
    public IKubeClient CreateClient() => new DynamicKubeClient(_http, Options);

    /// <summary>Discovery-based REST mapping over this connection (one cache per mapper).</summary>
    public IRestMapper CreateRestMapper() => new DiscoveryRestMapper(_http, Options);

    /// <summary>Asks the API server for <c>/version</c> (readable by every authenticated client): the check that the
    /// cluster is reachable, its certificate verifies and our credentials are accepted. Throws what the request threw.</summary>
    public Task CheckReachableAsync(CancellationToken cancellation) =>
        new DynamicKubeClient(_http, Options).GetDiscoveryAsync("version", cancellation);

    public void Dispose() => _http.Dispose();
}
