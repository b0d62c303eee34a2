using Orkestra.Kube.Client;
using Orkestra.Kube.Connection;

namespace Orkestra.Kube.Tests.Support;

/// <summary>Builds a connection whose network is a <see cref="ScriptedHandler"/>.</summary>
public static class Fakes
{
    internal static readonly Uri Server = new("https://fake.invalid:6443/");

    internal static KubeConnection Connection(ScriptedHandler network, ManualTimeProvider? time = null, int maxRetries = 3, double qps = 0,
        Orkestra.Kube.Metrics.IKubeMetrics? metrics = null)
    {
        var options = new KubeConnectionOptions
        {
            PrimaryHandler = network,
            TimeProvider = time ?? new ManualTimeProvider { AutoFireUpTo = TimeSpan.FromSeconds(45) },
            Random = () => 0.5,
            // Beyond AutoFireUpTo: retry delays fire at once, the request deadline only when a test moves the clock that far.
            RequestTimeout = TimeSpan.FromMinutes(2),
            MaxRetries = maxRetries,
            Qps = qps,
            Metrics = metrics ?? Orkestra.Kube.Metrics.NullKubeMetrics.Instance,
        };
        var endpoint = new KubeEndpoint(Server, new(), null, StaticCredentials.Bearer("t0ken"), "default", false, null, false, "test");
        return KubeConnection.Create(endpoint, options);
    }

    internal static IKubeClient Client(ScriptedHandler network, ManualTimeProvider? time = null, int maxRetries = 3) =>
        Connection(network, time, maxRetries).CreateClient();

    /// <summary>Every await in tests is bounded by this.</summary>
    public static CancellationToken Timeout(int seconds = 20) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
