using System.Globalization;
using System.Text;
using Fluid.Values;
using Orkestra.Templating.Values;

namespace Orkestra.Templating.Functions;

/// <summary>Go's fmt formatting for template values: the verbs templates use, with flags, width and precision.</summary>
internal static class GoFormat
{
    /// <summary>A value as fmt's %v prints it (nil as &lt;nil&gt;, unlike template output).</summary>
    public static string Plain(FluidValue value) => GoValues.IsNil(value) ? "<nil>" : GoValues.Format(value);

    public static string Sprintf(string format, ReadOnlySpan<FluidValue> args)
    {
        var sb = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%') { sb.Append(c); continue; }
            if (++i >= format.Length) { sb.Append("%!(NOVERB)"); break; }
            // flags
            bool minus = false, plus = false, zero = false, space = false, sharp = false;
            for (; i < format.Length; i++)
            {
                switch (format[i])
                {
                    case '-': minus = true; continue;
                    case '+': plus = true; continue;
                    case '0': zero = true; continue;
                    case ' ': space = true; continue;
                    case '#': sharp = true; continue;
                }
                break;
            }
            var width = ReadNumber(format, ref i);
            int? precision = null;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                precision = ReadNumber(format, ref i) ?? 0;
            }
            if (i >= format.Length) { sb.Append("%!(NOVERB)"); break; }
            var verb = format[i];
            if (verb == '%') { sb.Append('%'); continue; }
            if (next >= args.Length) { sb.Append("%!").Append(verb).Append("(MISSING)"); continue; }
            var arg = args[next++];
            var text = FormatOne(verb, arg, plus, space, sharp, precision);
            if (width is { } w && text.Length < w)
            {
                var pad = w - text.Length;
                if (minus) text += new string(' ', pad);
                else if (zero && verb is 'd' or 'f' or 'e' or 'g' or 'x' or 'X' or 'o' or 'b')
                {
                    var sign = text.Length > 0 && text[0] is '-' or '+' ? text[..1] : "";
                    text = sign + new string('0', pad) + text[sign.Length..];
                }
                else text = new string(' ', pad) + text;
            }
            sb.Append(text);
        }
        if (next < args.Length)
        {
            sb.Append("%!(EXTRA ");
            for (var k = next; k < args.Length; k++)
            {
                if (k > next) sb.Append(", ");
                sb.Append(GoValues.TypeName(args[k])).Append('=').Append(Plain(args[k]));
            }
            sb.Append(')');
        }
        return sb.ToString();
    }

    private static int? ReadNumber(string format, ref int i)
    {
        var start = i;
        while (i < format.Length && char.IsAsciiDigit(format[i])) i++;
        return i > start ? int.Parse(format.AsSpan(start, i - start), CultureInfo.InvariantCulture) : null;
    }

    private static string FormatOne(char verb, FluidValue arg, bool plus, bool space, bool sharp, int? precision)
    {
        var kind = GoValues.Kind(arg);
        switch (verb)
        {
            case 'v':
                return Plain(arg);
            case 's':
                var s = Plain(arg);
                return precision is { } p && p < s.Length ? s[..p] : s;
            case 'q':
                return kind == GoKind.Number && GoValues.IsInteger(arg)
                    ? "'" + char.ConvertFromUtf32((int)arg.ToNumberValue()) + "'"
                    : Quote(Plain(arg));
            case 't':
                return kind == GoKind.Bool ? Plain(arg) : Bad(verb, arg);
            case 'd' when kind == GoKind.Number && GoValues.IsInteger(arg):
                return Signed(((long)arg.ToNumberValue()).ToString(CultureInfo.InvariantCulture), plus, space);
            case 'f' or 'F' when kind == GoKind.Number:
                return Signed(((double)arg.ToNumberValue()).ToString("F" + (precision ?? 6), CultureInfo.InvariantCulture), plus, space);
            case 'e' when kind == GoKind.Number:
                return Signed(GoExponent(((double)arg.ToNumberValue()).ToString("e" + (precision ?? 6), CultureInfo.InvariantCulture)),
                    plus, space);
            case 'g' when kind == GoKind.Number:
                return Signed(GoValues.FormatNumber(arg.ToNumberValue()), plus, space);
            case 'x' or 'X' or 'o' or 'b' when kind == GoKind.Number && GoValues.IsInteger(arg):
            {
                var n = (long)arg.ToNumberValue();
                var magnitude = (ulong)(n < 0 ? -n : n);
                var digits = verb switch
                {
                    'x' => magnitude.ToString("x", CultureInfo.InvariantCulture),
                    'X' => magnitude.ToString("X", CultureInfo.InvariantCulture),
                    'o' => Convert.ToString((long)magnitude, 8),
                    _ => Convert.ToString((long)magnitude, 2),
                };
                if (sharp) digits = (verb switch { 'x' => "0x", 'X' => "0X", 'o' => "0", _ => "0b" }) + digits;
                return (n < 0 ? "-" : plus ? "+" : "") + digits;
            }
            case 'x' or 'X' when kind == GoKind.String:
            {
                var hex = Convert.ToHexString(Encoding.UTF8.GetBytes(arg.ToStringValue()));
                return verb == 'x' ? hex.ToLowerInvariant() : hex;
            }
            case 'c' when kind == GoKind.Number && GoValues.IsInteger(arg):
                return char.ConvertFromUtf32((int)arg.ToNumberValue());
            default:
                return Bad(verb, arg);
        }
    }

    private static string Signed(string text, bool plus, bool space) =>
        text.StartsWith('-') ? text : plus ? "+" + text : space ? " " + text : text;

    private static string GoExponent(string dotnet)
    {
        // .NET: 1.500000e+003 → Go: 1.500000e+03
        var e = dotnet.IndexOf('e');
        if (e < 0) return dotnet;
        var sign = dotnet[e + 1];
        var exponent = dotnet[(e + 2)..].TrimStart('0');
        if (exponent.Length < 2) exponent = exponent.PadLeft(2, '0');
        return dotnet[..(e + 1)] + sign + exponent;
    }

    private static string Bad(char verb, FluidValue arg) => $"%!{verb}({GoValues.TypeName(arg)}={Plain(arg)})";

    public static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (c < ' ') sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
