using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orkestra.Kube.Connection;
using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Leadership;
using Orkestra.Runtime.Memory;

namespace Orkestra.Runtime.Hosting;

/// <summary>Everything <c>ork run</c> resolved from its command line and environment. Immutable.</summary>
public sealed record RuntimeOptions
{
    /// <summary>HTTP port for probes, /metrics and /katalog (0 = any free port).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Address of the HTTP listener (<c>--bind</c>).</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>Address of the webhook listener: <c>--bind</c> when given, else every interface (the API server must
    /// reach it).</summary>
    public IPAddress WebhookBindAddress { get; init; } = IPAddress.Any;

    public ApplyMode Apply { get; init; } = ApplyMode.Auto;

    /// <summary>Watch CRs of namespaced CRDs only in this namespace (null: all namespaces).</summary>
    public string? WatchNamespace { get; init; }

    /// <summary>Null disables leader election: this process reconciles at once.</summary>
    public LeaderElectionOptions? LeaderElection { get; init; }

    /// <summary>Shard buckets per CRD (<c>--shards</c>): above 1, and with <see cref="LeaderElection"/> (its identity and
    /// timings), the keys of each CRD are split over the replicas by bucket Leases (<see cref="Sharding.ShardCoordinator"/>)
    /// instead of one leader reconciling all; the Lease name becomes the shard group.</summary>
    public int Shards { get; init; } = 1;

    /// <summary>Lease name; null derives one from the Katalog names (<see cref="OperatorHost.DefaultLeaseName"/>).</summary>
    public string? LeaseName { get; init; }

    /// <summary>Lease namespace; null uses the connection's namespace.</summary>
    public string? LeaseNamespace { get; init; }

    /// <summary>The one deadline for the whole stop after SIGTERM (<c>--shutdown-timeout</c>), spent in
    /// <see cref="ShutdownBudget"/>'s order: drain, Events, Lease, webhook registrations.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;

    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long in-flight reconciles may finish after SIGTERM before they are cancelled; at most half of
    /// <see cref="ShutdownTimeout"/>.</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>An operator whose informers have not heard from the API server for this long is not ready (/readyz 503)
    /// and not healthy. kube-apiserver and the sandbox send a bookmark every minute on a quiet watch, so three missed
    /// ones are not a quiet watch.</summary>
    public TimeSpan ContactBound { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>The same bound while its lists or watches are failing (unreachable server, a CA that no longer verifies).</summary>
    public TimeSpan FailingContactBound { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <c>ork run</c> waits at start for the API server to answer before it exits 1.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for an applied CRD to become Established.</summary>
    public TimeSpan EstablishTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public RuntimeDefaults Defaults { get; init; } = new();

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public ILoggerFactory Logs { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Return memory to the OS after bursts of work (<see cref="IdleTrimmer"/>). Null: never — the default, because
    /// the GC belongs to the process; <c>ork run</c> sets <see cref="IdleTrimOptions.Default"/>.</summary>
    public IdleTrimOptions? IdleTrim { get; init; }

    /// <summary>At the first idle trim after every operator synced, give the kernel back the pages of the executable
    /// that only start-up used (<see cref="ImagePages"/>). Needs <see cref="IdleTrim"/>. Off by default, for the same
    /// reason (the executable is the process's); <c>ork run</c> turns it on.</summary>
    public bool ReleaseStartupPages { get; init; }

    /// <summary>ORK_GATEWAY_ENDPOINT: the gateway URL <c>/katalog</c> advertises when no Katalog names one.</summary>
    public string? GatewayEndpoint { get; init; }

    /// <summary>The webhook listener and its switches (<c>--webhook-port</c>, ENABLE_ADMISSION_WEBHOOK, ENABLE_CONVERSION,
    /// TLS_CERT/TLS_KEY).</summary>
    public Webhooks.WebhookOptions Webhooks { get; init; } = new();

    /// <summary>Wraps each operator's reconciler (by CRD name) — tracing, or tests that watch every call. Null: none.</summary>
    public Func<string, IReconciler, IReconciler>? WrapReconciler { get; init; }
}
