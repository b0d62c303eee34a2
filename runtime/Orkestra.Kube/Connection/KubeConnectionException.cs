namespace Orkestra.Kube.Connection;

/// <summary>
/// The API server could not be reached or trusted, or no usable configuration was found: a kubeconfig problem,
/// a TLS verification failure, a refused connection. The message names the file, context, host or certificate.
/// </summary>
public sealed class KubeConnectionException : Exception
{
    public KubeConnectionException(string message) : base(message) { }

    public KubeConnectionException(string message, Exception inner) : base(message, inner) { }
}
