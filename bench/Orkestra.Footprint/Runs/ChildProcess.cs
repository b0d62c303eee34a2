using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Orkestra.Footprint.Runs;

/// <summary>
/// A process the harness started: stdout/stderr kept (last 200 lines each), waits bounded in time, and stopped by
/// SIGTERM then, after a grace period, killed. Dispose always leaves no process behind.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    const int KeptLines = 200;
    readonly Process _process;
    readonly Queue<string> _lines = new();
    readonly Lock _gate = new();
    readonly Stopwatch _sinceStart;

    ChildProcess(Process process, Stopwatch sinceStart)
    {
        _process = process;
        _sinceStart = sinceStart;
    }

    public int Pid => _process.Id;
    public string Name { get; private init; } = "";
    public TimeSpan SinceStart => _sinceStart.Elapsed;
    public bool HasExited => _process.HasExited;
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static ChildProcess Start(string name, string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        if (environment is not null) foreach (var (k, v) in environment) info.Environment[k] = v;
        var clock = Stopwatch.StartNew();
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process, clock) { Name = name };
        process.OutputDataReceived += (_, e) => child.Keep(e.Data, "");
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data, "stderr: ");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    void Keep(string? line, string prefix)
    {
        if (line is null) return;
        lock (_gate)
        {
            _lines.Enqueue(prefix + line);
            while (_lines.Count > KeptLines) _lines.Dequeue();
        }
    }

    public IReadOnlyList<string> Lines
    {
        get { lock (_gate) return _lines.ToArray(); }
    }

    public string Tail(int count = 15) => string.Join('\n', Lines.TakeLast(count));

    /// <summary>Waits until a kept output line satisfies <paramref name="match"/>; throws with the output tail on timeout or exit.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellation)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var found = Lines.FirstOrDefault(match);
            if (found is not null) return found;
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before it was ready:\n{Tail()}");
            await Task.Delay(5, cancellation).ConfigureAwait(false);
        }
        throw new TimeoutException($"{Name} not ready after {timeout.TotalSeconds:0} s:\n{Tail()}");
    }

    /// <summary>SIGTERM, wait up to <paramref name="grace"/>, then kill. Returns the exit code (null when it had to be killed).</summary>
    public async Task<int?> StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return _process.ExitCode;
        _ = Kill(_process.Id, 15);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill")]
    static extern int Kill(int pid, int signal);
}
