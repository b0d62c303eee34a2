using System.Globalization;
using System.Runtime.InteropServices;

namespace Orkestra.Runtime.Memory;

/// <summary>One mapping of a file into the process, from <c>/proc/self/maps</c>.</summary>
public readonly record struct ImageMapping(ulong Start, ulong End)
{
    public ulong Length => End - Start;
}

/// <summary>What one <see cref="ImagePages.Release"/> did.</summary>
/// <param name="Mappings">Read-only mappings of the executable that were advised.</param>
/// <param name="ResidentFileBefore">The process's resident file-backed memory (<c>RssFile</c>) before, in bytes.</param>
/// <param name="ResidentFileAfter">The same after.</param>
/// <param name="Error">Why nothing was advised (not Linux, no mappings found, the kernel refused), or null.</param>
public sealed record ImageRelease(int Mappings, long ResidentFileBefore, long ResidentFileAfter, string? Error)
{
    public long ReleasedBytes => Math.Max(0, ResidentFileBefore - ResidentFileAfter);
}

/// <summary>
/// Gives the kernel back the pages of the <c>ork</c> executable that only start-up used. Native AOT code and read-only
/// data are file-backed pages of the binary; start-up (command line, Katalog parsing and compilation, kubeconfig, TLS
/// set-up, CRD checks) touches about half of the 20 MB file, and the kernel maps 64 KiB around every page touched,
/// so after start ~17 MiB of the image stay resident although the steady state runs in a fraction of it.
/// <see cref="Release"/> asks for those pages to be reclaimed (<c>madvise(MADV_PAGEOUT)</c>, Linux ≥ 5.4): clean
/// file pages are dropped, pages the process still uses fault back in from the file when next touched, and the
/// resident image settles at what the steady state needs. The mappings are marked <c>MADV_RANDOM</c> first, so a
/// page faulted back is read alone rather than with the read-around window of neighbours (which the kernel would
/// then map too): a few more, smaller reads the first time steady-state code runs after the release. Nothing is lost:
/// the kernel never discards a written page (relocated data is anonymous memory, which without swap stays), and pages
/// another process maps are skipped.
/// The kernel honours it only for a file the process owns or could open for writing (otherwise other processes'
/// use of a shared file would become observable), which is why the image's <c>/ork</c> belongs to the runtime user
/// (docs/deploy.md); elsewhere it is a no-op, reported as such (<see cref="ImageRelease.ReleasedBytes"/> = 0).
/// </summary>
public static class ImagePages
{
    private const int MadvRandom = 1;
    private const int MadvPageout = 21;

    /// <summary>
    /// The mappings of <paramref name="path"/> in a <c>/proc/PID/maps</c> text that the process cannot write (code,
    /// read-only data): writable mappings hold the process's own data and are never advised.
    /// </summary>
    public static IReadOnlyList<ImageMapping> ReadOnlyMappings(string maps, string path)
    {
        var found = new List<ImageMapping>();
        foreach (var raw in maps.Split('\n'))
        {
            // "start-end perms offset dev inode   path" — the path is everything after the fifth field.
            var line = raw.TrimEnd('\r');
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[5].Trim() != path) continue;
            var range = fields[0].Split('-');
            if (range.Length != 2 || fields[1].Length < 4 || fields[1][1] == 'w') continue;
            if (!ulong.TryParse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
                || !ulong.TryParse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end)
                || end <= start) continue;
            found.Add(new ImageMapping(start, end));
        }
        return found;
    }

    /// <summary>The value of a "Name:   N kB" line of <c>/proc/PID/status</c>, in bytes; null when absent.</summary>
    public static long? StatusKilobytes(string status, string name)
    {
        foreach (var line in status.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length <= name.Length || line[name.Length] != ':') continue;
            var value = line[(name.Length + 1)..].Trim();
            if (value.EndsWith(" kB", StringComparison.Ordinal)) value = value[..^3];
            return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
        }
        return null;
    }

    /// <summary>Advises every read-only mapping of this process's executable; never throws.</summary>
    public static ImageRelease Release()
    {
        if (!OperatingSystem.IsLinux()) return new ImageRelease(0, 0, 0, "not Linux");
        try
        {
            var before = ResidentFile();
            var executable = Environment.ProcessPath;
            if (executable is null) return new ImageRelease(0, before, before, "the executable's path is unknown");
            var mappings = ReadOnlyMappings(File.ReadAllText("/proc/self/maps"), executable);
            if (mappings.Count == 0) return new ImageRelease(0, before, before, $"no read-only mappings of {executable}");
            string? error = null;
            foreach (var m in mappings)
            {
                // Random first: a page touched again is read alone, without the read-around that would map its cold
                // neighbours back in (advisory; its failure changes nothing else).
                Madvise((nint)m.Start, (nuint)m.Length, MadvRandom);
                if (Madvise((nint)m.Start, (nuint)m.Length, MadvPageout) == 0) continue;
                var errno = Marshal.GetLastPInvokeError();
                error ??= errno == 22 ? "the kernel has no MADV_PAGEOUT (Linux < 5.4)" : $"madvise failed with errno {errno}";
            }
            return new ImageRelease(mappings.Count, before, ResidentFile(), error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or EntryPointNotFoundException or DllNotFoundException)
        {
            return new ImageRelease(0, 0, 0, e.Message);
        }
    }

    private static long ResidentFile() => StatusKilobytes(File.ReadAllText("/proc/self/status"), "RssFile") ?? 0;

    // Linked directly into the AOT binary (DirectPInvoke in the Host project); resolved from libc at run time elsewhere.
    [DllImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static extern int Madvise(nint address, nuint length, int advice);
}
