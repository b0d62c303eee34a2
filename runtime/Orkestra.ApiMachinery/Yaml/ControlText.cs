using System.Globalization;
using System.Text;

namespace Orkestra.ApiMachinery.Yaml;

/// <summary>
/// Makes text from user input safe to print in a located error: every control character (C0, DEL, C1, and the line
/// and paragraph separators) becomes an escape — <c>\n</c>, <c>\r</c>, <c>\t</c> or <c>\u001B</c> — so an input cannot
/// move the cursor, recolour a terminal or forge a second line of output. Other text is unchanged. Pure.
/// </summary>
public static class ControlText
{
    public static string Escape(string text)
    {
        if (!text.Any(NeedsEscape)) return text;
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (!NeedsEscape(c)) builder.Append(c);
            else if (c == '\n') builder.Append("\\n");
            else if (c == '\r') builder.Append("\\r");
            else if (c == '\t') builder.Append("\\t");
            else builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    private static bool NeedsEscape(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
