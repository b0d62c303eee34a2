using Orkestra.ApiMachinery.Yaml;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Binding;

/// <summary>
/// Per-load state: where diagnostics go, the Katalog's folder (relative paths resolve against it) and typed
/// conversions of located nodes that report a located error instead of failing. Per load; not thread-safe.
/// </summary>
internal sealed class LoadContext(DiagnosticBag diagnostics, string directory)
{
    public DiagnosticBag Diagnostics { get; } = diagnostics;

    /// <summary>Absolute folder of the Katalog file.</summary>
    public string Directory { get; } = directory;

    private readonly Dictionary<SourceText, string> _directories = [];

    /// <summary>The folder relative paths in <paramref name="source"/> resolve against (an imported Katalog's own
    /// folder, not the Komposer's).</summary>
    public void RegisterDirectory(SourceText source, string directory) => _directories[source] = directory;

    /// <summary>The folder a node's relative paths resolve against: its file's folder.</summary>
    public string DirectoryOf(YamlNode node) => _directories.TryGetValue(node.Source, out var d) ? d : Directory;

    public void Error(YamlNode at, string message) => Diagnostics.Error(at.Location, message);

    public void NotSupported(YamlScalar key, string? detail = null) =>
        Diagnostics.Error(key.Location, $"not supported yet: {key.Value}{(detail is null ? "" : " (" + detail + ")")}");

    /// <summary>A scalar's text; numbers and booleans count as their text. Null for a map, list or null.</summary>
    public string? AsString(YamlNode node, string what)
    {
        if (node is YamlScalar s)
        {
            if (s.IsNull) { Error(node, $"{what} must not be empty"); return null; }
            return s.Value;
        }
        Error(node, $"{what} must be a string, not {node.Describe()}");
        return null;
    }

    public YamlScalar? AsScalar(YamlNode node, string what)
    {
        if (node is YamlScalar s) return s;
        Error(node, $"{what} must be a value, not {node.Describe()}");
        return null;
    }

    public bool? AsBool(YamlNode node, string what)
    {
        if (node is YamlScalar s)
        {
            if (s.IsPlain && YamlScalars.TryBool(s.Value, out var plain)) return plain;
            switch (s.Value)
            {
                case "true" or "True" or "TRUE": return true;
                case "false" or "False" or "FALSE": return false;
            }
        }
        Error(node, $"{what} must be true or false, not {Show(node)}");
        return null;
    }

    public int? AsInt(YamlNode node, string what, int min, int max)
    {
        if (node is YamlScalar s && YamlScalars.TryInt(s.Value.Trim(), out var l))
        {
            if (l >= min && l <= max) return (int)l;
            Error(node, $"{what} must be between {min} and {max}, not {l}");
            return null;
        }
        Error(node, $"{what} must be a whole number, not {Show(node)}");
        return null;
    }

    public double? AsNumber(YamlNode node, string what)
    {
        if (node is YamlScalar s && YamlScalars.TryNumber(s.Value.Trim(), out var n)) return n;
        Error(node, $"{what} must be a number, not {Show(node)}");
        return null;
    }

    public TimeSpan? AsDuration(YamlNode node, string what, bool extended)
    {
        if (node is not YamlScalar s || s.IsNull)
        {
            Error(node, $"{what} must be a duration such as 30s or 1h30m{(extended ? " or 7d" : "")}, not {Show(node)}");
            return null;
        }
        if (Durations.TryParse(s.Value, extended, out var value, out var error)) return value;
        Error(node, $"{what}: {error}");
        return null;
    }

    /// <summary>A list of strings; a single string is accepted as a one-element list when <paramref name="allowSingle"/>.</summary>
    public IReadOnlyList<YamlScalar> AsStringList(YamlNode node, string what, bool allowSingle = false)
    {
        if (node is YamlList list)
        {
            var items = new List<YamlScalar>();
            for (var i = 0; i < list.Items.Count; i++)
            {
                if (list.Items[i] is YamlScalar { IsNull: false } s) items.Add(s);
                else Error(list.Items[i], $"{what}[{i}] must be a string, not {list.Items[i].Describe()}");
            }
            return items;
        }
        if (allowSingle && node is YamlScalar { IsNull: false } single) return [single];
        if (node is YamlScalar { IsNull: true }) return [];
        Error(node, $"{what} must be a list of strings, not {node.Describe()}");
        return [];
    }

    /// <summary>A map of string → string (values may be templates; they stay located scalars).</summary>
    public IReadOnlyList<KeyValuePair<string, YamlScalar>> AsStringMap(YamlNode node, string what)
    {
        if (node is YamlScalar { IsNull: true }) return [];
        if (node is not YamlMap map)
        {
            Error(node, $"{what} must be a map of names to values, not {node.Describe()}");
            return [];
        }
        var result = new List<KeyValuePair<string, YamlScalar>>();
        foreach (var entry in map.Entries)
        {
            if (entry.Value is YamlScalar s) result.Add(new(entry.Key.Value, s));
            else Error(entry.Value, $"{what}.{entry.Key.Value} must be a value, not {entry.Value.Describe()}");
        }
        return result;
    }

    /// <summary>Resolves a relative path against the Katalog's folder; a missing file is an error at the node.</summary>
    public string? ResolveFile(YamlScalar node, string what)
    {
        var path = node.Value.Trim();
        if (path.Length == 0) { Error(node, $"{what} must not be empty"); return null; }
        if (path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("https://",
            StringComparison.OrdinalIgnoreCase))
        {
            Error(node, $"not supported yet: remote {what} ({path}); use a local file");
            return null;
        }
        string full;
        try { full = Path.GetFullPath(Path.Combine(DirectoryOf(node), path)); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            Error(node, $"{what} '{path}' is not a valid path");
            return null;
        }
        if (File.Exists(full)) return full;
        Error(node, System.IO.Directory.Exists(full) ? $"{what} '{path}' is a folder, not a file"
            : $"{what} '{path}' not found (relative paths resolve against the Katalog's folder)");
        return null;
    }

    public static string Show(YamlNode node) => node is YamlScalar s
        ? (s.IsNull ? "null" : $"'{s.Value}'")
        : node.Describe();
}
