using Orkestra.Kube;
using Orkestra.Kube.Metrics;
using Orkestra.Runtime.Observability;

namespace Orkestra.Runtime.Cluster;

/// <summary>Feeds the API client's and informers' observations into <see cref="RuntimeMetrics"/>. Thread-safe.</summary>
public sealed class KubeMetricsBridge(RuntimeMetrics metrics) : IKubeMetrics
{
    public void RequestCompleted(string verb, string method, string host, int code, TimeSpan duration) =>
        metrics.ApiRequest(method, host, code, duration);

    public void WatchRestarted(GroupVersionResource resource, string reason) =>
        metrics.WatchRestarts.WithLabels(resource.ToString()).Inc();
}
