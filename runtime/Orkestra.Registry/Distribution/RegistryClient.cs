using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Orkestra.Registry.Artifacts;
using Orkestra.Registry.Auth;
using Orkestra.Registry.Diagnostics;
using Orkestra.Registry.References;

namespace Orkestra.Registry.Distribution;

/// <summary>
/// The OCI distribution protocol against one registry host: <c>/v2/</c> ping, blob HEAD/GET/upload (one PUT, or
/// POST + PATCH chunks + PUT), manifest PUT/GET by tag or digest, tag listing. Authenticates on a 401 by its
/// <c>WWW-Authenticate</c> challenge: Basic with the credential, or Bearer by fetching a token from the challenge's
/// realm for its service and scope (with the credential, if any); tokens are kept per scope. HTTPS unless the host is
/// loopback or <see cref="RegistryClientOptions.Insecure"/>: then HTTPS is tried first and plain HTTP used when the
/// server does not speak TLS. Everything read is size-bounded and digest-verified; every failure is a
/// <see cref="RegistryException"/> naming the reference. Thread-safe for concurrent calls.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private readonly RegistryClientOptions _options;
    private readonly HttpClient _http;
    private readonly Dictionary<string, string> _authorization = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private Uri? _base;

    public RegistryClient(string registry, RegistryClientOptions options, HttpMessageHandler? handler = null)
    {
        Registry = registry;
        _options = options;
        _http = new HttpClient(handler ?? CreateHandler(options), disposeHandler: true) { Timeout = options.RequestTimeout };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
    }

    public string Registry { get; }

    private bool PlainHttpAllowed(ArtifactReference? reference) =>
        _options.Insecure || (reference ?? new ArtifactReference(Registry, "x", "x", null)).IsLoopback;

    /// <summary>True when the blob exists in the repository (HEAD).</summary>
    public async Task<bool> BlobExistsAsync(ArtifactReference repo, string digest, CancellationToken ct)
    {
        using var response = await SendAsync(repo, "pull",
            () => new HttpRequestMessage(HttpMethod.Head, Path(repo, $"blobs/{digest}")), ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        EnsureSuccess(response, repo, $"blob {digest}");
        return true;
    }

    /// <summary>Uploads a blob unless the repository has it: one PUT up to the chunk size, PATCH chunks above it.</summary>
    /// <returns>False when the blob was already there.</returns>
    public async Task<bool> PushBlobAsync(ArtifactReference repo, Blob blob, CancellationToken ct)
    {
        var digest = blob.Descriptor.Digest;
        if (await BlobExistsAsync(repo, digest, ct)) return false;
        Uri location;
        using (var start = await SendAsync(repo, "pull,push",
                   () => new HttpRequestMessage(HttpMethod.Post, Path(repo, "blobs/uploads/")) { Content = new ByteArrayContent([]) }, ct))
        {
            EnsureStatus(start, repo, "starting a blob upload", HttpStatusCode.Accepted);
            location = UploadLocation(start, repo);
        }
        var content = blob.Content;
        if (content.Length > _options.ChunkSize)
        {
            for (var offset = 0; offset < content.Length; offset += _options.ChunkSize)
            {
                var length = Math.Min(_options.ChunkSize, content.Length - offset);
                var at = offset;
                var target = location;
                using var patch = await SendAsync(repo, "pull,push", () =>
                {
                    var body = new ByteArrayContent(content, at, length);
                    body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    body.Headers.TryAddWithoutValidation("Content-Range", $"{at}-{at + length - 1}");
                    return new HttpRequestMessage(HttpMethod.Patch, target) { Content = body };
                }, ct);
                EnsureStatus(patch, repo, $"uploading bytes {at}-{at + length - 1} of blob {digest}", HttpStatusCode.Accepted);
                location = UploadLocation(patch, repo);
            }
            content = [];
        }
        var put = WithQuery(location, "digest=" + Uri.EscapeDataString(digest));
        using var done = await SendAsync(repo, "pull,push", () =>
        {
            var body = new ByteArrayContent(content);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            return new HttpRequestMessage(HttpMethod.Put, put) { Content = body };
        }, ct);
        EnsureStatus(done, repo, $"completing the upload of blob {digest}", HttpStatusCode.Created);
        return true;
    }

    /// <summary>PUTs a manifest under a tag or its digest; the registry's Docker-Content-Digest must match.</summary>
    public async Task PutManifestAsync(ArtifactReference reference, byte[] manifest, string mediaType, CancellationToken ct)
    {
        var digest = Digest.Of(manifest);
        using var response = await SendAsync(reference, "pull,push", () =>
        {
            var body = new ByteArrayContent(manifest);
            body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return new HttpRequestMessage(HttpMethod.Put, Path(reference, $"manifests/{reference.ManifestReference}")) { Content = body };
        }, ct);
        EnsureStatus(response, reference, "putting the manifest", HttpStatusCode.Created);
        var announced = Header(response, "Docker-Content-Digest");
        if (announced is not null && announced != digest)
            throw new RegistryException(RegistryErrorKind.DigestMismatch,
                $"{reference}: the registry stored the manifest as {announced}, but its digest is {digest}");
    }

    /// <summary>GETs a manifest by tag or digest. Its digest is computed from the bytes and must equal the reference's
    /// digest and the registry's Docker-Content-Digest header when present.</summary>
    public async Task<(byte[] Bytes, string Digest)> GetManifestAsync(ArtifactReference reference, CancellationToken ct)
    {
        using var response = await SendAsync(reference, "pull", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, Path(reference, $"manifests/{reference.ManifestReference}"));
            request.Headers.Accept.ParseAdd(MediaTypes.OciManifest);
            request.Headers.Accept.ParseAdd(MediaTypes.OciIndex);
            return request;
        }, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
            throw new RegistryException(RegistryErrorKind.NotFound,
                $"{reference}: no such {(reference.Digest is null ? "tag" : "manifest")} in the registry");
        EnsureSuccess(response, reference, "the manifest");
        var bytes = await ReadBoundedAsync(response, _options.MaxManifestBytes, reference, "the manifest", ct);
        var digest = Digest.Of(bytes);
        if (reference.Digest is not null && reference.Digest != digest)
            throw new RegistryException(RegistryErrorKind.DigestMismatch,
                $"{reference}: the registry returned a manifest whose digest is {digest}");
        var announced = Header(response, "Docker-Content-Digest");
        if (announced is not null && announced != digest)
            throw new RegistryException(RegistryErrorKind.DigestMismatch,
                $"{reference}: the registry announced manifest {announced}, but the bytes it sent have digest {digest}");
        return (bytes, digest);
    }

    /// <summary>GETs a blob; its size and digest must be those of <paramref name="descriptor"/>.</summary>
    public async Task<byte[]> GetBlobAsync(ArtifactReference reference, OciDescriptor descriptor, CancellationToken ct)
    {
        if (descriptor.Size > _options.MaxBlobBytes)
            throw new RegistryException(RegistryErrorKind.TooLarge,
                $"{reference}: blob {descriptor.Digest} is {descriptor.Size} bytes, over the bound of {_options.MaxBlobBytes}");
        using var response = await SendAsync(reference, "pull",
            () => new HttpRequestMessage(HttpMethod.Get, Path(reference, $"blobs/{descriptor.Digest}")), ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
            throw new RegistryException(RegistryErrorKind.NotFound, $"{reference}: blob {descriptor.Digest} is missing from the registry");
        EnsureSuccess(response, reference, $"blob {descriptor.Digest}");
        var bytes = await ReadBoundedAsync(response, descriptor.Size, reference, $"blob {descriptor.Digest}", ct);
        var digest = Digest.Of(bytes);
        if (bytes.Length != descriptor.Size || digest != descriptor.Digest)
            throw new RegistryException(RegistryErrorKind.DigestMismatch,
                $"{reference}: blob {descriptor.Digest} is corrupted: {bytes.Length} bytes with digest {digest} " +
                $"(the manifest says {descriptor.Size} bytes)");
        return bytes;
    }

    /// <summary>The repository's tags (following <c>Link</c> pagination, at most 100 pages).</summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(ArtifactReference repo, CancellationToken ct)
    {
        var tags = new List<string>();
        string? next = Path(repo, "tags/list");
        for (var page = 0; next is not null && page < 100; page++)
        {
            var url = next;
            using var response = await SendAsync(repo, "pull", () => new HttpRequestMessage(HttpMethod.Get, url), ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
                throw new RegistryException(RegistryErrorKind.NotFound, $"{repo.Registry}/{repo.Repository}: no such repository");
            EnsureSuccess(response, repo, "the tag list");
            var bytes = await ReadBoundedAsync(response, _options.MaxManifestBytes, repo, "the tag list", ct);
            TagList? list;
            try
            {
                list = JsonSerializer.Deserialize(bytes, RegistryJson.Default.TagList);
            }
            catch (JsonException e)
            {
                throw new RegistryException(RegistryErrorKind.Invalid, $"{repo}: the tag list is not valid JSON ({e.Message})", e);
            }
            tags.AddRange(list?.Tags ?? []);
            next = NextLink(response);
        }
        return tags;
    }

    private static string? NextLink(HttpResponseMessage response)
    {
        var link = Header(response, "Link");
        if (link is null || !link.Contains("rel=\"next\"", StringComparison.Ordinal)) return null;
        var start = link.IndexOf('<');
        var end = link.IndexOf('>');
        return start >= 0 && end > start ? link[(start + 1)..end] : null;
    }

    private static string Path(ArtifactReference repo, string rest) => $"/v2/{repo.Repository}/{rest}";

    private Uri UploadLocation(HttpResponseMessage response, ArtifactReference repo)
    {
        var location = response.Headers.Location
            ?? throw new RegistryException(RegistryErrorKind.Invalid, $"{repo}: the registry sent no Location for the upload");
        return location.IsAbsoluteUri ? location : new Uri(_base!, location);
    }

    private static Uri WithQuery(Uri uri, string query)
    {
        var builder = new UriBuilder(uri);
        builder.Query = string.IsNullOrEmpty(builder.Query) ? query : builder.Query.TrimStart('?') + "&" + query;
        return builder.Uri;
    }

    /// <summary>Sends a request (made anew for each attempt), answering one authentication challenge.</summary>
    private async Task<HttpResponseMessage> SendAsync(ArtifactReference reference, string actions, Func<HttpRequestMessage> make,
        CancellationToken ct)
    {
        var baseUri = await BaseAsync(reference, ct);
        var scope = $"repository:{reference.Repository}:{actions}";
        HttpRequestMessage Make()
        {
            var request = make();
            if (!request.RequestUri!.IsAbsoluteUri) request.RequestUri = new Uri(baseUri, request.RequestUri);
            string? authorization;
            lock (_gate) _authorization.TryGetValue(scope, out authorization);
            if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
            return request;
        }
        var response = await SendOnceAsync(Make(), reference, ct);
        if (response.StatusCode != HttpStatusCode.Unauthorized) return response;
        var challenge = response.Headers.WwwAuthenticate.Select(h => AuthChallenge.Parse(h.ToString())).FirstOrDefault(c => c is not null);
        response.Dispose();
        string value;
        if (challenge is not null && challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            value = "Bearer " + await FetchTokenAsync(challenge, scope, reference, ct);
        else if (challenge is not null && challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)
                 && _options.Credential is { } c)
            value = "Basic " + c.BasicHeaderValue;
        else
            throw Unauthorized(reference, challenge);
        lock (_gate) _authorization[scope] = value;
        response = await SendOnceAsync(Make(), reference, ct);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw Unauthorized(reference, challenge);
        }
        return response;
    }

    private RegistryException Unauthorized(ArtifactReference reference, AuthChallenge? challenge) =>
        new(RegistryErrorKind.Unauthorized, _options.Credential is { } c
            ? $"{reference}: the registry rejected the credentials from {c.Origin} (401)"
            : $"{reference}: the registry needs credentials (401{(challenge is null ? "" : $", {challenge.Scheme} auth")}); set " +
              $"{RegistryCredentials.UsernameVariable}/{RegistryCredentials.PasswordVariable} or log in with docker/skopeo");

    private async Task<string> FetchTokenAsync(AuthChallenge challenge, string scope, ArtifactReference reference, CancellationToken ct)
    {
        var realm = challenge["realm"];
        if (realm is null || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri))
            throw new RegistryException(RegistryErrorKind.Invalid, $"{reference}: the Bearer challenge has no usable realm ('{realm}')");
        if (realmUri.Scheme != Uri.UriSchemeHttps && !(_options.Insecure || realmUri.IsLoopback))
            throw new RegistryException(RegistryErrorKind.Invalid,
                $"{reference}: the token realm {realm} is not HTTPS (use --insecure-registry to allow it)");
        var query = new List<string>();
        if (challenge["service"] is { } service) query.Add("service=" + Uri.EscapeDataString(service));
        query.Add("scope=" + Uri.EscapeDataString(scope));
        var url = WithQuery(realmUri, string.Join('&', query));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (_options.Credential is { } credential)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credential.BasicHeaderValue);
        using var response = await SendOnceAsync(request, reference, ct);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            var kind = response.StatusCode == HttpStatusCode.Forbidden ? RegistryErrorKind.Forbidden : RegistryErrorKind.Unauthorized;
            var who = _options.Credential is { } c ? $"the credentials from {c.Origin}" : "an anonymous token";
            throw new RegistryException(kind, $"{reference}: the token service {realmUri.GetLeftPart(UriPartial.Path)} refused " +
                $"{who} ({(int)response.StatusCode})");
        }
        EnsureSuccess(response, reference, "a token");
        var bytes = await ReadBoundedAsync(response, 1 << 16, reference, "the token", ct);
        try
        {
            var token = JsonSerializer.Deserialize(bytes, RegistryJson.Default.TokenResponse);
            return token?.Token ?? token?.AccessToken
                ?? throw new RegistryException(RegistryErrorKind.Invalid, $"{reference}: the token service answered without a token");
        }
        catch (JsonException e)
        {
            throw new RegistryException(RegistryErrorKind.Invalid, $"{reference}: the token answer is not valid JSON ({e.Message})", e);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, ArtifactReference reference, CancellationToken ct)
    {
        using (request)
        {
            try
            {
                return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            }
            catch (HttpRequestException e)
            {
                throw new RegistryException(RegistryErrorKind.Unreachable,
                    $"{reference}: registry {request.RequestUri!.GetLeftPart(UriPartial.Authority)} is unreachable ({Reason(e)})", e);
            }
            catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
            {
                throw new RegistryException(RegistryErrorKind.Unreachable,
                    $"{reference}: registry {Registry} did not answer within {_options.RequestTimeout.TotalSeconds:0}s", e);
            }
        }
    }

    private static string Reason(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return inner == e ? e.Message : $"{e.Message} {inner.Message}";
    }

    /// <summary>The scheme and authority, decided once: HTTPS, or plain HTTP where allowed and the server has no TLS.</summary>
    private async Task<Uri> BaseAsync(ArtifactReference reference, CancellationToken ct)
    {
        if (_base is not null) return _base;
        var https = new Uri($"https://{Registry}/");
        if (!PlainHttpAllowed(reference)) return _base = https;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(https, "/v2/"));
            using var probe = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            return _base = https;
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            return _base = new Uri($"http://{Registry}/");
        }
        catch (HttpRequestException)
        {
            return https; // unreachable: the request itself reports it
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, long limit, ArtifactReference reference,
        string what, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength is { } length && length > limit)
            throw new RegistryException(RegistryErrorKind.TooLarge, $"{reference}: {what} is {length} bytes, over the bound of {limit}");
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
                throw new RegistryException(RegistryErrorKind.TooLarge, $"{reference}: {what} is over the bound of {limit} bytes");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static void EnsureStatus(HttpResponseMessage response, ArtifactReference reference, string what, HttpStatusCode expected)
    {
        EnsureSuccess(response, reference, what);
        if (response.StatusCode != expected)
            throw new RegistryException(RegistryErrorKind.Invalid,
                $"{reference}: {what}: the registry answered {(int)response.StatusCode}, expected {(int)expected}");
    }

    private static void EnsureSuccess(HttpResponseMessage response, ArtifactReference reference, string what)
    {
        if (response.IsSuccessStatusCode) return;
        var status = (int)response.StatusCode;
        var kind = response.StatusCode switch
        {
            HttpStatusCode.Forbidden => RegistryErrorKind.Forbidden,
            HttpStatusCode.Unauthorized => RegistryErrorKind.Unauthorized,
            HttpStatusCode.NotFound => RegistryErrorKind.NotFound,
            HttpStatusCode.RequestEntityTooLarge => RegistryErrorKind.TooLarge,
            _ => RegistryErrorKind.Invalid,
        };
        var verb = kind == RegistryErrorKind.Forbidden ? "denied access to" : "failed on";
        throw new RegistryException(kind, $"{reference}: the registry {verb} {what} ({status} {response.ReasonPhrase})");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static SocketsHttpHandler CreateHandler(RegistryClientOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.RequestTimeout, PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        X509Certificate2Collection? roots = null;
        if (options.CaFile is not null)
        {
            roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(options.CaFile);
        }
        if (options.Insecure || roots is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (options.Insecure || errors == SslPolicyErrors.None) return true;
                if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
                using var custom = new X509Chain();
                custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                custom.ChainPolicy.CustomTrustStore.AddRange(roots!);
                custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                if (chain is not null) custom.ChainPolicy.ExtraStore.AddRange(chain.ChainElements.Select(e => e.Certificate).ToArray());
                var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                return custom.Build(leaf);
            };
        }
        return handler;
    }

    public void Dispose() => _http.Dispose();
}
