using Orkestra.Kube.Metrics;

namespace Orkestra.Kube.Informers;

/// <summary>Settings shared by every informer of a <see cref="SharedInformerFactory"/>.</summary>
public sealed class InformerOptions
{
    /// <summary>How often every cached object is re-delivered as an update; zero disables resync.</summary>
    public TimeSpan ResyncPeriod { get; init; }

    /// <summary>Page size of the list (client-go: 500).</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>Shortest server-side watch timeout; each watch picks one in [min, 2×min) (client-go: 5 min).</summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>First delay after a failed list or watch; doubles per consecutive failure up to
    /// <see cref="MaxBackoff"/>, with equal jitter (the shared <c>Backoff</c>).</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Source of jitter in [0, 1).</summary>
    public Func<double> Random { get; init; } = System.Random.Shared.NextDouble;

    public IKubeMetrics Metrics { get; init; } = NullKubeMetrics.Instance;

    /// <summary>Reports list/watch failures (before the backoff) and handler exceptions. Must not throw.</summary>
    public Action<InformerKey, Exception>? OnError { get; init; }
}

/// <summary>What one shared informer watches: a resource, optionally one namespace (null = all), a label selector and a
/// field selector.</summary>
public readonly record struct InformerKey(GroupVersionResource Resource, string? Namespace = null, string? LabelSelector = null,
    string? FieldSelector = null)
{
    public override string ToString() =>
        $"{Resource}{(Namespace is null ? "" : " in " + Namespace)}{(LabelSelector is null ? "" : " [" + LabelSelector + "]")}" +
        (FieldSelector is null ? "" : " {" + FieldSelector + "}");
}

/// <summary>How long ago an informer last heard from the server (a list page, a watch event or bookmark, a watch the
/// server ended), and the failure of its last list or watch since then (null when none).</summary>
public readonly record struct InformerContact(TimeSpan Since, string? LastError);
