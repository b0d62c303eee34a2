using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Orkestra.Operators.Tests.Support;

/// <summary>
/// A real <c>ork run</c> process (the test output's <c>ork.dll</c> under <c>dotnet</c>), its output collected in memory.
/// Dispose kills it if it still runs.
/// </summary>
internal sealed partial class OrkProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private OrkProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static OrkProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ork.dll"));
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        return new OrkProcess(Process.Start(start)!);
    }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The HTTP address from the start line (<c>HTTP on http://127.0.0.1:PORT/</c>), once printed.</summary>
    public Uri? Address => HttpLine().Match(Output) is { Success: true } m ? new Uri(m.Groups[1].Value) : null;

    /// <summary>SIGKILL: no graceful shutdown, the Lease is left to expire.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, then waits at most <paramref name="timeout"/> for the exit code; a process still running then
    /// is killed and the wait fails with its output.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using var bound = new CancellationTokenSource(timeout);
        if (!_process.HasExited)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
            await kill.WaitForExitAsync(bound.Token);
        }
        return await WaitForExitAsync(bound.Token, timeout);
    }

    /// <summary>Waits at most <paramref name="timeout"/> for the process to end by itself and returns its exit code.</summary>
    public Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var bound = new CancellationTokenSource(timeout);
        return WaitForExitAsync(bound.Token, timeout);
    }

    private async Task<int> WaitForExitAsync(CancellationToken bound, TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync(bound);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ork did not exit within {timeout.TotalSeconds:0} s (killed); output:\n{Output}");
        }
        _process.WaitForExit(TimeSpan.FromSeconds(5));   // the exit is known: this drains the redirected output into Output
        return _process.ExitCode;
    }

    /// <summary>Waits (bounded) for a command that ends by itself, such as <c>ork cleanup</c>; returns its exit code.</summary>
    public async Task<int> ExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"HTTP on (http://\S+/)")]
    private static partial Regex HttpLine();
}
