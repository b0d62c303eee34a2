using System.Globalization;
using System.Runtime.InteropServices;
using Orkestra.Sandbox;

namespace Orkestra.Host.Commands;

/// <summary>
/// <c>ork sandbox [--port N] [--kubeconfig PATH] [--token T] [--rbac] [--webhook-service SVC=ADDR]...</c>: serve the in-memory
/// Kubernetes API server on https://127.0.0.1:N until SIGINT/SIGTERM, with a kubeconfig written for kubectl.
/// </summary>
internal static class SandboxCommand
{
    public const string Summary = "run the in-memory Kubernetes API server (kubectl-compatible) until Ctrl+C";

    private const string Help = """
        Usage: ork sandbox [--port N] [--kubeconfig PATH] [--token T] [--rbac] [--webhook-service SVC=ADDR]...

          --port N           port on 127.0.0.1 (default 0: any free port)
          --kubeconfig PATH  where to write the kubeconfig (default ./sandbox.kubeconfig)
          --token T          bearer token clients must send (default: random)
          --rbac             enforce RBAC: ServiceAccount tokens and --as users get only what Roles and
                             bindings grant (default off: every authenticated request is allowed)
          --webhook-service NAME.NAMESPACE.svc:PORT=HOST:PORT
                             where a webhook's clientConfig.service listens (no cluster DNS here);
                             TLS still checks NAME.NAMESPACE.svc; repeatable

        Runs until SIGINT or SIGTERM. Everything is kept in memory and lost on exit.
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var port = 0;
        var kubeconfig = "sandbox.kubeconfig";
        string? token = null;
        var rbac = false;
        var services = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    stdout.WriteLine(Help);
                    return 0;
                case "--port" when i + 1 < args.Length:
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
                    {
                        stderr.WriteLine($"ork sandbox: --port must be a number from 0 to 65535, got '{args[i]}'");
                        return 2;
                    }
                    break;
                case "--kubeconfig" when i + 1 < args.Length:
                    kubeconfig = args[++i];
                    break;
                case "--token" when i + 1 < args.Length:
                    token = args[++i];
                    if (token.Length == 0 || token.Any(char.IsWhiteSpace))
                    {
                        stderr.WriteLine("ork sandbox: --token must be non-empty and contain no whitespace");
                        return 2;
                    }
                    break;
                case "--rbac":
                    rbac = true;
                    break;
                case "--webhook-service" when i + 1 < args.Length:
                    var mapping = args[++i];
                    var equals = mapping.IndexOf('=');
                    if (equals <= 0 || !HasPort(mapping[..equals]) || !HasPort(mapping[(equals + 1)..]))
                    {
                        stderr.WriteLine($"ork sandbox: --webhook-service must look like hook.ns.svc:443=127.0.0.1:9443, got '{mapping}'");
                        return 2;
                    }
                    services[mapping[..equals]] = mapping[(equals + 1)..];
                    break;
                default:
                    stderr.WriteLine($"ork sandbox: unknown or incomplete option '{args[i]}'");
                    stderr.WriteLine(Help);
                    return 2;
            }
        }
        return Serve(new SandboxOptions { Port = port, Token = token, WebhookServices = services, RbacAuthorization = rbac }, kubeconfig,
            stdout, stderr);
    }

    /// <summary>"host:port" with a port from 1 to 65535.</summary>
    private static bool HasPort(string address)
    {
        var colon = address.LastIndexOf(':');
        return colon > 0 && int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) &&
               port is > 0 and <= 65535;
    }

    private static int Serve(SandboxOptions options, string kubeconfig, TextWriter stdout, TextWriter stderr)
    {
        var port = options.Port;
        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        SandboxServer server;
        try
        {
            server = SandboxServer.StartAsync(options, stop.Token)
                .GetAwaiter().GetResult();
        }
        catch (IOException e)
        {
            stderr.WriteLine($"ork sandbox: cannot listen on 127.0.0.1:{port}: {e.Message}");
            return 1;
        }
        try
        {
            server.WriteKubeconfig(kubeconfig);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"ork sandbox: cannot write kubeconfig {kubeconfig}: {e.Message}");
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return 1;
        }
        stdout.WriteLine($"sandbox API server at {server.BaseUrl} — export KUBECONFIG={Path.GetFullPath(kubeconfig)}");
        stdout.Flush();
        try
        {
            Task.Delay(Timeout.Infinite, stop.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return 0;
    }
}
