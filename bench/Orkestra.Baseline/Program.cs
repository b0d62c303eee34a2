using System.Runtime.InteropServices;
using k8s;

namespace Orkestra.Baseline;

/// <summary>
/// <c>Orkestra.Baseline --kubeconfig PATH --group G --version V --plural P --kind K</c>: a one-CRD operator as a
/// competent engineer writes it with KubernetesClient. Prints <c>synced</c> once the first list is handled and
/// <c>reconciles=N errors=N</c> when it stops (SIGTERM/SIGINT → exit 0).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        string? Arg(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        var kubeconfig = Arg("--kubeconfig");
        var group = Arg("--group");
        var version = Arg("--version");
        var plural = Arg("--plural");
        var kind = Arg("--kind");
        if (kubeconfig is null || group is null || version is null || plural is null || kind is null)
        {
            await Console.Error.WriteLineAsync("usage: Orkestra.Baseline --kubeconfig PATH --group G --version V --plural P --kind K");
            return 2;
        }

        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        var operatorLoop = new Operator(client, new CrdInfo(group, version, plural, kind));
        try
        {
            await operatorLoop.RunAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        Console.WriteLine($"reconciles={operatorLoop.Reconciles} errors={operatorLoop.Errors}");
        return 0;
    }
}

public sealed record CrdInfo(string Group, string Version, string Plural, string Kind)
{
    public string ApiVersion => $"{Group}/{Version}";
}
