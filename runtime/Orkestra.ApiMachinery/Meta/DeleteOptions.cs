using System.Text.Json.Nodes;

namespace Orkestra.ApiMachinery.Meta;

/// <summary>How dependents are handled when an owner is deleted (<c>propagationPolicy</c>).</summary>
public enum PropagationPolicy
{
    /// <summary>None given: the resource's default decides (for most kinds, Background).</summary>
    Default,
    Background,
    Foreground,
    Orphan,
}

/// <summary>
/// <c>meta.k8s.io/v1 DeleteOptions</c>: what a client sends with a DELETE (as the body, or as query parameters) and
/// what the server acts on. Immutable; the client writes it with <see cref="ToJson"/>, the sandbox reads it from the
/// request (and refuses texts <see cref="PropagationPolicies.TryParse"/> does not know, with kube's message).
/// </summary>
public sealed record DeleteOptions
{
    public static readonly DeleteOptions None = new();

    /// <summary>Dependents are deleted in the background (what the garbage collector and kubectl use).</summary>
    public static readonly DeleteOptions Background = new() { Propagation = PropagationPolicy.Background };

    public PropagationPolicy Propagation { get; init; }

    /// <summary>The deprecated <c>orphanDependents</c> (kube refuses it together with a propagation policy).</summary>
    public bool? OrphanDependents { get; init; }

    public long? GracePeriodSeconds { get; init; }

    /// <summary>Only delete if the object still has this UID.</summary>
    public string? PreconditionUid { get; init; }

    /// <summary>Only delete if the object still has this resourceVersion.</summary>
    public string? PreconditionResourceVersion { get; init; }

    /// <summary>Validate without persisting (<c>dryRun: [All]</c>).</summary>
    public bool DryRun { get; init; }

    /// <summary>The policy in effect: <see cref="Propagation"/>, else what <see cref="OrphanDependents"/> means, else
    /// <see cref="PropagationPolicy.Default"/>.</summary>
    public PropagationPolicy EffectivePropagation => Propagation != PropagationPolicy.Default
        ? Propagation
        : OrphanDependents switch
        {
            true => PropagationPolicy.Orphan,
            false => PropagationPolicy.Background,
            null => PropagationPolicy.Default,
        };

    /// <summary>The request body (<c>kind: DeleteOptions</c>, <c>apiVersion: v1</c>); fields left at their defaults are
    /// not written.</summary>
    public JsonObject ToJson()
    {
        var body = new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "v1" };
        if (Propagation != PropagationPolicy.Default) body["propagationPolicy"] = Propagation.ToString();
        if (OrphanDependents is { } orphan) body["orphanDependents"] = orphan;
        if (GracePeriodSeconds is { } grace) body["gracePeriodSeconds"] = grace;
        if (PreconditionUid is not null || PreconditionResourceVersion is not null)
        {
            var preconditions = new JsonObject();
            if (PreconditionUid is not null) preconditions["uid"] = PreconditionUid;
            if (PreconditionResourceVersion is not null) preconditions["resourceVersion"] = PreconditionResourceVersion;
            body["preconditions"] = preconditions;
        }
        if (DryRun) body["dryRun"] = new JsonArray("All");
        return body;
    }
}

/// <summary>The wire texts of <see cref="PropagationPolicy"/>. Pure; thread-safe.</summary>
public static class PropagationPolicies
{
    /// <summary>The texts kube accepts, in the order its error message lists them.</summary>
    public static IReadOnlyList<string> Known { get; } = ["Foreground", "Background", "Orphan"];

    /// <summary>Null (none given) → <see cref="PropagationPolicy.Default"/>; <c>Foreground</c>, <c>Background</c>,
    /// <c>Orphan</c> (case-sensitive) → that policy; anything else, <c>""</c> included, → false (kube refuses it).</summary>
    public static bool TryParse(string? text, out PropagationPolicy policy)
    {
        (var known, policy) = text switch
        {
            null => (true, PropagationPolicy.Default),
            "Foreground" => (true, PropagationPolicy.Foreground),
            "Background" => (true, PropagationPolicy.Background),
            "Orphan" => (true, PropagationPolicy.Orphan),
            _ => (false, PropagationPolicy.Default),
        };
        return known;
    }
}
