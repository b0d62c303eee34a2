using System.Security.Cryptography.X509Certificates;
using k8s;

namespace Orkestra.Kube.Connection;

/// <summary>
/// Picks the configuration the way kubectl does: <c>--kubeconfig</c> alone when given; else every file of
/// <c>$KUBECONFIG</c> (merged, missing ones skipped); else <c>~/.kube/config</c>; else the in-cluster service account.
/// Parsing and the context/user/cluster merge are KubernetesClient.Aot's; this turns its result into a
/// <see cref="KubeEndpoint"/> and every failure into a <see cref="KubeConnectionException"/> naming the source.
/// </summary>
internal static class EndpointResolver
{
    public static KubeEndpoint Resolve(KubeConnectionOptions options)
    {
        if (!string.IsNullOrEmpty(options.KubeconfigPath))
        {
            if (!File.Exists(options.KubeconfigPath))
                throw new KubeConnectionException($"kubeconfig {options.KubeconfigPath} does not exist");
            return FromKubeconfig([options.KubeconfigPath], options);
        }
        var fromEnvironment = options.Environment("KUBECONFIG");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            var files = fromEnvironment.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Where(File.Exists).ToArray();
            if (files.Length > 0) return FromKubeconfig(files, options);
        }
        if (!string.IsNullOrEmpty(options.HomeDirectory))
        {
            var home = Path.Combine(options.HomeDirectory, ".kube", "config");
            if (File.Exists(home)) return FromKubeconfig([home], options);
        }
        if (InCluster.IsAvailable(options))
        {
            if (options.Context is not null)
                throw new KubeConnectionException(
                    $"--context {options.Context} needs a kubeconfig, but none was found (running in-cluster)");
            return InCluster.Resolve(options);
        }
        throw new KubeConnectionException(
            "no Kubernetes configuration found: pass --kubeconfig PATH, set KUBECONFIG, create ~/.kube/config, or run inside a cluster");
    }

    private static KubeEndpoint FromKubeconfig(string[] paths, KubeConnectionOptions options)
    {
        var source = string.Join(Path.PathSeparator, paths);
        KubernetesClientConfiguration config;
        try
        {
            var merged = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(paths[0]));
            foreach (var next in paths.Skip(1)) Merge(merged, KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(next)));
            if (options.Context is not null && merged.Contexts?.Any(c => c.Name == options.Context) != true)
                throw new KubeConnectionException($"kubeconfig {source}: context \"{options.Context}\" not found");
            config = KubernetesClientConfiguration.BuildConfigFromConfigObject(merged, options.Context);
        }
        catch (KubeConnectionException)
        {
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new KubeConnectionException($"kubeconfig {source}: {Describe(e)}", e);
        }
        if (!Uri.TryCreate(config.Host, UriKind.Absolute, out var server) || server.Scheme is not ("https" or "http"))
            throw new KubeConnectionException($"kubeconfig {source}: cluster server \"{config.Host}\" is not an http(s) URL");
        if (!server.AbsolutePath.EndsWith('/')) server = new Uri(server.AbsoluteUri + "/");

        X509Certificate2? clientCertificate = null;
        if (!string.IsNullOrEmpty(config.ClientCertificateData) || !string.IsNullOrEmpty(config.ClientCertificateFilePath))
        {
            try
            {
                clientCertificate = ClientCertificate(config);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new KubeConnectionException($"kubeconfig {source}: cannot load the client certificate: {Describe(e)}", e);
            }
        }
        ICredentialSource credentials =
            config.TokenProvider is { } provider ? new TokenProviderCredentials(provider)
            : !string.IsNullOrEmpty(config.AccessToken) ? StaticCredentials.Bearer(config.AccessToken)
            : !string.IsNullOrEmpty(config.Username) ? StaticCredentials.Basic(config.Username, config.Password ?? "")
            : StaticCredentials.None;
        return new KubeEndpoint(server, config.SslCaCerts ?? new X509Certificate2Collection(), clientCertificate, credentials,
            string.IsNullOrEmpty(config.Namespace) ? "default" : config.Namespace, config.SkipTlsVerify, config.TlsServerName,
            InCluster: false, Source: $"kubeconfig {source}, context {config.CurrentContext}");
    }

    /// <summary>kubectl's rule for several files: the first file to define a name (or the current context) wins.</summary>
    private static void Merge(k8s.KubeConfigModels.K8SConfiguration into, k8s.KubeConfigModels.K8SConfiguration next)
    {
        if (string.IsNullOrEmpty(into.CurrentContext)) into.CurrentContext = next.CurrentContext;
        into.Clusters = Union(into.Clusters, next.Clusters, c => c.Name);
        into.Users = Union(into.Users, next.Users, u => u.Name);
        into.Contexts = Union(into.Contexts, next.Contexts, c => c.Name);
    }

    private static List<T> Union<T>(IEnumerable<T>? first, IEnumerable<T>? second, Func<T, string> name) =>
        (first ?? []).Concat(second ?? []).DistinctBy(name, StringComparer.Ordinal).ToList();

    /// <summary>The client certificate and key from inline PEM data (base64) or files; KubernetesClient.Aot keeps its
    /// loader internal.</summary>
    private static X509Certificate2 ClientCertificate(KubernetesClientConfiguration config)
    {
        var certificate = !string.IsNullOrEmpty(config.ClientCertificateData)
            ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateData))
            : File.ReadAllText(config.ClientCertificateFilePath!);
        var key = !string.IsNullOrEmpty(config.ClientCertificateKeyData)
            ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateKeyData))
            : !string.IsNullOrEmpty(config.ClientKeyFilePath)
                ? File.ReadAllText(config.ClientKeyFilePath)
                : throw new KubeConnectionException("the user has a client certificate but no client key");
        return X509Certificate2.CreateFromPem(certificate, key);
    }

    private static string Describe(Exception e) =>
        e.InnerException is { } inner && inner.Message != e.Message ? $"{e.Message} ({inner.Message})" : e.Message;
}
