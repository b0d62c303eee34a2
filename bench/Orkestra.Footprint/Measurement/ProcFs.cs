using System.Globalization;

namespace Orkestra.Footprint.Measurement;

/// <summary>What /proc/PID/status says about memory and threads (kB values as the kernel reports them).</summary>
internal sealed record ProcStatus(long VmRssKb, long VmHwmKb, long RssAnonKb, long RssFileKb, int Threads);

/// <summary>/proc/PID/smaps_rollup: resident memory split into private and shared, and the proportional share (PSS).</summary>
internal sealed record SmapsRollup(long RssKb, long PssKb, long SharedKb, long PrivateKb, long AnonymousKb);

/// <summary>Parses the Linux /proc files the harness reads. Pure functions over the text, plus thin readers.</summary>
internal static class ProcFs
{
    /// <summary>Parses /proc/PID/status; a missing field is an error (the kernel always writes these for a live process).</summary>
    public static ProcStatus ParseStatus(string text)
    {
        var fields = Fields(text);
        return new ProcStatus(Kb(fields, "VmRSS"), Kb(fields, "VmHWM"), Kb(fields, "RssAnon"), Kb(fields, "RssFile"),
            (int)Number(fields, "Threads"));
    }

    /// <summary>Parses /proc/PID/smaps_rollup (the first line is the [rollup] range, skipped).</summary>
    public static SmapsRollup ParseSmapsRollup(string text)
    {
        var fields = Fields(text);
        return new SmapsRollup(
            Kb(fields, "Rss"), Kb(fields, "Pss"),
            Kb(fields, "Shared_Clean") + Kb(fields, "Shared_Dirty"),
            Kb(fields, "Private_Clean") + Kb(fields, "Private_Dirty"),
            Kb(fields, "Anonymous"));
    }

    public static ProcStatus ReadStatus(int pid) => ParseStatus(File.ReadAllText($"/proc/{pid}/status"));

    public static SmapsRollup ReadSmapsRollup(int pid) => ParseSmapsRollup(File.ReadAllText($"/proc/{pid}/smaps_rollup"));

    static Dictionary<string, string> Fields(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line.Contains(' ', StringComparison.Ordinal) && line.IndexOf(' ', StringComparison.Ordinal) < colon) continue;
            fields[line[..colon]] = line[(colon + 1)..].Trim();
        }
        return fields;
    }

    static long Kb(Dictionary<string, string> fields, string name)
    {
        if (!fields.TryGetValue(name, out var value)) throw new FormatException($"/proc field {name} is missing");
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || parts[1] != "kB" || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
            throw new FormatException($"/proc field {name} is not \"N kB\": '{value}'");
        return kb;
    }

    static long Number(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var value) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n : throw new FormatException($"/proc field {name} is missing or not a number");
}
