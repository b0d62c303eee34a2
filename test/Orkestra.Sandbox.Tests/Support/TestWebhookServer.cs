using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Orkestra.Sandbox.Tests.Support;

/// <summary>One request a <see cref="TestWebhookServer"/> received: path, query and the parsed JSON body.</summary>
internal sealed record WebhookCall(string Path, string Query, JsonObject Body)
{
    public JsonObject Request => Body["request"]!.AsObject();
    public string Uid => Request["uid"]!.GetValue<string>();
    public JsonObject? Object => Request["object"] as JsonObject;
}

/// <summary>What a scripted webhook answers: a status code and a body (JSON text or raw bytes).</summary>
internal sealed record WebhookReply(int Code, byte[] Body)
{
    public static WebhookReply Json(JsonNode body, int code = 200) => new(code, Encoding.UTF8.GetBytes(body.ToJsonString()));

    public static WebhookReply Text(string body, int code = 200) => new(code, Encoding.UTF8.GetBytes(body));

    /// <summary>An AdmissionReview v1 answer to <paramref name="call"/>; a patch goes base64 with patchType JSONPatch.</summary>
    public static WebhookReply Allow(WebhookCall call, string? patch = null, params string[] warnings)
    {
        var response = new JsonObject { ["uid"] = call.Uid, ["allowed"] = true };
        if (patch is not null)
        {
            response["patchType"] = "JSONPatch";
            response["patch"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(patch));
        }
        if (warnings.Length > 0) response["warnings"] = new JsonArray(warnings.Select(w => (JsonNode?)w).ToArray());
        return Review(response);
    }

    /// <summary>A denial carrying <paramref name="status"/> (e.g. <c>{"code":403,"reason":"Forbidden","message":"..."}</c>).</summary>
    public static WebhookReply Deny(WebhookCall call, JsonObject? status, params string[] warnings)
    {
        var response = new JsonObject { ["uid"] = call.Uid, ["allowed"] = false };
        if (status is not null) response["status"] = status;
        if (warnings.Length > 0) response["warnings"] = new JsonArray(warnings.Select(w => (JsonNode?)w).ToArray());
        return Review(response);
    }

    /// <summary>A denial with a Status of <paramref name="code"/>, <paramref name="reason"/> and <paramref name="message"/>.</summary>
    public static WebhookReply Deny(WebhookCall call, int code, string reason, string message, params string[] warnings) =>
        Deny(call, new JsonObject { ["code"] = code, ["reason"] = reason, ["message"] = message }, warnings);

    public static WebhookReply Review(JsonObject response) =>
        Json(new JsonObject { ["apiVersion"] = "admission.k8s.io/v1", ["kind"] = "AdmissionReview", ["response"] = response });
}

/// <summary>
/// An HTTPS webhook on 127.0.0.1 (Kestrel, random port) whose answers each test scripts per path. Its certificate is
/// signed by a CA generated for this server (<see cref="CaBundle"/>) with the SANs the test asks for. Every call is
/// recorded; <see cref="NextCallAsync"/> awaits the next one. A handler may hang until the caller gives up.
/// </summary>
internal sealed class TestWebhookServer : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly ConcurrentDictionary<string, Func<WebhookCall, Task<WebhookReply>>> _handlers = new();
    readonly ConcurrentQueue<WebhookCall> _calls = new();
    readonly System.Threading.Channels.Channel<WebhookCall> _next = System.Threading.Channels.Channel.CreateUnbounded<WebhookCall>();
    readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    TestWebhookServer(WebApplication app, int port, string caPem)
    {
        _app = app;
        Port = port;
        CaPem = caPem;
    }

    public int Port { get; }
    public string CaPem { get; }

    /// <summary>The CA as a webhook configuration's <c>caBundle</c> (base64 of the PEM).</summary>
    public string CaBundle => Convert.ToBase64String(Encoding.UTF8.GetBytes(CaPem));

    public string Url(string path) => $"https://127.0.0.1:{Port}{path}";

    public IReadOnlyList<WebhookCall> Calls => _calls.ToList();

    /// <summary>Starts a server whose certificate names the given DNS names and IPs (default: 127.0.0.1 only).</summary>
    public static async Task<TestWebhookServer> StartAsync(string[]? dnsNames = null, IPAddress[]? ips = null)
    {
        var (certificate, caPem) = IssueCertificate(dnsNames ?? [], ips ?? [IPAddress.Loopback]);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(certificate);
            });
        });
        var app = builder.Build();
        TestWebhookServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync().WaitAsync(TestSandbox.Timeout);
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        server = new TestWebhookServer(app, bound.Port, caPem);
        return server;
    }

    /// <summary>Scripts the answers at <paramref name="path"/>.</summary>
    public void On(string path, Func<WebhookCall, WebhookReply> handler) => _handlers[path] = call => Task.FromResult(handler(call));

    public void OnAsync(string path, Func<WebhookCall, Task<WebhookReply>> handler) => _handlers[path] = handler;

    /// <summary>Answers at <paramref name="path"/> only after the client has given up (or the server stops).</summary>
    public void Hang(string path) => _handlers[path] = async _ =>
    {
        await _released.Task;
        return WebhookReply.Text("{}");
    };

    /// <summary>The next call not yet taken (bounded wait).</summary>
    public async Task<WebhookCall> NextCallAsync()
    {
        using var timeout = new CancellationTokenSource(TestSandbox.Timeout);
        return await _next.Reader.ReadAsync(timeout.Token);
    }

    async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = JsonNode.Parse(buffer.ToArray()) as JsonObject ?? new JsonObject();
        var call = new WebhookCall(context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "", body);
        _calls.Enqueue(call);
        _next.Writer.TryWrite(call);
        if (!_handlers.TryGetValue(call.Path, out var handler))
        {
            context.Response.StatusCode = 404;
            return;
        }
        var reply = await handler(call);
        context.Response.StatusCode = reply.Code;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(reply.Body);
    }

    /// <summary>A fresh CA and a server certificate it signs for the given names; returns the certificate and the CA PEM.</summary>
    public static (X509Certificate2 Certificate, string CaPem) IssueCertificate(string[] dnsNames, IPAddress[] ips)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=test-webhook-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=test-webhook", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames) san.AddDnsName(name);
        foreach (var ip in ips) san.AddIpAddress(ip);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = request.Create(ca, now.AddMinutes(-5), now.AddHours(12), RandomNumberGenerator.GetBytes(8));
        using var withKey = signed.CopyWithPrivateKey(key);
        var certificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return (certificate, ca.ExportCertificatePem());
    }

    int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _released.TrySetResult();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
