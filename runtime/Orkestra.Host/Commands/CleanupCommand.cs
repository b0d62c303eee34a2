using Microsoft.Extensions.Logging;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Kube.Client;
using Orkestra.Kube.Connection;
using Orkestra.Runtime.Hosting;
using Orkestra.Runtime.Observability;

namespace Orkestra.Host.Commands;

/// <summary>
/// <c>ork cleanup -k KATALOG</c>: remove what <c>ork run</c> registered for itself (webhook configurations, CRD conversion
/// patches, an expired Lease) — after a <c>kill -9</c>, or before uninstalling — without starting operators
/// (<see cref="RuntimeCleanup"/>). Prints one line per removed object.
/// </summary>
internal static class CleanupCommand
{
    public const string Summary = "remove the webhook configurations, CRD conversion patches and expired Lease ork run left behind";

    private const string Help = """
        Usage: ork cleanup -k KATALOG [-k KATALOG…] [options]

        Removes what ork run registers for itself and a killed process may leave behind: the Katalogs'
        ValidatingWebhookConfiguration and MutatingWebhookConfiguration (labelled app.kubernetes.io/managed-by=
        orkestra-aot), the conversion webhook it set on their CRDs (the previous conversion is restored), and the
        leader Lease once it has expired. Children, CRs and CRDs are not touched. Starts no operator.

        Options:
          -k, -f, --katalog FILE       a Katalog file (repeatable; katalog.yaml when omitted)
          --kubeconfig PATH            kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, then in-cluster)
          --context NAME               kubeconfig context (default: its current-context)
          --lease-name NAME            the Lease (default: derived from the Katalog names, as ork run does)
          --lease-namespace NS         the Lease's namespace (default: the kubeconfig context's namespace)

        Exit codes: 0 done (also when there was nothing to remove), 1 invalid Katalog or API error, 2 usage.
        """;

    private static readonly string[][] ValueFlags =
        [["--katalog", "-k", "-f", "--file"], ["--kubeconfig"], ["--context"], ["--lease-name"], ["--lease-namespace"]];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["-h" or "--help"]) { stdout.WriteLine(Help); return 0; }
        var line = CommandLine.Parse(args, ValueFlags, []);
        if (line.Error is not null || line.Positional.Count > 0)
        {
            stderr.WriteLine($"ork cleanup: {line.Error ?? $"unexpected argument {line.Positional[0]}"}");
            stderr.WriteLine(Help);
            return 2;
        }
        var files = line.All("--katalog").Count > 0 ? line.All("--katalog") : ["katalog.yaml"];
        var compiled = KomposerLoad.Compile(files, Environment.GetEnvironmentVariable);
        var errors = compiled.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        if (errors.Length > 0)
        {
            foreach (var d in errors) stderr.WriteLine(d.ToString());
            stderr.WriteLine($"ork cleanup: {errors.Length} error{(errors.Length == 1 ? "" : "s")}; nothing was removed");
            return 1;
        }
        KubeConnection connection;
        try
        {
            connection = KubeConnection.Create(new KubeConnectionOptions
            {
                KubeconfigPath = line.One("--kubeconfig"),
                Context = line.One("--context"),
                UserAgent = $"ork/{Cli.Version}",
            });
        }
        catch (KubeConnectionException e)
        {
            stderr.WriteLine($"ork cleanup: {e.Message}");
            return 1;
        }
        using (connection)
        using (var logs = LoggerFactory.Create(b =>
                   b.SetMinimumLevel(LogLevel.Warning).AddProvider(new LineLoggerProvider(stderr, LogFormat.Text, LogLevel.Warning))))
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            try
            {
                var leaseNamespace = line.One("--lease-namespace") ?? connection.Namespace;
                var client = connection.CreateClient();
                var removed = RuntimeCleanup.RunAsync(client, compiled.Katalogs, leaseNamespace, line.One("--lease-name"),
                    TimeProvider.System, logs.CreateLogger("orkestra.cleanup"), timeout.Token).GetAwaiter().GetResult();
                foreach (var what in removed) stdout.WriteLine($"removed {what}");
                if (removed.Count == 0) stdout.WriteLine("nothing to remove");
                return 0;
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or OperationCanceledException)
            {
                stderr.WriteLine($"ork cleanup: {e.Message}");
                return 1;
            }
        }
    }
}
