namespace Orkestra.Kube.Metrics;

/// <summary>
/// Observation hooks of the API client and informers; the runtime implements them with Prometheus. Every method is
/// called on the request's or the reflector's thread, concurrently from many threads, and must return quickly
/// without throwing.
/// </summary>
public interface IKubeMetrics
{
    /// <summary>One HTTP attempt finished. <paramref name="verb"/> is the Kubernetes verb (get, list, watch, create,
    /// update, patch, delete, discovery), <paramref name="method"/> the HTTP method (GET, PATCH, …),
    /// <paramref name="host"/> the server's host:port; <paramref name="code"/> the HTTP status, or 0 when no response
    /// arrived. For a watch the duration covers the response headers only.</summary>
    void RequestCompleted(string verb, string method, string host, int code, TimeSpan duration);

    /// <summary>A reflector re-listed or re-watched. <paramref name="reason"/> is one of <c>expired</c>, <c>closed</c>,
    /// <c>error</c>.</summary>
    void WatchRestarted(GroupVersionResource resource, string reason);
}

/// <summary>Discards every observation.</summary>
public sealed class NullKubeMetrics : IKubeMetrics
{
    public static readonly NullKubeMetrics Instance = new();

    private NullKubeMetrics() { }

    public void RequestCompleted(string verb, string method, string host, int code, TimeSpan duration) { }

    public void WatchRestarted(GroupVersionResource resource, string reason) { }
}
