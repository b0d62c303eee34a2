using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Orkestra.Footprint.Host;

/// <summary>The repository the harness runs in: its root, the AOT binary, the baseline build, the machine and the commit.</summary>
internal sealed class Repository
{
    Repository(string root) => Root = root;

    public string Root { get; }
    public string Ork => Path.Combine(Root, "artifacts", "ork");

    public static Repository Find()
    {
        var dir = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "orkestra-aot.sln"))) dir = dir.Parent;
        return dir is null ? throw new InvalidOperationException("run from inside the orkestra-aot repository") : new Repository(dir.FullName);
    }

    /// <summary>artifacts/ork, built with ./build.sh publish when missing (bounded: 20 minutes).</summary>
    public string EnsureOrk(TextWriter log)
    {
        if (File.Exists(Ork)) return Ork;
        log.WriteLine("artifacts/ork is missing: ./build.sh publish");
        Run("./build.sh", ["publish"], TimeSpan.FromMinutes(20));
        return File.Exists(Ork) ? Ork : throw new InvalidOperationException("./build.sh publish did not produce artifacts/ork");
    }

    /// <summary>Builds bench/Orkestra.Baseline (Release) and returns its dll.</summary>
    public string EnsureBaseline(TextWriter log)
    {
        log.WriteLine("building bench/Orkestra.Baseline (Release)");
        Run("dotnet", ["build", "bench/Orkestra.Baseline/Orkestra.Baseline.csproj", "-c", "Release", "-nologo", "-v:q"], TimeSpan.FromMinutes(10));
        var artifacts = Environment.GetEnvironmentVariable("ORK_BUILD_DIR") is { Length: > 0 } d ? d : Path.Combine(Root, ".build");
        var dll = Path.Combine(artifacts, "bin", "Orkestra.Baseline", "release", "Orkestra.Baseline.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"baseline build produced no {dll}");
    }

    public string Commit()
    {
        var head = Capture("git", ["rev-parse", "--short", "HEAD"]).Trim();
        var dirty = Capture("git", ["status", "--porcelain", "--untracked-files=no"]).Trim().Length > 0;
        return dirty ? head + "-dirty" : head;
    }

    public static string Machine()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memKb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"')
            : null;
        var gb = long.Parse(memKb, CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
        return $"{cpu}, {Environment.ProcessorCount} cores, {gb:0} GB, {os ?? RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";
    }

    /// <summary>The 1-minute load average (/proc/loadavg): on a shared machine, timings are only comparable at similar load.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    void Run(string file, string[] args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = Root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} took longer than {timeout.TotalMinutes:0} minutes");
        }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}):\n{Tail(stdout.Result + stderr.Result)}");
    }

    string Capture(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = Root, UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var text = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(10_000)) p.Kill();
        return text;
    }

    static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(30));
}
