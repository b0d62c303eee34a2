using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.Sandbox.Api;

namespace Orkestra.Sandbox.Admission;

/// <summary>
/// Posts review objects to webhooks as kube-apiserver's webhook client does: HTTPS only, the server certificate
/// verified against the endpoint's <c>caBundle</c> (or the system roots) including the host name, <c>?timeout=Ns</c>
/// on the URL and that timeout enforced on the sandbox's clock, <c>service</c> hosts (<c>NAME.NAMESPACE.svc:PORT</c>)
/// connected through <see cref="SandboxOptions.WebhookServices"/> while TLS still checks the service name. Responses
/// are bounded (<see cref="MaxResponseBytes"/>, <see cref="MaxResponseDepth"/>). Every failure is a
/// <see cref="WebhookCallException"/> whose text follows Go's client (<c>Post "URL": dial tcp ...: connect: connection
/// refused</c>). One <see cref="HttpClient"/> per distinct caBundle, created on first use and kept. Thread-safe.
/// </summary>
internal sealed class WebhookClient : IDisposable
{
    /// <summary>Largest response body read (kube's request limit, 3 MiB); larger answers are a call failure.</summary>
    public const int MaxResponseBytes = 3 * 1024 * 1024;

    /// <summary>Deepest JSON nesting accepted in a response (room for any object the sandbox stores, inside a review).</summary>
    public const int MaxResponseDepth = 512;

    private const int MaxClients = 64;
    private static readonly JsonDocumentOptions ResponseOptions = new() { MaxDepth = MaxResponseDepth, AllowDuplicateProperties = false };
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    private readonly Dictionary<string, HttpClient?> _clients = new(StringComparer.Ordinal);   // guarded by itself; null: unusable caBundle
    private readonly IReadOnlyDictionary<string, string> _services;
    private readonly TimeProvider _time;

    public WebhookClient(IReadOnlyDictionary<string, string> services, TimeProvider time)
    {
        _services = services;
        _time = time;
    }

    /// <summary>
    /// POSTs <paramref name="body"/> (JSON) to <paramref name="endpoint"/> and returns the response object of a 2xx answer
    /// that carries <c>kind</c>. <paramref name="timeout"/> bounds the whole exchange and is announced as <c>?timeout=</c>.
    /// </summary>
    public async Task<JsonObject> PostAsync(WebhookEndpoint endpoint, byte[] body, TimeSpan timeout)
    {
        var client = ClientFor(endpoint.CaBundlePem) ?? throw new WebhookCallException(WebhookCallStage.Client,
            "unable to load root certificates: unable to parse bytes as PEM block");
        var url = WithTimeout(endpoint.Text, timeout);
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = JsonType;
        request.Headers.Accept.ParseAdd("application/json, */*");
        request.Headers.UserAgent.ParseAdd("kube-apiserver-admission");
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token)
                .ConfigureAwait(false);
            var bytes = await ReadBoundedAsync(response.Content, deadline.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new WebhookCallException(WebhookCallStage.Call, StatusText((int)response.StatusCode, bytes));
            return Decode(bytes);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new WebhookCallException(WebhookCallStage.Call, $"Post \"{url}\": context deadline exceeded");
        }
        catch (HttpRequestException e)
        {
            throw new WebhookCallException(WebhookCallStage.Call, $"Post \"{url}\": {Describe(e)}");
        }
    }

    private static string WithTimeout(string url, TimeSpan timeout)
    {
        var seconds = (long)Math.Ceiling(timeout.TotalSeconds);
        return $"{url}?timeout={seconds.ToString(CultureInfo.InvariantCulture)}s";
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellation)
    {
        if (content.Headers.ContentLength is > MaxResponseBytes) throw TooLarge();
        await using var stream = await content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var n = await stream.ReadAsync(chunk, cancellation).ConfigureAwait(false);
            if (n == 0) return buffer.ToArray();
            if (buffer.Length + n > MaxResponseBytes) throw TooLarge();
            buffer.Write(chunk, 0, n);
        }
    }

    private static WebhookCallException TooLarge() =>
        new(WebhookCallStage.Call, $"the webhook response is larger than {MaxResponseBytes.ToString(CultureInfo.InvariantCulture)} bytes");

    private static JsonObject Decode(byte[] bytes)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes, documentOptions: ResponseOptions);
        }
        catch (JsonException e)
        {
            throw new WebhookCallException(WebhookCallStage.Call, $"couldn't get version/kind; json parse error: {e.Message}");
        }
        if (node is not JsonObject obj)
        {
            throw new WebhookCallException(WebhookCallStage.Call,
                "couldn't get version/kind; json parse error: the response is not a JSON object");
        }
        if (string.IsNullOrEmpty(Json.Str(obj, "kind")))
            throw new WebhookCallException(WebhookCallStage.Call, $"Object 'Kind' is missing in '{Excerpt(bytes)}'");
        return obj;
    }

    /// <summary>client-go's text for a non-2xx answer (a Status body's message when there is one).</summary>
    private static string StatusText(int code, byte[] body)
    {
        try
        {
            if (body.Length > 0 && JsonNode.Parse(body, documentOptions: ResponseOptions) is JsonObject status &&
                Json.Str(status, "kind") == "Status" && Json.Str(status, "message") is { Length: > 0 } message)
            {
                return message;
            }
        }
        catch (JsonException)
        {
            // not a Status: fall through to the generic text
        }
        return code switch
        {
            400 => "the server rejected our request for an unknown reason",
            401 => "the server has asked for the client to provide credentials",
            403 => "the server does not allow access to the requested resource",
            404 => "the server could not find the requested resource",
            405 => "the server does not allow this method on the requested resource",
            429 => "the server has received too many requests and has asked us to try again later",
            503 => "the server is currently unable to handle the request",
            _ => $"an error on the server (\"{(body.Length == 0 ? "unknown" : Excerpt(body))}\") has prevented the request from succeeding",
        };
    }

    private static string Excerpt(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 1024));
        return bytes.Length > 1024 ? text + "..." : text;
    }

    /// <summary>The Go-style reason inside a transport failure: our own connect/TLS texts, EOF, or .NET's message.</summary>
    private static string Describe(HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is WebhookTransportException transport) return transport.Message;
        }
        return e.HttpRequestError switch
        {
            HttpRequestError.ResponseEnded => "EOF",
            HttpRequestError.InvalidResponse => $"net/http: HTTP/1.x transport connection broken: {e.InnerException?.Message ?? e.Message}",
            _ => e.InnerException?.Message ?? e.Message,
        };
    }

    // ------------------------------------------------------------------ clients

    private HttpClient? ClientFor(string? caBundlePem)
    {
        var key = caBundlePem ?? "";
        lock (_clients)
        {
            if (_clients.TryGetValue(key, out var existing)) return existing;
            var client = Create(caBundlePem);
            if (_clients.Count >= MaxClients)
            {
                // A sandbox never needs this many trust stores; forget one rather than grow without bound (a client
                // still in use keeps working; its idle connections close after the idle timeout).
                _clients.Remove(_clients.Keys.First());
            }
            _clients[key] = client;
            return client;
        }
    }

    private HttpClient? Create(string? caBundlePem)
    {
        X509Certificate2Collection? roots = null;
        if (caBundlePem is not null)
        {
            roots = new X509Certificate2Collection();
            try
            {
                roots.ImportFromPem(caBundlePem);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                return null;
            }
            if (roots.Count == 0) return null;
        }
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = DecompressionMethods.None,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
            Verify(sender, certificate, chain, errors, roots);
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>TCP connect: service hosts through the configured map, others as named; failures in Go's words.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellation)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        var target = $"{host}:{port.ToString(CultureInfo.InvariantCulture)}";
        if (_services.TryGetValue(target, out var mapped))
        {
            var colon = mapped.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(mapped.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port))
                throw new WebhookTransportException($"dial tcp: address {mapped}: missing port in address");
            host = mapped[..colon].Trim('[', ']');
            target = mapped;
        }
        else if (host.EndsWith(".svc", StringComparison.OrdinalIgnoreCase))
        {
            throw new WebhookTransportException($"dial tcp: lookup {host}: no such host (the sandbox has no cluster DNS: map " +
                $"{target} to a loopback address with SandboxOptions.WebhookServices or ork sandbox --webhook-service)");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            EndPoint endpoint = IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port);
            await socket.ConnectAsync(endpoint, cancellation).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new WebhookTransportException(e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => $"dial tcp {target}: connect: connection refused",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"dial tcp: lookup {host}: no such host",
                _ => $"dial tcp {target}: {e.Message}",
            });
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Certificate check: host name first, then the chain to the caBundle (Go's order and texts).</summary>
    private static bool Verify(object sender, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors,
        X509Certificate2Collection? roots)
    {
        const string Prefix = "tls: failed to verify certificate: ";
        if (certificate is null) throw new WebhookTransportException("tls: server did not provide a certificate");
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            throw new WebhookTransportException(Prefix + HostnameError(leaf, (sender as SslStream)?.TargetHostName ?? ""));
        if (roots is null)
        {
            if (errors != SslPolicyErrors.None)
                throw new WebhookTransportException(Prefix + "x509: certificate signed by unknown authority");
            return true;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span))
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        if (chain.Build(leaf)) return true;
        var expired = chain.ChainStatus.Any(s => s.Status.HasFlag(X509ChainStatusFlags.NotTimeValid));
        throw new WebhookTransportException(Prefix + (expired
            ? "x509: certificate has expired or is not yet valid"
            : "x509: certificate signed by unknown authority"));
    }

    /// <summary>Go's <c>x509.HostnameError</c> text.</summary>
    private static string HostnameError(X509Certificate2 certificate, string host)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        var dns = san?.EnumerateDnsNames().ToList() ?? [];
        var ips = san?.EnumerateIPAddresses().Select(a => a.ToString()).ToList() ?? [];
        string valid;
        if (IPAddress.TryParse(host.Trim('[', ']'), out _))
        {
            if (ips.Count == 0) return $"x509: cannot validate certificate for {host} because it doesn't contain any IP SANs";
            valid = string.Join(", ", ips);
        }
        else
        {
            valid = string.Join(", ", dns);
        }
        return valid.Length == 0
            ? $"x509: certificate is not valid for any names, but wanted to match {host}"
            : $"x509: certificate is valid for {valid}, not {host}";
    }

    public void Dispose()
    {
        lock (_clients)
        {
            foreach (var client in _clients.Values) client?.Dispose();
            _clients.Clear();
        }
    }
}

/// <summary>Where a webhook call failed: building the client (kube's "could not get REST client") or the call itself.</summary>
internal enum WebhookCallStage { Client, Call }

/// <summary>A webhook that could not be called or answered garbage; <see cref="Exception.Message"/> is the Go-style reason.</summary>
internal sealed class WebhookCallException(WebhookCallStage stage, string message) : Exception(message)
{
    public WebhookCallStage Stage { get; } = stage;
}

/// <summary>A connect or TLS failure raised inside the handler, carried out through HttpRequestException.</summary>
internal sealed class WebhookTransportException(string message) : Exception(message);
