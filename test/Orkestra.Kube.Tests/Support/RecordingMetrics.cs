using System.Collections.Concurrent;
using Orkestra.Kube.Metrics;

namespace Orkestra.Kube.Tests.Support;

public sealed class RecordingMetrics : IKubeMetrics
{
    readonly ConcurrentQueue<(string Verb, int Code)> _requests = new();
    readonly ConcurrentQueue<(GroupVersionResource Resource, string Reason)> _restarts = new();

    public IReadOnlyList<(string Verb, int Code)> Requests => _requests.ToList();

    public IReadOnlyList<(GroupVersionResource Resource, string Reason)> Restarts => _restarts.ToList();

    public void RequestCompleted(string verb, string method, string host, int code, TimeSpan duration) => _requests.Enqueue((verb, code));

    public void WatchRestarted(GroupVersionResource resource, string reason) => _restarts.Enqueue((resource, reason));
}
