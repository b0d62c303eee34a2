using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orkestra.Katalog.Compilation;
using Orkestra.Kube.Client;
using Orkestra.Kube.Connection;
using Orkestra.Runtime.Observability;
using Orkestra.Runtime.Reconciliation;
using Orkestra.Templating.Values;

namespace Orkestra.Runtime.Webhooks;

/// <summary>
/// The webhooks of one <c>ork run</c>: nothing at all when the Katalogs declare none; otherwise the certificate, the
/// HTTPS listener (served by every replica, leader or not) and the registrations. <see cref="StartAsync"/> serves, then
/// registers each Katalog (failures are logged: the operators run anyway and reconcile still enforces every rule);
/// <see cref="StopAsync"/> removes what was registered. Registration needs an address the API server can reach: the
/// Service inside a cluster, <c>--webhook-url</c>, or <c>https://127.0.0.1:PORT</c> when the API server itself is on
/// loopback (the sandbox); otherwise the webhooks are served but not registered, and the log says so.
/// </summary>
public sealed class WebhookHost : IAsyncDisposable
{
    private readonly WebhookPlan _plan;
    private readonly WebhookCertificate _certificate;
    private readonly WebhookServer _server;
    private readonly WebhookRegistrar _registrar;
    private readonly IReadOnlyDictionary<string, WebhookTarget> _targets;
    private readonly ILogger _log;

    private WebhookHost(WebhookPlan plan, WebhookCertificate certificate, WebhookServer server, WebhookRegistrar registrar,
        IReadOnlyDictionary<string, WebhookTarget> targets, ILogger log)
    {
        _plan = plan;
        _certificate = certificate;
        _server = server;
        _registrar = registrar;
        _targets = targets;
        _log = log;
    }

    public WebhookPlan Plan => _plan;

    public Uri Address => _server.Address;

    /// <summary>The CA bundle (PEM) clients verify the listener with.</summary>
    public string CaBundlePem => _certificate.CaBundlePem;

    /// <summary>Null when no Katalog declares anything to serve. Throws <see cref="WebhookCertificateException"/> for unusable
    /// TLS files and <see cref="IOException"/> when the port cannot be bound.</summary>
    public static async Task<WebhookHost?> StartAsync(IReadOnlyList<CompiledKatalog> katalogs, WebhookOptions options, IPAddress bind,
        KubeConnection connection, IKubeClient client, ExternalCalls? external, Func<CompiledOperator, JsonElement, TemplateValue?>? cross,
        RuntimeMetrics metrics, ILogger log, TimeProvider time, CancellationToken cancellation)
    {
        var plan = WebhookPlan.For(katalogs, options);
        foreach (var note in plan.Notes) Log.WebhookNote(log, note);
        if (plan.IsEmpty) return null;

        var @namespace = options.Namespace ?? connection.Namespace;
        var services = plan.Katalogs.ToDictionary(k => k.Katalog.Name,
            k => k.Katalog.Source.Security?.Webhooks.ServiceName ?? k.Katalog.Source.Security?.ServiceName ?? options.ServiceName,
            StringComparer.Ordinal);
        // Clients check the certificate against their own clock, never an injected one.
        var certificate = options.CertificateFile is { } file
            ? WebhookCertificate.Load(file, options.KeyFile!)
            : WebhookCertificate.Generate(services.Values.Distinct().SelectMany(s => WebhookCertificate.ServiceDnsNames(s, @namespace)),
                TimeProvider.System.GetUtcNow());
        WebhookServer server;
        var telemetry = new WebhookTelemetry(metrics, log);
        try
        {
            var endpoints = new WebhookEndpoints(plan, new AdmissionHandler(external, cross, time, telemetry), telemetry, time);
            server = await WebhookServer.StartAsync(bind, options.Port, certificate, endpoints, cancellation).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            certificate.Dispose();
            throw new IOException($"cannot listen on webhook port {options.Port}: {e.Message}", e);
        }
        var source = certificate.Generated ? "certificate generated in memory" : $"certificate {options.CertificateFile}";
        Log.WebhooksServing(log, server.Address.ToString(), source, string.Join(" ", plan.Routes.Keys.Order(StringComparer.Ordinal)));

        var targets = new Dictionary<string, WebhookTarget>(StringComparer.Ordinal);
        string? unreachable = null;
        foreach (var k in plan.Katalogs)
        {
            var port = server.Address.Port;
            if (options.AdvertisedUrl is { } url) targets[k.Katalog.Name] = WebhookTarget.Url(url);
            else if (connection.InCluster) targets[k.Katalog.Name] = WebhookTarget.Service(@namespace, services[k.Katalog.Name], port);
            else if (IsLoopback(connection.Server)) targets[k.Katalog.Name] = WebhookTarget.Url(new Uri($"https://127.0.0.1:{port}/"));
            else unreachable = $"the API server {connection.Server} runs elsewhere and cannot reach this process at 127.0.0.1; " +
                               "pass --webhook-url";
        }
        var host = new WebhookHost(plan, certificate, server, new WebhookRegistrar(client, log), targets, log);
        if (unreachable is not null) Log.WebhooksNotRegistered(log, unreachable);
        foreach (var k in plan.Katalogs.Where(k => targets.ContainsKey(k.Katalog.Name)))
        {
            try
            {
                await host._registrar.RegisterAsync(k, targets[k.Katalog.Name], certificate, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException)
            {
                Log.WebhookRegistrationFailed(log, $"Katalog {k.Katalog.Name}: {e.Message}");
            }
        }
        return host;
    }

    /// <summary>Removes what <see cref="StartAsync"/> registered (bounded; failures are logged, the stop goes on).</summary>
    public async Task StopAsync(CancellationToken bound)
    {
        foreach (var k in _plan.Katalogs.Where(k => _targets.ContainsKey(k.Katalog.Name)))
        {
            try
            {
                await _registrar.UnregisterAsync(k, _targets[k.Katalog.Name], _certificate, bound).ConfigureAwait(false);
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or TimeoutException or OperationCanceledException)
            {
                Log.WebhookRegistrationFailed(_log, $"could not remove the registrations of Katalog {k.Katalog.Name}: {e.Message} " +
                    $"(ork cleanup -k removes them)");
            }
        }
    }

    private static bool IsLoopback(Uri server) =>
        server.IsLoopback || (IPAddress.TryParse(server.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync().ConfigureAwait(false);
        _certificate.Dispose();
    }
}
