using System.Globalization;

namespace Orkestra.Footprint.Measurement;

/// <summary>One sample of the Prometheus text exposition format: name, labels, value.</summary>
internal sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// Reads the Prometheus text format (version 0.0.4) as served on <c>/metrics</c>: comment lines skipped, label values
/// unescaped (\\, \", \n), an optional timestamp after the value ignored. Malformed lines are errors, not skipped.
/// </summary>
internal static class PrometheusText
{
    public static IReadOnlyList<MetricSample> Parse(string text)
    {
        var samples = new List<MetricSample>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#') continue;
            var i = 0;
            while (i < line.Length && line[i] != '{' && line[i] != ' ') i++;
            var name = line[..i];
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (i < line.Length && line[i] == '{') i = ParseLabels(line, i + 1, labels, lineNumber);
            var rest = line[i..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (name.Length == 0 || rest.Length is 0 or > 2 || !TryValue(rest[0], out var value))
                throw new FormatException($"metrics line {lineNumber} is not 'name{{labels}} value': {line}");
            samples.Add(new MetricSample(name, labels, value));
        }
        return samples;
    }

    /// <summary>Sum of every sample named <paramref name="name"/> whose labels include all of <paramref name="match"/>; null when there is none.</summary>
    public static double? Sum(IEnumerable<MetricSample> samples, string name, IReadOnlyDictionary<string, string>? match = null)
    {
        double? sum = null;
        foreach (var s in samples)
        {
            if (s.Name != name) continue;
            if (match is not null && match.Any(m => !s.Labels.TryGetValue(m.Key, out var v) || v != m.Value)) continue;
            sum = (sum ?? 0) + s.Value;
        }
        return sum;
    }

    /// <summary>The first of <paramref name="names"/> that has samples, with its sum.</summary>
    public static (string Name, double Value)? First(IReadOnlyList<MetricSample> samples, params string[] names)
    {
        foreach (var name in names)
            if (Sum(samples, name) is { } v) return (name, v);
        return null;
    }

    static int ParseLabels(string line, int i, Dictionary<string, string> labels, int lineNumber)
    {
        while (true)
        {
            while (i < line.Length && (line[i] == ' ' || line[i] == ',')) i++;
            if (i < line.Length && line[i] == '}') return i + 1;
            var eq = line.IndexOf('=', i);
            if (eq < 0 || eq + 1 >= line.Length || line[eq + 1] != '"') throw new FormatException($"metrics line {lineNumber}: bad label at column {i + 1}");
            var key = line[i..eq].Trim();
            var value = new System.Text.StringBuilder();
            var j = eq + 2;
            for (; j < line.Length && line[j] != '"'; j++)
            {
                if (line[j] == '\\' && j + 1 < line.Length)
                {
                    j++;
                    value.Append(line[j] == 'n' ? '\n' : line[j]);
                }
                else value.Append(line[j]);
            }
            if (j >= line.Length) throw new FormatException($"metrics line {lineNumber}: unterminated label value");
            labels[key] = value.ToString();
            i = j + 1;
        }
    }

    static bool TryValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf": value = double.PositiveInfinity; return true;
            case "-Inf": value = double.NegativeInfinity; return true;
            case "NaN": value = double.NaN; return true;
            default: return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }
}
