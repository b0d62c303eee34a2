using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Planning;
using Orkestra.Kube.Client;
using Orkestra.Kube.Connection;
using Orkestra.Runtime.Planning;

namespace Orkestra.Host.Commands;

/// <summary>
/// <c>ork plan -k NEW [--against OLD | --cm NAME -n NS]</c>: what changes when the runtime restarts on NEW — CRDs added
/// and removed, per-CRD settings and template sections (<see cref="KatalogDiff"/>), and, when a cluster is reachable, the
/// children each live CR would get created, updated or deleted (<see cref="ClusterPlanner"/>, the reconcile's own render
/// and decisions over one LIST per kind). Writes nothing. Exit codes as <c>terraform plan -detailed-exitcode</c>.
/// </summary>
internal static class PlanCommand
{
    public const string Summary = "show what changes when the runtime restarts on a new Katalog (exit 0 none, 2 changes, 1 error)";

    private const string Help = $"""
        Usage: ork plan -k NEW [--against OLD | --cm NAME [-n NS]] [--kubeconfig PATH] [--no-cluster] [-o text|json]

        Compares the Katalog NEW with the configuration a runtime runs now and prints what a restart on NEW changes:
        CRDs added and removed; per CRD the settings that differ (apiTypes, watch scope and selectors, files by content
        digest, reconciler workers/resync, queue, finalizers, webhooks, …); the template sections that differ
        (operatorBox.onCreate/onReconcile/onDelete, status, cross, labels, validation, mutation, normalize, conversion,
        notes) as unified line diffs of their YAML. With a cluster, every live CR of NEW's CRDs is rendered as its first
        reconcile would render it, against its children as listed from the cluster: the children to create, update
        (with the drifted fields), rotate or delete, and those no longer rendered (left in place). Nothing is written.

        The current configuration is, in this order of preference:
          --against OLD      a Katalog file, a folder holding katalog.yaml, or an OCI reference pulled as ork pull does
          --cm NAME          the ConfigMap a deployed runtime mounts: data key katalog.yaml, every referenced file under its
                             path relative to the Katalog with each '/' written as '__' (docs/plan.md)
          (neither)          nothing: every CRD of NEW is added

        Options:
          -k, -f, --katalog FILE   the new Katalog (repeatable; katalog.yaml when omitted)
          -n, --namespace NS       the ConfigMap's namespace (default orkestra-system)
          --kubeconfig PATH        kubeconfig (default: $KUBECONFIG, ~/.kube/config, then in-cluster); with it, or with
                                   --cm, an unreachable cluster is an error; without, the cluster part is skipped
          --context NAME           kubeconfig context
          --watch-namespace NS     plan only the CRs ork run -n NS would watch (default: all namespaces)
          --no-cluster             compare the configuration only
          -o, --output FORMAT      text (default) or json
          --offline                pull --against from the local cache only
        {RegistryFlags.Help}

        Exit codes: 0 no change, 2 changes, 1 error (an invalid Katalog on either side, an unreadable source, an API
        error, a usage error).
        """;

    private static readonly string[][] ValueFlags =
    [
        ["--katalog", "-k", "-f", "--file"], ["--against"], ["--cm"], ["--namespace", "-n"], ["--kubeconfig"], ["--context"],
        ["--watch-namespace"], ["--output", "-o"], .. RegistryFlags.ValueFlags,
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        Run(args, stdout, stderr, Environment.GetEnvironmentVariable);

    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> environment)
    {
        if (args is ["-h" or "--help"]) { stdout.WriteLine(Help); return 0; }
        var line = CommandLine.Parse(args, ValueFlags, ["--no-cluster", "--offline", .. RegistryFlags.Switches]);
        var usage = line.Error
                    ?? (line.Positional.Count > 0 ? $"unexpected argument {line.Positional[0]}" : null)
                    ?? (line.One("--against") is not null && line.One("--cm") is not null ? "--against and --cm exclude each other" : null)
                    ?? (line.One("--cm") is not null && line.Has("--no-cluster")
                        ? "--cm reads the cluster; it excludes --no-cluster" : null)
                    ?? (line.One("--output") is { } o && o is not ("text" or "json")
                        ? $"--output must be text or json, not \"{o}\"" : null);
        if (usage is not null)
        {
            stderr.WriteLine($"ork plan: {usage}");
            stderr.WriteLine(Help);
            return 1;
        }
        var scratch = Directory.CreateTempSubdirectory("ork-plan-").FullName;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            return Plan(line, stdout, stderr, environment, scratch, timeout.Token).GetAwaiter().GetResult();
        }
        catch (PlanSourceException e)
        {
            stderr.WriteLine($"ork plan: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException or OperationCanceledException or KubeConnectionException)
        {
            stderr.WriteLine($"ork plan: cluster: {e.Message}");
            return 1;
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); }
            catch (IOException) { }   // a scratch folder left in /tmp is harmless
        }
    }

    private static async Task<int> Plan(CommandLine line, TextWriter stdout, TextWriter stderr, Func<string, string?> environment,
        string scratch, CancellationToken cancellation)
    {
        var files = line.All("--katalog").Count > 0 ? line.All("--katalog") : ["katalog.yaml"];
        var @new = Compile(files, "new", stderr);
        if (@new is null) return 1;

        using var connection = Connect(line, stderr);
        if (connection is null && (line.One("--cm") is not null || line.One("--kubeconfig") is not null)) return 1;
        if (connection is not null)
        {
            try
            {
                // an implicit cluster (the default kubeconfig) gets a short answer; an explicit one the whole budget
                using var check = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                if (line.One("--cm") is null && line.One("--kubeconfig") is null) check.CancelAfter(TimeSpan.FromSeconds(10));
                await connection.CheckReachableAsync(check.Token).ConfigureAwait(false);
            }
            catch (Exception e) when ((e is KubeApiException or HttpRequestException or OperationCanceledException)
                                      && line.One("--cm") is null && line.One("--kubeconfig") is null)
            {
                stderr.WriteLine($"ork plan: the cluster at {connection.Server} is not reachable ({e.Message}); children are not planned");
                return await Report(line, stdout, stderr, scratch, @new, null, null, "not reachable", cancellation).ConfigureAwait(false);
            }
        }
        return await Report(line, stdout, stderr, scratch, @new, connection, environment, null, cancellation).ConfigureAwait(false);
    }

    private static async Task<int> Report(CommandLine line, TextWriter stdout, TextWriter stderr, string scratch,
        IReadOnlyList<CompiledKatalog> @new, KubeConnection? connection, Func<string, string?>? environment, string? skipped,
        CancellationToken cancellation)
    {
        string? oldFile = null;
        var against = "nothing (every CRD is new)";
        if (line.One("--against") is { } source)
        {
            oldFile = PlanSources.Against(source, line, environment ?? Environment.GetEnvironmentVariable, scratch, cancellation);
            against = source;
        }
        else if (line.One("--cm") is { } cm)
        {
            var ns = line.One("--namespace") ?? "orkestra-system";
            oldFile = await PlanSources.ConfigMapAsync(connection!.CreateClient(), ns, cm, scratch, cancellation).ConfigureAwait(false);
            against = $"ConfigMap {ns}/{cm}";
        }
        IReadOnlyList<CompiledKatalog> old = [];
        if (oldFile is not null)
        {
            if (Compile([oldFile], $"current ({against})", stderr) is not { } compiledOld) return 1;
            old = compiledOld;
        }

        var changes = KatalogDiff.Compare(old, @new);
        ClusterPlan? cluster = null;
        if (connection is not null)
        {
            cluster = await ClusterPlanner.PlanAsync(@new, old, connection.CreateClient(), connection.CreateRestMapper(),
                line.One("--watch-namespace"), TimeProvider.System, cancellation).ConfigureAwait(false);
        }
        else skipped ??= line.Has("--no-cluster") ? "--no-cluster" : "no cluster configured";

        var report = new PlanReport(changes.HasChanges || cluster?.HasChanges == true, against, changes, cluster,
            connection?.Server.ToString(), skipped);
        if (line.One("--output") == "json") stdout.WriteLine(JsonSerializer.Serialize(report, PlanJson.Writer.PlanReport));
        else PlanText.Write(stdout, report);
        return report.Changes ? 2 : 0;
    }

    private static IReadOnlyList<CompiledKatalog>? Compile(IReadOnlyList<string> files, string side, TextWriter stderr)
    {
        var compiled = KatalogCompiler.CompileFiles(files);
        var errors = compiled.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        if (errors.Length == 0) return compiled.Katalogs;
        foreach (var d in errors) stderr.WriteLine(d.ToString());
        stderr.WriteLine($"ork plan: the {side} Katalog has {errors.Length} error{(errors.Length == 1 ? "" : "s")}");
        return null;
    }

    /// <summary>The cluster connection, or null: --no-cluster, no kubeconfig found (implicit), or an error (reported).</summary>
    private static KubeConnection? Connect(CommandLine line, TextWriter stderr)
    {
        if (line.Has("--no-cluster")) return null;
        var required = line.One("--cm") is not null || line.One("--kubeconfig") is not null;
        try
        {
            return KubeConnection.Create(new KubeConnectionOptions
            {
                KubeconfigPath = line.One("--kubeconfig"),
                Context = line.One("--context"),
                UserAgent = $"ork/{Cli.Version}",
            });
        }
        catch (KubeConnectionException e)
        {
            if (required) stderr.WriteLine($"ork plan: {e.Message}");
            return null;
        }
    }
}

/// <summary>Everything <c>ork plan</c> found, as <c>-o json</c> prints it.</summary>
internal sealed record PlanReport(bool Changes, string Against, KatalogChanges Configuration, ClusterPlan? Cluster, string? Server,
    string? ClusterSkipped);

/// <summary>Source-generated JSON for <c>ork plan -o json</c> (no reflection; AOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PlanReport))]
internal sealed partial class PlanJson : JsonSerializerContext
{
    /// <summary>Templates print as written: <c>"</c>, <c>+</c> and <c>&lt;</c> are not escaped (the output is plain JSON
    /// either way).</summary>
    public static PlanJson Writer { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter<ChangeKind>(), new JsonStringEnumConverter<ChildOperation>() },
    });
}
