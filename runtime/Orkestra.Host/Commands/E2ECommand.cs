using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Binding;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Kube;
using Orkestra.Kube.Client;
using Orkestra.Kube.Connection;
using Orkestra.Runtime.Cluster;
using Orkestra.Runtime.Hosting;
using Orkestra.Runtime.Observability;
using Orkestra.Runtime.Webhooks;
using Orkestra.Sandbox;
using Prometheus;

namespace Orkestra.Host.Commands;

/// <summary>
/// <c>ork e2e</c>: runs a <c>kind: E2E</c> file end to end. Starts the embedded sandbox in this process (or connects to
/// an existing cluster), applies the CRD, starts the operators with <see cref="OperatorHost"/> — what <c>ork run</c>
/// runs — applies and awaits the setup, applies the CRs, checks the <c>after: cr-applied</c> expectations by polling
/// the API within each timeout, deletes the CRs, checks the <c>cr-deleted</c> ones, and stops everything. One line per
/// assertion, then a summary. Exit 0 when every assertion holds, 1 when one does not (or the run could not be made),
/// 2 on usage errors and invalid input files.
/// </summary>
internal static class E2ECommand
{
    public const string Summary = "run the operator on the sandbox (or a cluster), apply the CR, check what it creates and removes";

    private const string Help = """
        Usage: ork e2e [-f e2e.yaml] [--sandbox | --cluster CONTEXT] [--kubeconfig PATH]

        Runs a kind: E2E file: starts the embedded sandbox API server in this process on a free loopback port (or
        connects to an existing cluster), applies the CRD (spec.crd and the Katalog's crdFile and setup), starts the
        Katalog's operators as ork run does, applies spec.setup.apply and waits for spec.setup.wait, applies the CRs
        (spec.cr), checks every spec.expect entry with after: cr-applied, deletes the CRs, checks the entries with
        after: cr-deleted, and stops. A check polls the API until its resources hold or its timeout (default 30s)
        passes. Prints one line per assertion (PASS/FAIL and when it held) and a summary. On an existing cluster the
        CRs are deleted at the end; the CRD and the setup objects stay.

        Options:
          -f, --file FILE        the kind: E2E file (default e2e.yaml)
          --sandbox              run on the embedded sandbox (the default unless spec.cluster.provider is existing)
          --cluster CONTEXT      run on an existing cluster: this kubeconfig context
          --kubeconfig PATH      the kubeconfig of the existing cluster (default: $KUBECONFIG, then ~/.kube/config)

        Exit codes: 0 every assertion held, 1 one did not (or the run failed), 2 usage error or invalid input file.
        """;

    /// <summary>How long the operators may take to start and sync their caches, and the CRs to be gone after deletion.</summary>
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["-h" or "--help"]) { stdout.WriteLine(Help); return 0; }
        var line = CommandLine.Parse(args, [["--file", "-f"], ["--cluster"], ["--kubeconfig"]], ["--sandbox"]);
        var usage = line.Error ?? (line.Positional.Count > 0 ? $"unexpected argument {line.Positional[0]}" : null)
                    ?? (line.Has("--sandbox") && line.One("--cluster") is not null ? "--sandbox and --cluster exclude each other" : null)
                    ?? (line.Has("--sandbox") && line.One("--kubeconfig") is not null
                        ? "--sandbox and --kubeconfig exclude each other" : null);
        if (usage is not null)
        {
            stderr.WriteLine($"ork e2e: {usage}");
            stderr.WriteLine(Help);
            return 2;
        }

        var diagnostics = new DiagnosticBag();
        if (Prepare(line.One("--file") ?? "e2e.yaml", diagnostics, stderr) is not { } plan) return Invalid(stderr, diagnostics);
        var existing = line.One("--cluster") is not null || line.One("--kubeconfig") is not null
                       || (!line.Has("--sandbox") && plan.Spec.Cluster.Provider == E2EProvider.Existing);
        var target = new Target(existing, line.One("--kubeconfig"), line.One("--cluster") ?? plan.Spec.Cluster.Context);

        using var cancel = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            cancel.Cancel();
        }
        return new E2ERun(plan, target, stdout, stderr).RunAsync(cancel.Token).GetAwaiter().GetResult();
    }

    /// <summary>Everything read and checked before anything starts.</summary>
    internal sealed record Plan(E2ESpec Spec, IReadOnlyList<CompiledKatalog> Katalogs, IReadOnlyList<ManifestObject> Crds,
        IReadOnlyList<ManifestObject> Setup, IReadOnlyList<ManifestObject> Crs);

    /// <summary>Where to run: the sandbox, or an existing cluster by kubeconfig and context.</summary>
    internal sealed record Target(bool Existing, string? Kubeconfig, string? Context);

    private static int Invalid(TextWriter stderr, DiagnosticBag diagnostics)
    {
        foreach (var d in diagnostics.Sorted()) stderr.WriteLine(d.ToString());
        stderr.WriteLine("ork e2e: invalid input; nothing was run");
        return 2;
    }

    /// <summary>Loads the E2E file, compiles and checks its Katalog, parses every manifest and resolves every kind; null
    /// (with diagnostics) on any problem.</summary>
    private static Plan? Prepare(string file, DiagnosticBag diagnostics, TextWriter stderr)
    {
        if (E2EBinder.Load(file, diagnostics) is not { } spec) return null;
        var compiled = KomposerLoad.Compile([spec.Katalog], Environment.GetEnvironmentVariable);
        var problems = RuntimeSupport.Diagnose(compiled).Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        if (problems.Length > 0)
        {
            foreach (var d in problems) stderr.WriteLine(d.ToString());
            return null;
        }
        var startup = StartupPlan.For(compiled.Katalogs, ApplyMode.Always, inCluster: false);
        var crdFiles = (spec.Crd is { } crd ? new[] { crd } : []).Concat(startup.CrdFiles).Distinct(StringComparer.Ordinal);
        var crds = ManifestApplier.Load(crdFiles.Concat(startup.SetupFiles), diagnostics);
        var setup = ManifestApplier.Load(spec.SetupApply, diagnostics);
        var crs = ManifestApplier.Load([spec.Cr], diagnostics);
        if (diagnostics.HasErrors) return null;
        if (crs.Count == 0)
        {
            diagnostics.Error(SourceLocation.None(spec.Cr), "no custom resource in the file; ork e2e applies and deletes spec.cr");
            return null;
        }
        var kinds = compiled.Katalogs.SelectMany(k => k.Operators).Select(o => (o.ApiTypes.ApiVersion, o.ApiTypes.Kind))
            .Concat(crds.SelectMany(CrdKinds)).Concat(setup.SelectMany(CrdKinds)).ToArray();
        return E2EBinder.ResolveKinds(spec, kinds, diagnostics) is { } resolved
            ? new Plan(resolved, compiled.Katalogs, crds, setup, crs) : null;
    }

    /// <summary>The (apiVersion, kind) of every served version of a CustomResourceDefinition manifest.</summary>
    private static IEnumerable<(string, string)> CrdKinds(ManifestObject m)
    {
        if (m.Kind != "CustomResourceDefinition" || m.Body["spec"] is not JsonObject spec) yield break;
        if ((string?)spec["group"] is not { } group || (string?)spec["names"]?["kind"] is not { } kind) yield break;
        foreach (var version in (spec["versions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if ((string?)version["name"] is { } name) yield return ($"{group}/{name}", kind);
        }
    }

    /// <summary>One run: the cluster connection, the operators, the assertions and their report.</summary>
    private sealed class E2ERun(Plan plan, Target target, TextWriter stdout, TextWriter stderr)
    {
        private readonly List<(bool Passed, string Line)> _assertions = [];
        private readonly Stopwatch _wall = Stopwatch.StartNew();
        private IKubeClient _client = null!;
        private IRestMapper _mapper = null!;

        public async Task<int> RunAsync(CancellationToken cancellation)
        {
            using var logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning)
                .AddProvider(new LineLoggerProvider(stderr, LogFormat.Text, LogLevel.Warning)));
            var log = logs.CreateLogger("ork.e2e");
            var folder = Directory.CreateTempSubdirectory("ork-e2e-");
            SandboxServer? sandbox = null;
            try
            {
                var kubeconfig = target.Kubeconfig;
                if (!target.Existing)
                {
                    try
                    {
                        sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 }, cancellation).ConfigureAwait(false);
                    }
                    catch (IOException e)
                    {
                        stderr.WriteLine($"ork e2e: cannot start the sandbox: {e.Message}");
                        return 1;
                    }
                    kubeconfig = Path.Combine(folder.FullName, "kubeconfig");
                    sandbox.WriteKubeconfig(kubeconfig);
                }
                KubeConnection connection;
                try
                {
                    connection = KubeConnection.Create(new KubeConnectionOptions
                    {
                        KubeconfigPath = kubeconfig, Context = target.Existing ? target.Context : null,
                        Qps = 0, Burst = 200, UserAgent = $"ork-e2e/{Cli.Version}",
                    });
                }
                catch (KubeConnectionException e)
                {
                    stderr.WriteLine($"ork e2e: {e.Message}");
                    return 1;
                }
                using (connection)
                {
                    var where = sandbox is null ? $"cluster {connection.Server} ({connection.Source})" : $"sandbox at {sandbox.BaseUrl}";
                    stdout.WriteLine($"ork e2e {plan.Spec.Name}: {where}");
                    _client = connection.CreateClient();
                    _mapper = connection.CreateRestMapper();
                    var applier = new ManifestApplier(_client, _mapper, "default", log, TimeProvider.System);
                    await RunStepsAsync(connection, applier, logs, cancellation).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                stderr.WriteLine("ork e2e: interrupted");
                _assertions.Add((false, "interrupted"));
            }
            finally
            {
                if (sandbox is not null) await sandbox.DisposeAsync().ConfigureAwait(false);
                folder.Delete(recursive: true);
            }
            var passed = _assertions.Count(a => a.Passed);
            var plural = _assertions.Count == 1 ? "" : "s";
            stdout.WriteLine($"{_assertions.Count} assertion{plural}: {passed} passed, {_assertions.Count - passed} failed "
                             + $"({Ms(_wall.Elapsed)} ms)");
            return passed == _assertions.Count ? 0 : 1;
        }

        private async Task RunStepsAsync(KubeConnection connection, ManifestApplier applier, ILoggerFactory logs,
            CancellationToken cancellation)
        {
            if (!await StepAsync($"apply the CRD ({plan.Crds.Count} object{(plan.Crds.Count == 1 ? "" : "s")})",
                    () => applier.ApplyAsync(plan.Crds, StepTimeout, cancellation)).ConfigureAwait(false)) return;

            var options = new RuntimeOptions
            {
                Port = 0, Apply = ApplyMode.Never, Logs = logs, Webhooks = new WebhookOptions { Port = 0 },
                ShutdownTimeout = TimeSpan.FromSeconds(10), Drain = TimeSpan.FromSeconds(5),
            };
            var host = new OperatorHost(plan.Katalogs, connection, options, new RuntimeMetrics(new CollectorRegistry()));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            var running = host.RunAsync(stop.Token);
            try
            {
                if (!await StepAsync("start the operators", () => StartedAsync(host, running, cancellation)).ConfigureAwait(false)) return;
                await RunTestAsync(applier, cancellation).ConfigureAwait(false);
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                string? failure;
                try
                {
                    var code = await running.ConfigureAwait(false);
                    failure = code == 0 ? null : $"exit {code} (see above)";
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // IOException (cannot listen), WebhookCertificateException, an API error at start: a line, no trace.
                    failure = e.Message;
                }
                if (failure is not null) _assertions.Add((false, Report(false, "the operators ran", failure)));
            }
        }

        private async Task RunTestAsync(ManifestApplier applier, CancellationToken cancellation)
        {
            if (plan.Setup.Count > 0
                && !await StepAsync("setup.apply", () => applier.ApplyAsync(plan.Setup, StepTimeout, cancellation)).ConfigureAwait(false))
                return;
            foreach (var wait in plan.Spec.SetupWait)
                await CheckAsync("setup.wait", [wait], wait.Timeout ?? E2EExpect.DefaultTimeout, Stopwatch.StartNew(), cancellation)
                    .ConfigureAwait(false);
            if (_assertions.Any(a => !a.Passed)) return;

            var crs = string.Join(", ", plan.Crs.Select(c => $"{c.Kind} {Key(c)}"));
            if (!await StepAsync($"apply {crs}", () => applier.ApplyAsync(plan.Crs, StepTimeout, cancellation)).ConfigureAwait(false))
                return;
            var applied = Stopwatch.StartNew();
            foreach (var expect in plan.Spec.Expect.Where(e => e.After == E2EPhase.CrApplied))
                await CheckAsync(expect.Name, expect.Resources, expect.Timeout, applied, cancellation).ConfigureAwait(false);

            if (!await StepAsync($"delete {crs}", () => DeleteAsync(cancellation)).ConfigureAwait(false)) return;
            var deleted = Stopwatch.StartNew();
            foreach (var expect in plan.Spec.Expect.Where(e => e.After == E2EPhase.CrDeleted))
                await CheckAsync(expect.Name, expect.Resources, expect.Timeout, deleted, cancellation).ConfigureAwait(false);
            await StepAsync($"{crs} gone (finalizers done)", () => GoneAsync(cancellation)).ConfigureAwait(false);
        }

        /// <summary>A step of the run that must succeed: a FAIL line when it does not.</summary>
        private async Task<bool> StepAsync(string name, Func<Task<bool>> step)
        {
            var watch = Stopwatch.StartNew();
            var ok = await step().ConfigureAwait(false);
            stdout.WriteLine($"{(ok ? "  ok  " : "FAIL  ")}{name} ({Ms(watch.Elapsed)} ms)");
            if (!ok) _assertions.Add((false, name));
            return ok;
        }

        /// <summary>Started, then ready: every operator's caches synced (bounded).</summary>
        private static async Task<bool> StartedAsync(OperatorHost host, Task<int> running, CancellationToken cancellation)
        {
            var deadline = Stopwatch.StartNew();
            try
            {
                await Task.WhenAny(host.Started, running).WaitAsync(StepTimeout, cancellation).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return false;
            }
            while (!running.IsCompleted && !host.State.Ready && deadline.Elapsed < StepTimeout)
                await Task.Delay(20, cancellation).ConfigureAwait(false);
            return !running.IsCompleted && host.State.Ready;
        }

        private async Task<bool> DeleteAsync(CancellationToken cancellation)
        {
            var ok = true;
            foreach (var cr in plan.Crs.Reverse())
            {
                try
                {
                    var (mapping, ns) = await MapAsync(cr, cancellation).ConfigureAwait(false);
                    await _client.DeleteAsync(mapping.Resource, ns, cr.Name, null, cancellation).ConfigureAwait(false);
                }
                catch (KubeApiException e) when (e.IsNotFound) { }
                catch (Exception e) when (e is KubeApiException or HttpRequestException)
                {
                    stderr.WriteLine($"ork e2e: {cr.Location}: cannot delete {cr.Kind} {cr.Name}: {e.Message}");
                    ok = false;
                }
            }
            return ok;
        }

        /// <summary>Every CR is gone from the API (its finalizer removed by the operator), within the step timeout.</summary>
        private async Task<bool> GoneAsync(CancellationToken cancellation)
        {
            var deadline = Stopwatch.StartNew();
            foreach (var cr in plan.Crs)
            {
                while (true)
                {
                    try
                    {
                        var (mapping, ns) = await MapAsync(cr, cancellation).ConfigureAwait(false);
                        await _client.GetAsync(mapping.Resource, ns, cr.Name, cancellation).ConfigureAwait(false);
                    }
                    catch (KubeApiException e) when (e.IsNotFound)
                    {
                        break;
                    }
                    catch (HttpRequestException e)
                    {
                        stderr.WriteLine($"ork e2e: {e.Message}");
                    }
                    if (deadline.Elapsed >= StepTimeout) return false;
                    await Task.Delay(50, cancellation).ConfigureAwait(false);
                }
            }
            return true;
        }

        private async Task<(ResourceMapping Mapping, string? Namespace)> MapAsync(ManifestObject obj, CancellationToken cancellation)
        {
            var mapping = await _mapper.MapAsync(GroupVersionKind.From((string)obj.Body["apiVersion"]!, obj.Kind), cancellation)
                .ConfigureAwait(false);
            return (mapping, mapping.Namespaced ? (string?)obj.Body["metadata"]?["namespace"] ?? "default" : null);
        }

        /// <summary>
        /// Polls until every resource holds or <paramref name="timeout"/> (counted from <paramref name="since"/>, the
        /// phase's start) passes; one line per resource, with the time it first held after the phase began.
        /// </summary>
        private async Task CheckAsync(string name, IReadOnlyList<E2EResource> resources, TimeSpan timeout, Stopwatch since,
            CancellationToken cancellation)
        {
            var start = since.Elapsed;
            foreach (var resource in resources)
            {
                var delay = TimeSpan.FromMilliseconds(20);
                while (true)
                {
                    var (held, describe, detail) = await ProbeAsync(resource, cancellation).ConfigureAwait(false);
                    if (held)
                    {
                        _assertions.Add((true, Report(true, $"{name}: {describe}", $"after {Ms(since.Elapsed)} ms")));
                        break;
                    }
                    if (since.Elapsed - start >= timeout)
                    {
                        _assertions.Add((false, Report(false, $"{name}: {describe}",
                            $"{detail} after {Ms(since.Elapsed)} ms (timeout {Ms(timeout)} ms) at {resource.Location}")));
                        break;
                    }
                    await Task.Delay(delay, cancellation).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(250).Ticks));
                }
            }
        }

        /// <summary>One look at the API: whether <paramref name="resource"/> holds now, its description and what was found.</summary>
        private async Task<(bool Held, string Describe, string Detail)> ProbeAsync(E2EResource resource, CancellationToken cancellation)
        {
            ResourceMapping mapping;
            try
            {
                mapping = await _mapper.MapAsync(GroupVersionKind.From(resource.ApiVersion!, resource.Kind), cancellation)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException)
            {
                var notServed = e is KubeApiException { IsNotFound: true };
                return (notServed && resource.Count == 0, resource.Describe(true),
                    notServed ? $"{resource.ApiVersion} {resource.Kind} is not served" : e.Message);
            }
            var ns = mapping.Namespaced ? resource.Namespace ?? E2EResource.DefaultNamespace : null;
            var describe = resource.Describe(mapping.Namespaced);
            List<JsonElement> found = [];
            try
            {
                if (resource.Name is { } name)
                {
                    try { found.Add(await _client.GetAsync(mapping.Resource, ns, name, cancellation).ConfigureAwait(false)); }
                    catch (KubeApiException e) when (e.IsNotFound) { }
                }
                else
                {
                    string? next = null;
                    do
                    {
                        var page = await _client.ListAsync(mapping.Resource, ns, new ListOptions { Continue = next }, cancellation)
                            .ConfigureAwait(false);
                        found.AddRange(page.Items);
                        next = page.Continue;
                    } while (next is { Length: > 0 });
                }
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException)
            {
                return (false, describe, e.Message);
            }
            var readiness = found.Select(ObjectReadiness.Of).ToArray();
            var ready = readiness.Count(r => r.Ready == "True");
            var allReady = !resource.Ready || ready == found.Count;
            var held = resource.Count switch
            {
                0 => found.Count == 0,
                { } n when resource.Name is null => found.Count == n && allReady,
                _ => found.Count > 0 && allReady,
            };
            var detail = found.Count == 0 ? "not found"
                : resource.Name is not null
                    ? (resource.Count == 0 ? "still exists" : $"not ready ({readiness[0].Reason})")
                    : $"{found.Count} found, {ready} ready";
            return (held, describe, detail);
        }

        private string Report(bool passed, string what, string detail)
        {
            var text = $"{(passed ? "PASS" : "FAIL")}  {what} — {detail}";
            stdout.WriteLine(text);
            return text;
        }

        private static string Key(ManifestObject o) =>
            (string?)o.Body["metadata"]?["namespace"] is { } ns ? $"{ns}/{o.Name}" : o.Name;

        private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
    }
}
