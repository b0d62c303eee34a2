using System.Globalization;
using System.Text.Json.Nodes;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Manifests;
using Orkestra.Runtime.Bundles;
using Orkestra.Runtime.Hosting;

namespace Orkestra.Host.Commands;

/// <summary>
/// <c>ork generate bundle -k FILE…</c>: everything <c>kubectl apply -f</c> needs to run the Katalogs in a cluster
/// (<see cref="BundleGenerator"/>), RBAC derived from the compiled model (<see cref="RbacRules"/>). Only the
/// <c>bundle</c> target exists.
/// </summary>
internal static class GenerateCommand
{
    public const string Summary = "generate bundle: the manifests (RBAC, ConfigMap, Deployment, …) that run the Katalogs in a cluster";

    private const string Help = """
        Usage: ork generate bundle -k KATALOG [-k KATALOG…] [options]

        Compiles and checks the Katalogs (as ork validate does), then writes one multi-document YAML that
        kubectl apply --server-side -f accepts: the Namespace; the CRDs of every crdFile (unless --apply always,
        when the runtime applies them itself); a ServiceAccount; a ClusterRole with exactly the verbs and
        resources the Katalogs need (CRs and their status, each child kind, cross reads, Events, webhook
        configurations when declared) and its binding; a Role for the leader Lease when leader election is on;
        a ConfigMap holding each Katalog and every file it references; the Deployment of the runtime image
        (probes /livez and /readyz, non-root, read-only root filesystem); a Service (metrics, webhooks); a
        PodDisruptionBudget.

        Options:
          -k, -f, --katalog FILE       a Katalog file (repeatable; katalog.yaml when omitted)
          -o, --output FILE            write the bundle there (default: standard output)
          -n, --namespace NS           the runtime's namespace (default orkestra-system)
          --name NAME                  name of the ServiceAccount, roles, Deployment, Service (default orkestra)
          --image REF                  the runtime image (default orkestra-aot:VERSION)
          --replicas N                 Deployment replicas (default 1)
          --leader-elect=true|false    default: true when --replicas is above 1
          --apply always|auto          always: the runtime applies crdFile/setup/crFiles (and gets RBAC for
                                       them); auto (default): the bundle carries the CRDs, the runtime applies nothing
          --configmap NAME             use an existing ConfigMap with the same keys instead of generating one
          --env NAME=VALUE             an extra environment variable of the container (repeatable)
          --cpu-request Q, --memory-request Q, --memory-limit Q
                                       container resources (defaults 50m, 64Mi, 128Mi)
          --values FILE                also write the values of deploy/helm/orkestra-aot that render this bundle

        Exit codes: 0 written, 1 invalid Katalog (every error as FILE:LINE:COL), 2 usage.
        """;

    private static readonly string[][] ValueFlags =
    [
        ["--katalog", "-k", "-f", "--file"], ["--output", "-o"], ["--namespace", "-n"], ["--name"], ["--image"], ["--replicas"],
        ["--leader-elect"], ["--apply"], ["--configmap"], ["--env"], ["--cpu-request"], ["--memory-request"], ["--memory-limit"],
        ["--values"],
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is [] or ["-h" or "--help"] or ["bundle", "-h" or "--help"]) { stdout.WriteLine(Help); return args is [] ? 2 : 0; }
        if (args[0] != "bundle") return Usage(stderr, $"unknown target '{args[0]}' (only 'bundle' exists)");
        var line = CommandLine.Parse(args[1..], ValueFlags, []);
        if (line.Error is not null || line.Positional.Count > 0)
            return Usage(stderr, line.Error ?? $"unexpected argument {line.Positional[0]}");
        if (!TryOptions(line, out var options, out var error)) return Usage(stderr, error!);

        var files = line.All("--katalog").Count > 0 ? line.All("--katalog") : ["katalog.yaml"];
        var result = Generate(files, options, out var values);
        foreach (var d in result.Diagnostics) stderr.WriteLine(d.ToString());
        if (result.Documents is null)
        {
            var errors = result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
            stderr.WriteLine($"ork generate bundle: {errors} error{(errors == 1 ? "" : "s")}; nothing was written");
            return 1;
        }
        try
        {
            if (line.One("--output") is { } output)
            {
                using (var writer = new StreamWriter(output)) ManifestYamlWriter.Write(writer, result.Documents);
                stderr.WriteLine($"wrote {result.Documents.Count} objects to {output}");
            }
            else ManifestYamlWriter.Write(stdout, result.Documents);
            if (line.One("--values") is { } valuesFile)
            {
                using var writer = new StreamWriter(valuesFile);
                writer.WriteLine("# Values of deploy/helm/orkestra-aot written by ork generate bundle; helm install -n NAMESPACE.");
                ManifestYamlWriter.Write(writer, [values]);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"ork generate bundle: {e.Message}");
            return 1;
        }
        return 0;
    }

    /// <summary>The bundle's documents for <paramref name="files"/> (null with errors), and the chart values behind them.</summary>
    internal static (IReadOnlyList<JsonObject>? Documents, IReadOnlyList<Diagnostic> Diagnostics) Generate(IReadOnlyList<string> files,
        BundleOptions options, out JsonObject? values)
    {
        values = null;
        var compiled = KatalogCompiler.CompileFiles(files);
        var diagnostics = new DiagnosticBag();
        diagnostics.AddRange(RuntimeSupport.Diagnose(compiled));
        if (diagnostics.HasErrors) return (null, diagnostics.Items);
        values = BundleGenerator.Values(compiled.Katalogs, options, diagnostics);
        if (values is null) return (null, diagnostics.Sorted());
        return (BundleGenerator.Documents(values, options.Namespace), diagnostics.Items);
    }

    internal static bool TryOptions(CommandLine line, out BundleOptions options, out string? error)
    {
        options = new BundleOptions { Image = $"orkestra-aot:{Cli.Version}" };
        string? problem = null;
        var replicas = 1;
        if (line.One("--replicas") is { } r
            && (!int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out replicas) || replicas < 1))
        {
            error = $"--replicas must be a whole number of at least 1, got '{r}'";
            return false;
        }
        bool? leader = line.One("--leader-elect") switch
        {
            null => null,
            "true" => true,
            "false" => false,
            var other => Fail($"--leader-elect must be true or false, got '{other}'"),
        };
        var apply = line.One("--apply") ?? "auto";
        if (apply is not ("auto" or "always")) Fail($"--apply must be auto or always, got '{apply}'");
        var env = new List<KeyValuePair<string, string>>();
        foreach (var pair in line.All("--env"))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) Fail($"--env needs NAME=VALUE, got '{pair}'");
            else env.Add(new(pair[..eq], pair[(eq + 1)..]));
        }
        var ns = line.One("--namespace") ?? "orkestra-system";
        var name = line.One("--name") ?? "orkestra";
        foreach (var (flag, value) in new[] { ("--namespace", ns), ("--name", name), ("--configmap", line.One("--configmap") ?? "x") })
        {
            if (!IsDnsLabel(value)) Fail($"{flag} must be a DNS label (lower-case letters, digits, '-'), got '{value}'");
        }
        error = problem;
        if (problem is not null) return false;
        options = options with
        {
            Namespace = ns,
            Name = name,
            Image = line.One("--image") ?? options.Image,
            Replicas = replicas,
            LeaderElection = leader,
            ApplyAlways = apply == "always",
            ExistingConfigMap = line.One("--configmap"),
            Env = env,
            CpuRequest = line.One("--cpu-request") ?? options.CpuRequest,
            MemoryRequest = line.One("--memory-request") ?? options.MemoryRequest,
            MemoryLimit = line.One("--memory-limit") ?? options.MemoryLimit,
        };
        return true;

        bool? Fail(string message)
        {
            problem ??= message;
            return null;
        }
    }

    private static bool IsDnsLabel(string value) =>
        value.Length is > 0 and <= 63 && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && value[0] != '-' && value[^1] != '-';

    private static int Usage(TextWriter stderr, string message)
    {
        stderr.WriteLine($"ork generate: {message}");
        stderr.WriteLine(Help);
        return 2;
    }
}
