using Orkestra.Kube.Metrics;

namespace Orkestra.Kube.Connection;

/// <summary>
/// How to find and talk to the API server. Resolved once by <see cref="KubeConnection.Create"/>; later changes to
/// this object have no effect on a connection already created.
/// </summary>
public sealed class KubeConnectionOptions
{
    /// <summary><c>--kubeconfig PATH</c>: used alone when set; otherwise <c>$KUBECONFIG</c>, <c>~/.kube/config</c>,
    /// then in-cluster.</summary>
    public string? KubeconfigPath { get; init; }

    /// <summary><c>--context NAME</c>; null uses the kubeconfig's current-context.</summary>
    public string? Context { get; init; }

    /// <summary>Sustained client-side request rate (token refill per second); 0 or less disables the limiter. client-go
    /// default: 5.</summary>
    public double Qps { get; init; } = 5;

    /// <summary>Requests allowed in a burst above <see cref="Qps"/>. client-go default: 10.</summary>
    public int Burst { get; init; } = 10;

    /// <summary>Retries after the first attempt for transient failures (429, 5xx, connection errors).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>Base of the jittered exponential retry backoff.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Upper bound of one retry delay, including a server's Retry-After.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The default <see cref="RequestTimeout"/>: a quarter of the runtime's 2-minute reconcile timeout, so a
    /// response that never arrives fails that request and the reconcile retries, instead of holding it.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one non-watch request (all attempts together; <c>ork run --kube-api-timeout</c>). Watches are
    /// bounded by their own timeoutSeconds.</summary>
    public TimeSpan RequestTimeout { get; init; } = DefaultRequestTimeout;

    public string UserAgent { get; init; } = "orkestra-aot";

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Source of jitter in [0, 1); tests inject a seeded one.</summary>
    public Func<double> Random { get; init; } = System.Random.Shared.NextDouble;

    public IKubeMetrics Metrics { get; init; } = NullKubeMetrics.Instance;

    /// <summary>Environment lookup (tests replace it); defaults to the process environment.</summary>
    internal Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Home directory for <c>~/.kube/config</c> (tests replace it).</summary>
    internal string? HomeDirectory { get; init; } = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);

    /// <summary>Directory holding the in-cluster service account files (tests replace it).</summary>
    internal string ServiceAccountDirectory { get; init; } = InCluster.DefaultServiceAccountDirectory;

    /// <summary>Innermost handler (tests replace the network); null builds the verifying
    /// <see cref="System.Net.Http.SocketsHttpHandler"/>.</summary>
    internal HttpMessageHandler? PrimaryHandler { get; init; }
}
