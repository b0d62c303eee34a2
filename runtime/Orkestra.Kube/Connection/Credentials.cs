using System.Net.Http.Headers;
using System.Text;

namespace Orkestra.Kube.Connection;

/// <summary>Supplies the Authorization header of each request attempt (so a rotated token is picked up). Thread-safe.</summary>
internal interface ICredentialSource
{
    ValueTask<AuthenticationHeaderValue?> GetAsync(CancellationToken cancellation);
}

/// <summary>A fixed header: a kubeconfig token or basic auth.</summary>
internal sealed class StaticCredentials(AuthenticationHeaderValue? header) : ICredentialSource
{
    public static readonly StaticCredentials None = new(null);

    public static StaticCredentials Bearer(string token) => new(new AuthenticationHeaderValue("Bearer", token));

    public static StaticCredentials Basic(string user, string password) =>
        new(new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"))));

    public ValueTask<AuthenticationHeaderValue?> GetAsync(CancellationToken cancellation) => new(header);
}

/// <summary>KubernetesClient's token providers (exec plugins, OIDC): they cache and refresh by themselves.</summary>
internal sealed class TokenProviderCredentials(k8s.Authentication.ITokenProvider provider) : ICredentialSource
{
    public async ValueTask<AuthenticationHeaderValue?> GetAsync(CancellationToken cancellation) =>
        await provider.GetAuthenticationHeaderAsync(cancellation).ConfigureAwait(false);
}

/// <summary>
/// A bearer token read from a file (the projected service account token, or a kubeconfig <c>tokenFile</c>), re-read
/// once <see cref="RefreshAfter"/> has passed since the last read so kubelet's rotation is picked up without a
/// restart. A failed re-read keeps the last good token. Thread-safe: the cached header is one volatile reference.
/// </summary>
internal sealed class FileTokenCredentials(string path, TimeProvider time) : ICredentialSource
{
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromMinutes(1);

    private sealed record Cached(AuthenticationHeaderValue Header, DateTimeOffset ReadAt);

    private volatile Cached? _cached;   // replaced whole; readers never see a torn value

    public async ValueTask<AuthenticationHeaderValue?> GetAsync(CancellationToken cancellation)
    {
        var cached = _cached;
        var now = time.GetUtcNow();
        if (cached is not null && now - cached.ReadAt < RefreshAfter) return cached.Header;
        string token;
        try
        {
            token = (await File.ReadAllTextAsync(path, cancellation).ConfigureAwait(false)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && cached is not null)
        {
            return cached.Header;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KubeConnectionException($"cannot read the service account token {path}: {e.Message}", e);
        }
        if (token.Length == 0)
        {
            if (cached is not null) return cached.Header;
            throw new KubeConnectionException($"the service account token {path} is empty");
        }
        var fresh = new Cached(new AuthenticationHeaderValue("Bearer", token), now);
        _cached = fresh;
        return fresh.Header;
    }
}
