using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orkestra.Sandbox.Admission;
using Orkestra.Sandbox.Auth;
using Orkestra.Sandbox.Diagnostics;
using Orkestra.Sandbox.Faults;
using Orkestra.Sandbox.Handlers;
using Orkestra.Sandbox.Hosting;
using Orkestra.Sandbox.Lifecycle;
using Orkestra.Sandbox.Resources;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox;

/// <summary>
/// The sandbox: an in-memory Kubernetes API server on https://127.0.0.1:PORT (HTTP/1.1 and HTTP/2 via ALPN),
/// with a CA generated at start and bearer-token auth. Start one per test with <see cref="StartAsync"/>;
/// dispose (or <see cref="StopAsync"/>) to stop. Thread-safe. See docs/sandbox.md for what it simulates.
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Certificates _certificates;
    private readonly Controllers _controllers;
    private readonly WebhookClient _webhooks;
    private readonly ServiceAccountTokens _tokens;
    private int _stopped;

    private SandboxServer(WebApplication app, Certificates certificates, Controllers controllers, WebhookClient webhooks,
        ServiceAccountTokens tokens, Uri baseUrl, string token, FaultInjector faults, RequestLog log, ObjectService objects)
    {
        _tokens = tokens;
        _app = app;
        _certificates = certificates;
        _controllers = controllers;
        _webhooks = webhooks;
        BaseUrl = baseUrl;
        Token = token;
        Faults = faults;
        RequestLog = log;
        Objects = objects;
    }

    /// <summary>https://127.0.0.1:PORT/</summary>
    public Uri BaseUrl { get; }

    /// <summary>The bearer token every request must carry.</summary>
    public string Token { get; }

    /// <summary>PEM of the CA that signed the server certificate (trust it to talk to the sandbox).</summary>
    public string CaCertificatePem => _certificates.CaPem;

    /// <summary>The kubeconfig document (CA data, token, context <c>sandbox</c>, namespace <c>default</c>).</summary>
    public string Kubeconfig => Hosting.Kubeconfig.Render(BaseUrl, CaCertificatePem, Token);

    public FaultInjector Faults { get; }

    public RequestLog RequestLog { get; }

    internal ObjectService Objects { get; }

    /// <summary>A handler whose TLS validation trusts exactly this sandbox's CA, for HttpClient-based tools and tests.</summary>
    public SocketsHttpHandler CreateHttpHandler()
    {
        var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(CaCertificatePem);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) =>
        {
            if (cert is null) return false;
            using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
            chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            return chain.Build(new System.Security.Cryptography.X509Certificates.X509Certificate2(cert));
        };
        return handler;
    }

    /// <summary>Writes <see cref="Kubeconfig"/> to <paramref name="path"/> (directories created; mode 600 on Unix).</summary>
    public void WriteKubeconfig(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        File.WriteAllText(path, Kubeconfig);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public static async Task<SandboxServer> StartAsync(SandboxOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var time = options.TimeProvider;
        var token = options.Token ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        // Clients check the certificate against their own wall clock, never the injected one (a test clock may be years off).
        var certificates = Certificates.Create(TimeProvider.System.GetUtcNow());
        var registry = new ResourceRegistry(BuiltInResources.Create());
        var controllers = new Controllers(options);
        WebhookRegistry? webhookRegistry = null;
        RbacAuthorizer? authorizer = null;
        var store = new ObjectStore(options.WatchHistory, (table, e) =>
        {
            webhookRegistry?.OnCommit(table, e);
            authorizer?.OnCommit(table, e);
            controllers.OnCommit(table, e);
        });
        webhookRegistry = new WebhookRegistry(store);
        authorizer = new RbacAuthorizer(store, options.RbacAuthorization);
        var tokens = new ServiceAccountTokens(store, time);
        var webhookClient = new WebhookClient(options.WebhookServices, time);
        var converter = new CustomResourceConverter(webhookClient);
        var objects = new ObjectService(store, registry, time, new CustomResourcePipeline())
        {
            Converter = converter,
            Admission = new AdmissionChain(webhookRegistry, webhookClient, store, registry, converter),
            Escalation = options.RbacAuthorization ? new EscalationCheck(authorizer) : null,
        };
        controllers.Attach(objects);
        Bootstrap.CreateNamespaces(objects);
        var faults = new FaultInjector(store);
        var log = new RequestLog(options.RequestLogCapacity);
        if (options.RbacAuthorization) DefaultRoles.Create(objects);
        var api = new HttpApi(objects, faults, log, new Authenticator(token, tokens, authorizer), authorizer);

        // The empty builder: Kestrel and nothing else — no configuration files (and no file watcher thread), no
        // logging providers, no routing; the API is one request delegate.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(certificates.Server);
            });
        });
        var app = builder.Build();
        app.Run(api.HandleAsync);
        try
        {
            await app.StartAsync(cancellation).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            certificates.Dispose();
            webhookClient.Dispose();
            tokens.Dispose();
            throw;
        }
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var baseUrl = new Uri($"https://127.0.0.1:{bound.Port}/");
        api.ServerAddress = $"127.0.0.1:{bound.Port}";
        controllers.Start();
        return new SandboxServer(app, certificates, controllers, webhookClient, tokens, baseUrl, token, faults, log, objects);
    }

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        Faults.Reset();
        Objects.Store.CloseAllWatches();
        await _controllers.StopAsync().ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _certificates.Dispose();
        _webhooks.Dispose();
        _tokens.Dispose();
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
