namespace Orkestra.Kube.Client;

/// <summary>Parameters of a list (and the selector part of a watch). Null means "not sent".</summary>
public sealed record ListOptions
{
    public static readonly ListOptions None = new();

    /// <summary>Label selector text, e.g. <c>orkestra.orkspace.io/managed=true</c>.</summary>
    public string? LabelSelector { get; init; }

    /// <summary>Field selector text, e.g. <c>metadata.name=w1</c>.</summary>
    public string? FieldSelector { get; init; }

    /// <summary>Page size; the server answers with <c>metadata.continue</c> while more remain.</summary>
    public int? Limit { get; init; }

    public string? Continue { get; init; }

    /// <summary>"0" = any cached state; unset = a consistent (most recent) read.</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>Drop <c>metadata.managedFields</c> from every returned item (what informers store).</summary>
    public bool WithoutManagedFields { get; init; }
}

/// <summary>Parameters of a watch.</summary>
public sealed record WatchOptions
{
    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>Start after this version (from a list or the last event); unset = synthetic ADDED for the current state first.</summary>
    public string? ResourceVersion { get; init; }

    public bool AllowBookmarks { get; init; }

    /// <summary>The server ends the stream cleanly after this long.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Drop <c>metadata.managedFields</c> from every event object.</summary>
    public bool WithoutManagedFields { get; init; }
}

/// <summary>How a PATCH body is interpreted.</summary>
public enum PatchType
{
    /// <summary>RFC 7386 JSON merge patch (<c>application/merge-patch+json</c>).</summary>
    Merge,

    /// <summary>RFC 6902 JSON patch, a JSON array of operations (<c>application/json-patch+json</c>).</summary>
    Json,

    /// <summary>Kubernetes strategic merge patch (<c>application/strategic-merge-patch+json</c>; built-in kinds only).</summary>
    StrategicMerge,

    /// <summary>Server-side apply of a full intent (<c>application/apply-patch+yaml</c>, JSON body); needs a field manager.</summary>
    Apply,
}
