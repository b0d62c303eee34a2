using Orkestra.ApiMachinery.Yaml;
using Orkestra.Katalog.Diagnostics;

namespace Orkestra.Katalog.Syntax;

/// <summary>
/// One loaded file's text, kept so that any position inside a scalar (e.g. a template error at offset 12 of a
/// folded block) can be turned back into file:line:col. Shared, immutable.
/// </summary>
public sealed class SourceText
{
    private readonly int[] _lineStarts;

    public SourceText(string file, string text)
    {
        File = file;
        Text = text;
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++) if (text[i] == '\n') starts.Add(i + 1);
        _lineStarts = starts.ToArray();
    }

    /// <summary>The path as the user gave it (used in every diagnostic).</summary>
    public string File { get; }

    /// <summary>The file's text with line endings normalised to <c>\n</c>.</summary>
    public string Text { get; }

    /// <summary>The 1-based line and column of a character index (clamped into the text).</summary>
    public SourceLocation Location(int index)
    {
        index = Math.Clamp(index, 0, Text.Length);
        var line = Array.BinarySearch(_lineStarts, index);
        if (line < 0) line = ~line - 1;
        return new SourceLocation(File, line + 1, index - _lineStarts[line] + 1);
    }
}

/// <summary>How a scalar was written; decides its type (only plain scalars are typed) and how offsets map back.</summary>
public enum YamlScalarStyle { Plain, SingleQuoted, DoubleQuoted, Literal, Folded }

/// <summary>
/// A node of the located YAML tree: every node knows where it starts in its file. Shared, immutable.
/// The tree is what the loader binds to model records; templated subtrees (child entries, custom specs, status
/// values) stay as nodes in the model so the compiler can compile them with exact positions.
/// </summary>
public abstract class YamlNode(SourceText source, int start, int end)
{
    public SourceText Source { get; } = source;

    /// <summary>Character index of the node's first character (for quoted scalars: the quote).</summary>
    public int Start { get; } = start;

    /// <summary>Character index just after the node.</summary>
    public int End { get; } = end;

    public SourceLocation Location => Source.Location(Start);

    /// <summary>"a string", "a map", "a list": used in messages.</summary>
    public abstract string Describe();
}

/// <summary>A scalar with its decoded value and its style.</summary>
public sealed class YamlScalar(SourceText source, int start, int end, string value, YamlScalarStyle style)
    : YamlNode(source, start, end)
{
    public string Value { get; } = value;
    public YamlScalarStyle Style { get; } = style;

    /// <summary>Plain scalars are typed as Kubernetes types YAML (<see cref="YamlScalars"/>); every other style is a string.</summary>
    public bool IsPlain => Style == YamlScalarStyle.Plain;

    /// <summary>What the scalar is: <see cref="YamlScalars.Classify"/> of a plain one, a string otherwise.</summary>
    public YamlScalarKind Kind => IsPlain ? YamlScalars.Classify(Value) : YamlScalarKind.String;

    /// <summary>Plain <c>null</c>, <c>~</c> or nothing at all.</summary>
    public bool IsNull => IsPlain && YamlScalars.IsNull(Value);

    /// <summary>Text containing <c>{{</c> is a template (Orkestra's rule), whatever the style.</summary>
    public bool IsTemplate => Value.Contains("{{", StringComparison.Ordinal);

    /// <summary>File position of a character offset inside <see cref="Value"/> (as exact as the style allows).</summary>
    public SourceLocation LocationOf(int valueOffset) =>
        Source.Location(ScalarPositions.RawIndex(this, valueOffset));

    public override string Describe() => IsNull ? "null" : Kind switch
    {
        YamlScalarKind.Int or YamlScalarKind.Float => "a number",
        YamlScalarKind.Bool => "a boolean",
        _ => "a string",
    };
}

/// <summary>A key and its value, in file order.</summary>
public sealed record YamlEntry(YamlScalar Key, YamlNode Value);

/// <summary>A mapping; keys are unique (duplicates are reported by the reader).</summary>
public sealed class YamlMap(SourceText source, int start, int end, IReadOnlyList<YamlEntry> entries)
    : YamlNode(source, start, end)
{
    public IReadOnlyList<YamlEntry> Entries { get; } = entries;

    public YamlEntry? Find(string key)
    {
        foreach (var entry in Entries) if (entry.Key.Value == key) return entry;
        return null;
    }

    public override string Describe() => "a map";
}

/// <summary>A sequence.</summary>
public sealed class YamlList(SourceText source, int start, int end, IReadOnlyList<YamlNode> items)
    : YamlNode(source, start, end)
{
    public IReadOnlyList<YamlNode> Items { get; } = items;

    public override string Describe() => "a list";
}
