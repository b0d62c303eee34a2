namespace Orkestra.Host.Commands;

/// <summary>
/// Minimal flag parsing shared by the commands: <c>--name value</c>, <c>--name=value</c>, repeatable flags,
/// boolean switches, and aliases. Unknown flags and missing values are usage errors with a clear message.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _switches = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public string? Error { get; private set; }

    /// <param name="valueFlags">Flags that take a value, each with its aliases: ["--katalog", "-k", "-f"].</param>
    /// <param name="switchFlags">Flags without a value.</param>
    public static CommandLine Parse(string[] args, string[][] valueFlags, string[] switchFlags)
    {
        var line = new CommandLine();
        var canonical = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var names in valueFlags) foreach (var n in names) canonical[n] = names[0];
        var switches = new HashSet<string>(switchFlags, StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (switches.Contains(arg)) { line._switches.Add(arg); continue; }
            var eq = arg.IndexOf('=');
            var name = eq > 0 && arg.StartsWith('-') ? arg[..eq] : arg;
            if (canonical.TryGetValue(name, out var flag))
            {
                string value;
                if (eq > 0 && arg.StartsWith('-')) value = arg[(eq + 1)..];
                else if (i + 1 < args.Length) value = args[++i];
                else { line.Error = $"{name} needs a value"; return line; }
                if (!line._values.TryGetValue(flag, out var list)) line._values[flag] = list = [];
                list.Add(value);
                continue;
            }
            if (arg.StartsWith('-') && arg.Length > 1) { line.Error = $"unknown flag {arg}"; return line; }
            line.Positional.Add(arg);
        }
        return line;
    }

    public IReadOnlyList<string> All(string flag) => _values.TryGetValue(flag, out var list) ? list : [];
    public string? One(string flag) => _values.TryGetValue(flag, out var list) ? list[^1] : null;
    public bool Has(string flag) => _switches.Contains(flag);
}
