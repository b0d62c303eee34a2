namespace Orkestra.Sandbox;

/// <summary>How a sandbox server starts. Every property has a usable default.</summary>
public sealed class SandboxOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Bearer token clients must send; null generates a random one.</summary>
    public string? Token { get; init; }

    /// <summary>
    /// Enforce RBAC (kube's authorizer over the Roles, ClusterRoles and bindings in the store, with kube's default
    /// roles bootstrapped and aggregated ClusterRoles kept up to date, and escalation prevention on RBAC writes).
    /// Off (the default): every authenticated request is allowed, as kube's AlwaysAllow mode.
    /// </summary>
    public bool RbacAuthorization { get; init; }

    /// <summary>Clock for timestamps, watch timeouts, bookmarks and simulator delays.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>What the built-in controllers simulate (Deployments Available, Jobs Complete, Pods Running...).</summary>
    public SimulationOptions Simulation { get; init; } = new();

    /// <summary>Watch events kept per resource for resuming watches; older resumes get 410 Expired.</summary>
    public int WatchHistory { get; init; } = 2000;

    /// <summary>Garbage collection of dependents via ownerReferences. Off = dependents are left alone.</summary>
    public bool GarbageCollection { get; init; } = true;

    /// <summary>How many requests <see cref="SandboxServer.RequestLog"/> keeps.</summary>
    public int RequestLogCapacity { get; init; } = 10_000;

    /// <summary>
    /// Where webhooks named by <c>clientConfig.service</c> listen, since the sandbox has no cluster DNS:
    /// <c>"NAME.NAMESPACE.svc:PORT"</c> (PORT defaults to 443 in the configuration) → <c>"127.0.0.1:PORT"</c>. The call
    /// connects to the mapped address while TLS still verifies the certificate for <c>NAME.NAMESPACE.svc</c>. Webhooks
    /// with <c>clientConfig.url</c> are called at that URL.
    /// </summary>
    public IReadOnlyDictionary<string, string> WebhookServices { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Simulated controllers and kubelet. Annotations on an object switch simulation per object:
/// <see cref="FailAnnotation"/> makes a Job fail, <see cref="NeverReadyAnnotation"/> keeps a workload unready,
/// <see cref="SkipAnnotation"/> leaves an object's status alone.
/// </summary>
public sealed class SimulationOptions
{
    public const string FailAnnotation = "sandbox.orkestra.io/fail";
    public const string NeverReadyAnnotation = "sandbox.orkestra.io/never-ready";
    public const string SkipAnnotation = "sandbox.orkestra.io/skip-simulation";

    /// <summary>Master switch; off = no status is ever written by the sandbox itself.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Delay before a simulated status change (0 = at once).</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.Zero;
}
