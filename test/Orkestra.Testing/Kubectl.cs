using System.Diagnostics;
using System.Text;

namespace Orkestra.Testing;

/// <summary>
/// kubectl (the installed 1.32, the independent client of these tests) against one kubeconfig, with its own cache
/// folder and HOME under <c>directory</c> so no run reads another's discovery cache or the user's config. Every run
/// is bounded: one that does not finish in time is killed and reported with what it printed so far.
/// </summary>
public sealed class Kubectl(string kubeconfigPath, string directory)
{
    public const string Executable = "/usr/bin/kubectl";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public string KubeconfigPath { get; } = kubeconfigPath;

    /// <summary>Runs <c>kubectl ARGUMENTS</c> (split like a shell: spaces, single or double quotes), feeding
    /// <paramref name="stdin"/> when given.</summary>
    public async Task<KubectlResult> RunAsync(string arguments, string? stdin = null, TimeSpan? timeout = null)
    {
        var start = StartInfo(arguments);
        start.RedirectStandardInput = stdin is not null;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin.AsMemory(), cts.Token);
                process.StandardInput.Close();
            }
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            throw new TimeoutException($"kubectl {arguments} did not finish within {(timeout ?? DefaultTimeout).TotalSeconds:0} s; " +
                                       $"stdout so far: {await stdout}\nstderr so far: {await stderr}");
        }
        return new KubectlResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a long-running kubectl (e.g. <c>get -w</c>) and returns the process; the caller kills it.</summary>
    public Process Start(string arguments) => Process.Start(StartInfo(arguments))!;

    private ProcessStartInfo StartInfo(string arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(KubeconfigPath);
        start.ArgumentList.Add("--cache-dir");
        start.ArgumentList.Add(Path.Combine(directory, "kcache"));
        foreach (var arg in SplitArguments(arguments)) start.ArgumentList.Add(arg);
        start.Environment["HOME"] = directory;
        start.Environment["KUBECONFIG"] = KubeconfigPath;
        return start;
    }

    /// <summary>Splits a command line at spaces outside quotes; quotes group and are removed ("''" is an empty argument).</summary>
    public static IEnumerable<string> SplitArguments(string text)
    {
        var current = new StringBuilder();
        var quote = '\0';
        var has = false;
        foreach (var c in text)
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else current.Append(c);
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                has = true;
            }
            else if (c == ' ')
            {
                if (current.Length > 0 || has) yield return current.ToString();
                current.Clear();
                has = false;
            }
            else current.Append(c);
        }
        if (current.Length > 0 || has) yield return current.ToString();
    }
}

/// <summary>What one kubectl run printed and how it exited.</summary>
public sealed record KubectlResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
