using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Syntax;
using Orkestra.Kube.Connection;
using Orkestra.Runtime.Cluster;
using Orkestra.Runtime.Hosting;
using Orkestra.Runtime.Leadership;
using Orkestra.Runtime.Memory;
using Orkestra.Runtime.Observability;
using Orkestra.Runtime.Webhooks;
using Orkestra.Sandbox;
using Prometheus;

namespace Orkestra.Host.Commands;

/// <summary>
/// <c>ork run</c>: load, compile and check every Katalog (refusing to start on any error), connect, and host one
/// operator per CRD until SIGINT/SIGTERM (<see cref="OperatorHost"/>). With <c>--sandbox</c> the embedded API server
/// runs in the same process and its kubeconfig is written to <c>.ork/sandbox.kubeconfig</c>.
/// </summary>
internal static class RunCommand
{
    public const string Summary = "run one operator per CRD of the Katalogs until Ctrl+C (add --sandbox to try it without a cluster)";

    private const string Help = $"""
        Usage: ork run -k KATALOG [-k KATALOG…] [options]

        Loads, compiles and checks every Katalog (any error stops the start), then runs a complete operator for
        each CRD — informer, work queue, workers, reconciler, status, events, metrics — until SIGINT or SIGTERM.

        Options:
          -k, -f, --katalog FILE       a Katalog or Komposer file (repeatable; katalog.yaml when omitted); a Komposer's
                                       imports are pulled and merged once, here, and never re-read while running
        {KomposerLoad.Help}
          --kubeconfig PATH            kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, then in-cluster)
          --context NAME               kubeconfig context (default: its current-context)
          --namespace NS               watch CRs of namespaced CRDs only in NS (default: all namespaces)
          --port N                     HTTP port for /healthz /readyz /metrics /katalog (default $ORK_PORT or 8080; 0 = any)
          --bind ADDRESS               HTTP listen address (default 127.0.0.1; 0.0.0.0 in a cluster, i.e. when
                                       KUBERNETES_SERVICE_HOST is set); also the webhooks' (default 0.0.0.0)
          --metrics-names both|orkestra|controller-runtime
                                       names of the metrics that have both an Orkestra and a controller-runtime
                                       name (default $ORK_METRICS_NAMES or both)
          --leader-elect=true|false    campaign for a Lease before reconciling (default true)
          --lease-name NAME            the Lease (default: derived from the Katalog names)
          --lease-namespace NS         the Lease's namespace (default: the kubeconfig context's namespace)
          --shards N                   split each CRD's CRs into N buckets (by an FNV-1a hash of namespace/name), one
                                       Lease each; replicas share the buckets fairly and each reconciles only the
                                       CRs of the buckets it holds (default 1: one leader reconciles all; needs
                                       --leader-elect=true; the Lease name becomes the shard group). Replicas must
                                       run the same Katalogs and N
          --apply auto|always|never    apply crdFile, setup and crFiles first (auto: only outside a cluster)
          --kube-api-qps N             client-side request rate limit (default 0: none — the API server's Priority
                                       and Fairness governs, and workers bound the requests in flight)
          --kube-api-burst N           requests allowed in a burst above that rate (default 200)
          --kube-api-timeout DURATION  deadline of one API request, retries included (default 30s; watches excepted)
          --connect-timeout DURATION   how long to wait at start for the API server to answer before exiting 1 (default 30s)
          --shutdown-timeout DURATION  one deadline for the whole stop after SIGTERM (default 10s): drain workers,
                                       flush Events, release and delete the Lease, remove webhook registrations
          --log-format text|json       (default text)
          --log-level LEVEL            trace|debug|info|warn|error (default $LOG_LEVEL or info)
          --sandbox                    start the embedded API server in this process and run against it
          --sandbox-port N             its port on 127.0.0.1 (default 0: any free port)
          --sandbox-rbac               enforce RBAC in that sandbox (default: every authenticated request allowed)
          --webhook-port N             HTTPS port of the admission/conversion webhooks the Katalogs declare
                                       (default 9443; 0 = any; nothing listens when nothing is declared)
          --webhook-url URL            base URL the API server reaches the webhooks at (default: the Service
                                       in a cluster, https://127.0.0.1:PORT/ when the API server is on loopback)

        Environment: DEFAULT_WORKERS (3), DEFAULT_RESYNC (15s), FAILURE_THRESHOLD (5), LEASE_DURATION (7, seconds),
        ORK_METRICS_NAMES, ENABLE_ADMISSION_WEBHOOK, ENABLE_CONVERSION (true|false), TLS_CERT/TLS_KEY (PEM files; generated in memory
        when absent), ORK_SERVICE_NAME (orkestra), ORK_NAMESPACE/NAMESPACE (the runtime's namespace),
        ORK_GATEWAY_ENDPOINT (advertised on /katalog).
        Exit codes: 0 after a clean stop, 1 when a Katalog or manifest is invalid or the cluster is unreachable, 2 usage.
        """;

    /// <summary>Bucket Leases per CRD at most: each costs one request per retry period per replica.</summary>
    private const int MaxShards = 256;

    private static readonly string[][] ValueFlags =
    [
        ["--katalog", "-k", "-f", "--file"], ["--kubeconfig"], ["--context"], ["--namespace", "-n"], ["--port"], ["--bind"],
        ["--leader-elect"], ["--lease-name"], ["--lease-namespace"], ["--shards"], ["--apply"], ["--kube-api-qps"], ["--kube-api-burst"],
        ["--kube-api-timeout"], ["--shutdown-timeout"], ["--connect-timeout"],
        ["--log-format"], ["--log-level"], ["--metrics-names"], ["--sandbox-port"], ["--webhook-port"], ["--webhook-url"],
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        Run(args, stdout, stderr, Environment.GetEnvironmentVariable, null);

    /// <summary>Testable entry: <paramref name="stop"/> replaces SIGINT/SIGTERM when given; <paramref name="env"/> replaces the
    /// environment.</summary>
    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> env, CancellationToken? stop)
    {
        if (args is ["-h" or "--help"]) { stdout.WriteLine(Help); return 0; }
        var line = Parse(args);
        if (line.Error is not null || line.Positional.Count > 0)
            return Usage(stderr, line.Error ?? $"unexpected argument {line.Positional[0]}");

        if (!TryOptions(line, env, out var settings, out var error)) return Usage(stderr, error!);

        var files = line.All("--katalog").Count > 0 ? line.All("--katalog") : ["katalog.yaml"];
        var compiled = KomposerLoad.Compile(files, env, line);
        var problems = RuntimeSupport.Diagnose(compiled).Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        if (problems.Length > 0)
        {
            foreach (var d in problems) stderr.WriteLine(d.ToString());
            stderr.WriteLine($"ork run: {problems.Length} error{(problems.Length == 1 ? "" : "s")}; nothing was started");
            return 1;
        }

        using var signals = new CancellationTokenSource();
        using var sigint = stop is null ? PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop) : null;
        using var sigterm = stop is null ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop) : null;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(signals.Token, stop ?? CancellationToken.None);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            signals.Cancel();
        }
        return RunAsync(compiled.Katalogs, settings, stdout, stderr, linked.Token).GetAwaiter().GetResult();
    }

    internal sealed record Settings(RuntimeOptions Runtime, string? Kubeconfig, string? Context, double Qps, int Burst, bool Sandbox,
        int SandboxPort, LogFormat Format, LogLevel Level)
    {
        /// <summary><c>--metrics-names</c>.</summary>
        public MetricNames MetricNames { get; init; } = MetricNames.Both;

        /// <summary><c>--sandbox-rbac</c>: the embedded API server enforces RBAC.</summary>
        public bool SandboxRbac { get; init; }

        /// <summary><c>--kube-api-timeout</c>.</summary>
        public TimeSpan RequestTimeout { get; init; } = KubeConnectionOptions.DefaultRequestTimeout;
    }

    private static async Task<int> RunAsync(IReadOnlyList<CompiledKatalog> katalogs, Settings settings, TextWriter stdout,
        TextWriter stderr, CancellationToken stopping)
    {
        using var logs = LoggerFactory.Create(b => b.SetMinimumLevel(settings.Level)
            .AddProvider(new LineLoggerProvider(stdout, settings.Format, settings.Level)));
        SandboxServer? sandbox = null;
        var kubeconfig = settings.Kubeconfig;
        try
        {
            if (settings.Sandbox)
            {
                try
                {
                    var options = new SandboxOptions { Port = settings.SandboxPort, RbacAuthorization = settings.SandboxRbac };
                    sandbox = await SandboxServer.StartAsync(options, stopping)
                        .ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    stderr.WriteLine($"ork run: cannot start the sandbox on 127.0.0.1:{settings.SandboxPort}: {e.Message}");
                    return 1;
                }
                kubeconfig = Path.GetFullPath(Path.Combine(".ork", "sandbox.kubeconfig"));
                Directory.CreateDirectory(Path.GetDirectoryName(kubeconfig)!);
                sandbox.WriteKubeconfig(kubeconfig);
                stdout.WriteLine($"sandbox API server at {sandbox.BaseUrl} — in another terminal: export KUBECONFIG={kubeconfig}");
                stdout.Flush();
            }
            var metrics = new RuntimeMetrics(new CollectorRegistry(), settings.MetricNames);
            metrics.IncludeProcessMetrics();
            KubeConnection connection;
            try
            {
                connection = KubeConnection.Create(new KubeConnectionOptions
                {
                    KubeconfigPath = kubeconfig,
                    Context = settings.Context,
                    Qps = settings.Qps,
                    Burst = settings.Burst,
                    RequestTimeout = settings.RequestTimeout,
                    UserAgent = $"ork/{Cli.Version}",
                    Metrics = new KubeMetricsBridge(metrics),
                });
            }
            catch (KubeConnectionException e)
            {
                stderr.WriteLine($"ork run: {e.Message}");
                return 1;
            }
            using (connection)
            {
                var options = settings.Runtime with { Logs = logs };
                if (settings.Sandbox && options.Apply == ApplyMode.Auto) options = options with { Apply = ApplyMode.Always };
                var host = new OperatorHost(katalogs, connection, options, metrics);
                try
                {
                    return await host.RunAsync(stopping).ConfigureAwait(false);
                }
                catch (IOException e) when (!stopping.IsCancellationRequested)
                {
                    stderr.WriteLine(e.Message.StartsWith("cannot listen", StringComparison.Ordinal)
                        ? $"ork run: {e.Message}" : $"ork run: cannot listen on port {options.Port}: {e.Message}");
                    return 1;
                }
                catch (WebhookCertificateException e)
                {
                    stderr.WriteLine($"ork run: {e.Message}");
                    return 1;
                }
            }
        }
        finally
        {
            if (sandbox is not null) await sandbox.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static CommandLine Parse(string[] args) =>
        CommandLine.Parse(args, ValueFlags, ["--sandbox", "--sandbox-rbac", .. KomposerLoad.Switches]);

    /// <summary>The settings <paramref name="args"/> and <paramref name="env"/> resolve to (null with <paramref name="error"/> when
    /// invalid).</summary>
    internal static Settings? Resolve(string[] args, Func<string, string?> env, out string? error)
    {
        var line = Parse(args);
        error = line.Error;
        return error is null && TryOptions(line, env, out var settings, out error) ? settings : null;
    }

    private static bool TryOptions(CommandLine line, Func<string, string?> env, out Settings settings, out string? error)
    {
        settings = null!;
        error = null;
        var defaults = RuntimeDefaults.FromEnvironment(env, out var envErrors);
        if (envErrors.Count > 0) { error = envErrors[0]; return false; }

        var portText = line.One("--port") ?? env("ORK_PORT") ?? "8080";
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        { error = $"--port must be a number from 0 to 65535, got '{portText}'"; return false; }
        var sandboxPortText = line.One("--sandbox-port") ?? "0";
        if (!int.TryParse(sandboxPortText, NumberStyles.None, CultureInfo.InvariantCulture, out var sandboxPort) || sandboxPort > 65535)
        { error = $"--sandbox-port must be a number from 0 to 65535, got '{sandboxPortText}'"; return false; }
        if (line.One("--sandbox-port") is not null && !line.Has("--sandbox")) { error = "--sandbox-port needs --sandbox"; return false; }
        if (line.Has("--sandbox-rbac") && !line.Has("--sandbox")) { error = "--sandbox-rbac needs --sandbox"; return false; }
        if (line.Has("--sandbox")
            && line.One("--kubeconfig") is not null) { error = "--sandbox and --kubeconfig exclude each other"; return false; }

        var webhooks = WebhookOptions.FromEnvironment(env, out var webhookErrors);
        if (webhookErrors.Count > 0) { error = webhookErrors[0]; return false; }
        var webhookPortText = line.One("--webhook-port") ?? WebhookOptions.DefaultPort.ToString(CultureInfo.InvariantCulture);
        if (!int.TryParse(webhookPortText, NumberStyles.None, CultureInfo.InvariantCulture, out var webhookPort) || webhookPort > 65535)
        { error = $"--webhook-port must be a number from 0 to 65535, got '{webhookPortText}'"; return false; }
        webhooks = webhooks with { Port = webhookPort };
        if (line.One("--webhook-url") is { } webhookUrl)
        {
            if (!Uri.TryCreate(webhookUrl, UriKind.Absolute, out var advertised) || advertised.Scheme != "https")
            { error = $"--webhook-url must be an https:// URL, got '{webhookUrl}'"; return false; }
            var withSlash = advertised.AbsoluteUri.EndsWith('/') ? advertised : new Uri(advertised.AbsoluteUri + "/");
            webhooks = webhooks with { AdvertisedUrl = withSlash };
        }

        // Loopback outside a cluster: /metrics and /katalog show the cluster's shape and CR contents to whoever connects.
        var bind = env("KUBERNETES_SERVICE_HOST") is { Length: > 0 } ? IPAddress.Any : IPAddress.Loopback;
        var webhookBind = IPAddress.Any;
        if (line.One("--bind") is { } bindText)
        {
            if (!IPAddress.TryParse(bindText, out bind!)) { error = $"--bind must be an IP address, got '{bindText}'"; return false; }
            webhookBind = bind;
        }
        var namesText = line.One("--metrics-names") ?? env("ORK_METRICS_NAMES") ?? "both";
        if (!MetricNamesText.TryParse(namesText, out var metricNames))
        { error = $"--metrics-names must be both, orkestra or controller-runtime, got '{namesText}'"; return false; }

        var elect = line.One("--leader-elect") ?? "true";
        if (elect is not ("true" or "false")) { error = $"--leader-elect must be true or false, got '{elect}'"; return false; }

        var shardsText = line.One("--shards") ?? "1";
        if (!int.TryParse(shardsText, NumberStyles.None, CultureInfo.InvariantCulture, out var shards) || shards is < 1 or > MaxShards)
        { error = $"--shards must be a whole number from 1 to {MaxShards}, got '{shardsText}'"; return false; }
        if (shards > 1 && elect != "true") { error = "--shards above 1 needs --leader-elect=true (the buckets are Leases)"; return false; }

        var applyText = line.One("--apply") ?? "auto";
        ApplyMode apply;
        switch (applyText)
        {
            case "auto": apply = ApplyMode.Auto; break;
            case "always": apply = ApplyMode.Always; break;
            case "never": apply = ApplyMode.Never; break;
            default: error = $"--apply must be auto, always or never, got '{applyText}'"; return false;
        }

        var qpsText = line.One("--kube-api-qps") ?? "0";
        if (!double.TryParse(qpsText, NumberStyles.Float, CultureInfo.InvariantCulture, out var qps) || qps < 0)
        { error = $"--kube-api-qps must be a non-negative number, got '{qpsText}'"; return false; }
        var burstText = line.One("--kube-api-burst") ?? "200";
        if (!int.TryParse(burstText, NumberStyles.None, CultureInfo.InvariantCulture, out var burst) || burst < 1)
        { error = $"--kube-api-burst must be a positive whole number, got '{burstText}'"; return false; }

        if (!TryDuration(line, "--kube-api-timeout", KubeConnectionOptions.DefaultRequestTimeout, out var requestTimeout, out error)
            || !TryDuration(line, "--shutdown-timeout", RuntimeOptions.DefaultShutdownTimeout, out var shutdownTimeout, out error)
            || !TryDuration(line, "--connect-timeout", new RuntimeOptions().ConnectTimeout, out var connectTimeout, out error))
            return false;

        var formatText = line.One("--log-format") ?? "text";
        if (formatText is not ("text" or "json")) { error = $"--log-format must be text or json, got '{formatText}'"; return false; }
        var levelText = line.One("--log-level") ?? env("LOG_LEVEL") ?? "info";
        if (!LineLoggerProvider.TryParseLevel(levelText,
            out var level)) { error = $"--log-level must be trace, debug, info, warn or error, got '{levelText}'"; return false; }

        LeaderElectionOptions? election = null;
        if (elect == "true")
        {
            var lease = LeaderElectionOptions.DefaultLeaseDuration;
            if (env("LEASE_DURATION") is { Length: > 0 } seconds)
            {
                if (!int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var s) || s < 3)
                { error = $"LEASE_DURATION must be a whole number of seconds (at least 3), got '{seconds}'"; return false; }
                lease = TimeSpan.FromSeconds(s);
            }
            // client-go's identity shape: host name and a unique suffix, so two processes on one host differ.
            election = LeaderElectionOptions.ForLeaseDuration($"{Environment.MachineName}_{Guid.NewGuid():N}", lease);
        }

        settings = new Settings(new RuntimeOptions
        {
            Port = port,
            BindAddress = bind,
            WebhookBindAddress = webhookBind,
            Apply = apply,
            WatchNamespace = line.One("--namespace"),
            LeaderElection = election,
            LeaseName = line.One("--lease-name"),
            LeaseNamespace = line.One("--lease-namespace"),
            Shards = shards,
            ShutdownTimeout = shutdownTimeout,
            ConnectTimeout = connectTimeout,
            Defaults = defaults,
            IdleTrim = IdleTrimOptions.Default,
            ReleaseStartupPages = true,
            Webhooks = webhooks,
            GatewayEndpoint = env("ORK_GATEWAY_ENDPOINT") is { Length: > 0 } gateway ? gateway : null,
        }, line.One("--kubeconfig"), line.One("--context"), qps, burst, line.Has("--sandbox"), sandboxPort,
            formatText == "json" ? LogFormat.Json : LogFormat.Text, level)
        {
            RequestTimeout = requestTimeout, MetricNames = metricNames, SandboxRbac = line.Has("--sandbox-rbac"),
        };
        return true;
    }

    /// <summary>A positive Go duration (<c>30s</c>, <c>1m30s</c>, <c>500ms</c>) for <paramref name="flag"/>, or
    /// <paramref name="fallback"/> when the flag is absent.</summary>
    private static bool TryDuration(CommandLine line, string flag, TimeSpan fallback, out TimeSpan value, out string? error)
    {
        error = null;
        value = fallback;
        if (line.One(flag) is not { } text) return true;
        if (Durations.TryParse(text, false, out value, out _) && value > TimeSpan.Zero) return true;
        error = $"{flag} must be a positive duration such as 10s or 1m30s, got '{text}'";
        return false;
    }

    private static int Usage(TextWriter stderr, string error)
    {
        stderr.WriteLine($"ork run: {error}");
        stderr.WriteLine(Help);
        return 2;
    }
}
