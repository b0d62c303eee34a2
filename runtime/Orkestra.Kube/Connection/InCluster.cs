using System.Security.Cryptography.X509Certificates;

namespace Orkestra.Kube.Connection;

/// <summary>
/// The in-cluster configuration: <c>KUBERNETES_SERVICE_HOST</c>/<c>_PORT</c> plus the mounted service account
/// (token, ca.crt, namespace). The token is re-read on rotation (<see cref="FileTokenCredentials"/>).
/// </summary>
internal static class InCluster
{
    public const string DefaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>True when the environment variables and the token file are present.</summary>
    public static bool IsAvailable(KubeConnectionOptions options) =>
        !string.IsNullOrEmpty(options.Environment("KUBERNETES_SERVICE_HOST"))
        && !string.IsNullOrEmpty(options.Environment("KUBERNETES_SERVICE_PORT"))
        && File.Exists(Path.Combine(options.ServiceAccountDirectory, "token"));

    public static KubeEndpoint Resolve(KubeConnectionOptions options)
    {
        var host = options.Environment("KUBERNETES_SERVICE_HOST")!;
        var port = options.Environment("KUBERNETES_SERVICE_PORT")!;
        if (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[')) host = $"[{host}]";
        if (!Uri.TryCreate($"https://{host}:{port}/", UriKind.Absolute, out var server))
            throw new KubeConnectionException(
                $"in-cluster: KUBERNETES_SERVICE_HOST \"{host}\" and KUBERNETES_SERVICE_PORT \"{port}\" do not form a URL");
        var dir = options.ServiceAccountDirectory;
        var caPath = Path.Combine(dir, "ca.crt");
        var trusted = new X509Certificate2Collection();
        try
        {
            trusted.ImportFromPemFile(caPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new KubeConnectionException($"in-cluster: cannot read the cluster CA {caPath}: {e.Message}", e);
        }
        var nsPath = Path.Combine(dir, "namespace");
        var ns = File.Exists(nsPath) ? File.ReadAllText(nsPath).Trim() : "";
        return new KubeEndpoint(server, trusted, null, new FileTokenCredentials(Path.Combine(dir, "token"), options.TimeProvider),
            ns.Length == 0 ? "default" : ns, SkipTlsVerify: false, TlsServerName: null, InCluster: true,
            Source: $"in-cluster service account ({dir})");
    }
}
