using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Orkestra.Host.Tests.Docs;

/// <summary>
/// docs/tutorial.md cannot rot: every <c>$</c> line of its <c>console</c> blocks runs, in order, in an empty folder
/// (<c>ork</c> is this build's ork.dll; <c>cd</c> moves the folder), and what it prints must be what the page shows
/// after normalising what differs between runs: the folder (shown as <c>~</c>), durations, decimal figures, loopback
/// ports and runs of spaces.
/// </summary>
[NonParallelizable] // one process at a time: the tutorial's commands build on each other
public sealed partial class TutorialTests
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    [Test]
    [Platform("Linux,MacOsX")] // the page's commands are POSIX shell (sed, cd)
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Every_command_of_the_tutorial_prints_what_the_page_shows()
    {
        var steps = Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "tutorial.md")));
        steps.Count.ShouldBeGreaterThan(8, "the tutorial's console blocks were not found");
        var root = Directory.CreateTempSubdirectory("ork-tutorial-");
        try
        {
            var bin = Directory.CreateDirectory(Path.Combine(root.FullName, ".bin")).FullName;
            var work = Directory.CreateDirectory(Path.Combine(root.FullName, "home")).FullName;
            var ork = Path.Combine(bin, "ork");
            File.WriteAllText(ork, $"#!/bin/sh\nexec dotnet \"{Path.Combine(AppContext.BaseDirectory, "ork.dll")}\" \"$@\"\n");
            File.SetUnixFileMode(ork, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var cwd = work;
            foreach (var (command, expected) in steps)
            {
                if (command.StartsWith("cd ", StringComparison.Ordinal))
                {
                    cwd = Path.GetFullPath(Path.Combine(cwd, command[3..].Trim()));
                    Directory.Exists(cwd).ShouldBeTrue($"`{command}`: no such folder");
                    continue;
                }
                var output = await Run(command, cwd, bin);
                Normalise(output.Replace(work + "/", "~/", StringComparison.Ordinal).Replace(work, "~", StringComparison.Ordinal))
                    .ShouldBe(Normalise(expected), $"`$ {command}` printed something else than docs/tutorial.md shows");
            }
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    /// <summary>The (command, expected output) pairs of every <c>console</c> block, in page order.</summary>
    internal static List<(string Command, string Output)> Parse(string markdown)
    {
        var steps = new List<(string, string)>();
        var inBlock = false;
        string? command = null;
        var output = new StringBuilder();
        foreach (var line in markdown.Split('\n'))
        {
            if (!inBlock) { inBlock = line.TrimEnd() == "```console"; continue; }
            if (line.StartsWith("```", StringComparison.Ordinal) || line.StartsWith("$ ", StringComparison.Ordinal))
            {
                if (command is not null) steps.Add((command, output.ToString()));
                output.Clear();
                command = line.StartsWith("$ ", StringComparison.Ordinal) ? line[2..].TrimEnd() : null;
                if (command is null) inBlock = false;
                continue;
            }
            output.Append(line).Append('\n');
        }
        return steps;
    }

    private static async Task<string> Run(string command, string cwd, string bin)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = cwd, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec 2>&1; " + command);
        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["ORK_PORT"] = "0";
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(CommandTimeout);
        var text = process.StandardOutput.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"`$ {command}` did not finish within {CommandTimeout.TotalSeconds:0} s");
        }
        return await text;
    }

    internal static string Normalise(string text)
    {
        text = Port().Replace(text, "127.0.0.1:PORT");
        text = Duration().Replace(text, "#");
        text = Decimal().Replace(text, "#");
        text = Spaces().Replace(text, " ");
        return string.Join('\n', text.Split('\n').Select(l => l.Trim())).Trim('\n');
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "orkestra-aot.sln"))) return dir.FullName;
        throw new InvalidOperationException("orkestra-aot.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex Port();

    [GeneratedRegex(@"\d+(\.\d+)?(?= ?m?s\b)")]
    private static partial Regex Duration();

    [GeneratedRegex(@"\b\d+\.\d+\b")]
    private static partial Regex Decimal();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex Spaces();
}
