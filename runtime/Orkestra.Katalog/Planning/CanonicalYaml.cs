using System.Text;
using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Planning;

/// <summary>
/// A located YAML subtree printed one way, whatever the file's layout: two-space indentation, keys in file order,
/// block lists, plain scalars as written, quoted ones double-quoted, multi-line ones as <c>|</c> blocks; comments and
/// flow style are gone. Two trees that mean the same print the same lines, so a diff of the lines shows only changes
/// of meaning (and of key order). Pure.
/// </summary>
public static class CanonicalYaml
{
    public static IReadOnlyList<string> Lines(YamlNode node)
    {
        var lines = new List<string>();
        Write(lines, node, 0);
        return lines;
    }

    private static void Write(List<string> lines, YamlNode node, int indent)
    {
        var pad = new string(' ', indent);
        switch (node)
        {
            case YamlMap { Entries.Count: 0 }:
                lines.Add(pad + "{}");
                break;
            case YamlMap map:
                foreach (var entry in map.Entries) WriteEntry(lines, Scalar(entry.Key), entry.Value, indent);
                break;
            case YamlList { Items.Count: 0 }:
                lines.Add(pad + "[]");
                break;
            case YamlList list:
                foreach (var item in list.Items)
                {
                    var first = lines.Count;
                    Write(lines, item, indent + 2);
                    // "- " takes the place of the first line's indentation
                    lines[first] = pad + "- " + lines[first][(indent + 2)..];
                }
                break;
            case YamlScalar scalar:
                foreach (var line in ScalarLines(scalar, indent)) lines.Add(line);
                break;
        }
    }

    private static void WriteEntry(List<string> lines, string key, YamlNode value, int indent)
    {
        var pad = new string(' ', indent);
        switch (value)
        {
            case YamlMap { Entries.Count: > 0 } or YamlList { Items.Count: > 0 }:
                lines.Add($"{pad}{key}:");
                Write(lines, value, indent + 2);
                break;
            case YamlScalar scalar when IsBlock(scalar):
                var block = ScalarLines(scalar, indent + 2);
                lines.Add($"{pad}{key}: {block[0].TrimStart()}");
                lines.AddRange(block.Skip(1));
                break;
            default:
                var one = new List<string>();
                Write(one, value, 0);
                lines.Add($"{pad}{key}: {one[0]}");
                break;
        }
    }

    private static bool IsBlock(YamlScalar scalar) => scalar.Value.Contains('\n', StringComparison.Ordinal);

    private static string[] ScalarLines(YamlScalar scalar, int indent)
    {
        var pad = new string(' ', indent);
        if (!IsBlock(scalar)) return [pad + Scalar(scalar)];
        var text = scalar.Value;
        var header = text.EndsWith('\n') ? "|" : "|-";
        var body = text.TrimEnd('\n').Split('\n').Select(l => l.Length == 0 ? "" : pad + l);
        return [pad + header, .. body];
    }

    private static string Scalar(YamlScalar scalar)
    {
        if (scalar.IsPlain) return scalar.Value.Length == 0 ? "null" : scalar.Value;
        var sb = new StringBuilder("\"");
        foreach (var c in scalar.Value)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\t' => "\\t",
                '\r' => "\\r",
                _ => c.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }
}
