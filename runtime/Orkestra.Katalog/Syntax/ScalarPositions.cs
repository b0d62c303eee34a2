
namespace Orkestra.Katalog.Syntax;

/// <summary>
/// Maps a character offset inside a scalar's decoded value back to its index in the file, per style:
/// plain and quoted scalars undo line folding, <c>''</c> and backslash escapes; literal and folded blocks strip
/// the block indentation and line separators. Where the decoded text and the source cannot be aligned (an
/// explicit indentation indicator, unusual folding) the position falls back to the nearest aligned character,
/// never outside the scalar. Computed on demand (error paths only). Pure; thread-safe.
/// </summary>
internal static class ScalarPositions
{
    public static int RawIndex(YamlScalar scalar, int valueOffset)
    {
        var map = Map(scalar);
        if (map.Length == 0) return scalar.Start;
        return map[Math.Clamp(valueOffset, 0, map.Length - 1)];
    }

    /// <summary>File index for every value character, plus one entry for the end of the value.</summary>
    internal static int[] Map(YamlScalar scalar)
    {
        var value = scalar.Value;
        var map = new int[value.Length + 1];
        Array.Fill(map, -1);
        var text = scalar.Source.Text;
        var end = Math.Min(scalar.End, text.Length);
        if (scalar.Style is YamlScalarStyle.Literal or YamlScalarStyle.Folded) MapBlock(text, scalar.Start, end, value, map,
            scalar.Style == YamlScalarStyle.Folded);
        else MapFlow(text, scalar.Start, end, value, map, scalar.Style);

        // Fill gaps from the last aligned position; the end entry points just past the last character.
        var last = scalar.Start;
        for (var i = 0; i < value.Length; i++)
        {
            if (map[i] < 0) map[i] = last;
            else last = map[i];
        }
        map[value.Length] = value.Length == 0 ? scalar.Start : Math.Min(map[value.Length - 1] + 1, Math.Max(end, scalar.Start));
        return map;
    }

    private static void MapFlow(string text, int start, int end, string value, int[] map, YamlScalarStyle style)
    {
        var quoted = style != YamlScalarStyle.Plain;
        var i = quoted ? start + 1 : start;
        var limit = quoted ? Math.Max(i, end - 1) : end;
        var v = 0;
        while (i < limit && v < value.Length)
        {
            var c = text[i];
            if (style == YamlScalarStyle.DoubleQuoted && c == '\\' && i + 1 < limit)
            {
                var next = text[i + 1];
                if (next == '\n')
                {
                    i += 2;
                    while (i < limit && text[i] is ' ' or '\t') i++;
                    continue;
                }
                var length = next switch { 'x' => 4, 'u' => 6, 'U' => 10, _ => 2 };
                map[v++] = i;
                if (v < value.Length && char.IsLowSurrogate(value[v])) map[v++] = i;
                i += length;
                continue;
            }
            if (style == YamlScalarStyle.SingleQuoted && c == '\'' && i + 1 < limit && text[i + 1] == '\'')
            {
                map[v++] = i;
                i += 2;
                continue;
            }
            if (c is ' ' or '\t')
            {
                var j = i;
                while (j < limit && text[j] is ' ' or '\t') j++;
                if (j < limit && text[j] == '\n') { i = j; continue; } // trailing white space before a fold is dropped
                map[v++] = i++;
                continue;
            }
            if (c == '\n')
            {
                var breakAt = i;
                i++;
                var emptyLines = 0;
                while (true)
                {
                    while (i < limit && text[i] is ' ' or '\t') i++;
                    if (i < limit && text[i] == '\n') { emptyLines++; i++; }
                    else break;
                }
                for (var k = 0; k < Math.Max(1, emptyLines) && v < value.Length; k++) map[v++] = breakAt;
                continue;
            }
            map[v++] = i++;
        }
    }

    private static void MapBlock(string text, int start, int end, string value, int[] map, bool folded)
    {
        var i = text.IndexOf('\n', start);
        if (i < 0 || i >= end) return;
        i++;
        var indent = -1;
        var v = 0;
        var first = true;
        var previousLineEnd = i;
        while (i < end && v < value.Length)
        {
            var lineEnd = text.IndexOf('\n', i);
            if (lineEnd < 0 || lineEnd > end) lineEnd = end;
            var spaces = 0;
            while (i + spaces < lineEnd && text[i + spaces] == ' ') spaces++;
            if (i + spaces == lineEnd)
            {
                // A blank line: its line break is consumed as a separator before the next content line.
                i = lineEnd + 1;
                continue;
            }
            if (indent < 0) indent = spaces;
            var contentStart = i + Math.Min(indent, spaces);
            if (!first)
            {
                var consumedBreak = false;
                while (v < value.Length && value[v] == '\n') { map[v++] = previousLineEnd; consumedBreak = true; }
                if (folded && !consumedBreak && v < value.Length && value[v] == ' '
                    && text[contentStart] != ' ') map[v++] = previousLineEnd;
            }
            first = false;
            for (var k = contentStart; k < lineEnd && v < value.Length; k++)
            {
                if (value[v] != text[k]) break;
                map[v++] = k;
            }
            previousLineEnd = lineEnd;
            i = lineEnd + 1;
        }
    }
}
