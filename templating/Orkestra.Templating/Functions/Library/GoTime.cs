using System.Globalization;
using System.Text;

namespace Orkestra.Templating.Functions.Library;

/// <summary>
/// Go's time vocabulary: duration strings ("1h30m", "1.5s", "300ms") extended with d (24h), w (7d), mo (30d) and
/// y (365d) as Orkestra accepts them; Go's duration printing; RFC 3339 timestamps; and Go reference-time layouts
/// ("2006-01-02 15:04:05"). Pure functions.
/// </summary>
internal static class GoTime
{
    private const long Nanosecond = 1;
    private const long Microsecond = 1000;
    private const long Millisecond = 1_000_000;
    private const long Second = 1_000_000_000;
    private const long Minute = 60 * Second;
    private const long Hour = 60 * Minute;
    private const long Day = 24 * Hour;

    private static readonly (string Unit, long Nanos)[] s_units =
    [
        ("ns", Nanosecond), ("us", Microsecond), ("µs", Microsecond), ("μs", Microsecond), ("ms", Millisecond),
        ("mo", 30 * Day), ("s", Second), ("m", Minute), ("h", Hour), ("d", Day), ("w", 7 * Day), ("y", 365 * Day),
    ];

    /// <summary>Parses an extended duration into nanoseconds (Go's range, ±292 years).</summary>
    public static bool TryParseDuration(string text, out long nanos)
    {
        nanos = 0;
        var s = text.Trim();
        if (s.Length == 0) return false;
        var negative = false;
        if (s[0] is '-' or '+') { negative = s[0] == '-'; s = s[1..]; }
        if (s == "0") return true;
        if (s.Length == 0) return false;
        decimal total = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (i == start || !decimal.TryParse(s[start..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                return false;
            var unit = s_units.FirstOrDefault(u => string.CompareOrdinal(s, i, u.Unit, 0, u.Unit.Length) == 0
                && !(u.Unit == "m" && i + 1 < s.Length && s[i + 1] == 's'));
            if (unit.Unit is null) return false;
            i += unit.Unit.Length;
            total += number * unit.Nanos;
            if (total > long.MaxValue) return false;
        }
        nanos = (long)decimal.Truncate(negative ? -total : total);
        return true;
    }

    /// <summary>Prints nanoseconds as Go's time.Duration.String does ("1h0m0s", "5m30s", "1.5ms", "0s").</summary>
    public static string FormatDuration(long nanos)
    {
        if (nanos == 0) return "0s";
        var sb = new StringBuilder();
        var u = nanos == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)Math.Abs(nanos);
        if (nanos < 0) sb.Append('-');
        if (u < Second)
        {
            var (unit, size) = u < Microsecond ? ("ns", 1UL) : u < Millisecond ? ("µs", (ulong)Microsecond) : ("ms", (ulong)Millisecond);
            return sb.Append(Fraction(u, size)).Append(unit).ToString();
        }
        var hours = u / Hour;
        var minutes = u % Hour / Minute;
        var seconds = u % Minute;
        if (hours > 0) sb.Append(hours).Append('h');
        if (hours > 0 || minutes > 0) sb.Append(minutes).Append('m');
        return sb.Append(Fraction(seconds, Second)).Append('s').ToString();
    }

    private static string Fraction(ulong value, ulong unit)
    {
        var whole = value / unit;
        var rest = value % unit;
        if (rest == 0) return whole.ToString(CultureInfo.InvariantCulture);
        var digits = unit.ToString(CultureInfo.InvariantCulture).Length - 1;
        return whole.ToString(CultureInfo.InvariantCulture) + "." + rest.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0')
            .TrimEnd('0');
    }

    /// <summary>Parses an RFC 3339 timestamp (or a date); the result is UTC.</summary>
    public static bool TryParseTimestamp(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time) && text.Trim().Length > 0;

    public static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Formats <paramref name="t"/> with a Go reference-time layout (Mon Jan 2 15:04:05 MST 2006).</summary>
    public static string FormatLayout(DateTimeOffset t, string layout)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        var i = 0;
        while (i < layout.Length)
        {
            bool At(string token) => string.CompareOrdinal(layout, i, token, 0, token.Length) == 0;
            string? emitted = null;
            var length = 0;
            void Emit(string token, string value) { if (emitted is null) { emitted = value; length = token.Length; } }
            var offset = t.Offset;
            var offsetSign = offset < TimeSpan.Zero ? "-" : "+";
            var off = offset.Duration();
            var z = offset == TimeSpan.Zero;

            if (At("January")) Emit("January", inv.DateTimeFormat.GetMonthName(t.Month));
            else if (At("Jan")) Emit("Jan", inv.DateTimeFormat.GetAbbreviatedMonthName(t.Month));
            else if (At("Monday")) Emit("Monday", inv.DateTimeFormat.GetDayName(t.DayOfWeek));
            else if (At("Mon")) Emit("Mon", inv.DateTimeFormat.GetAbbreviatedDayName(t.DayOfWeek));
            else if (At("MST")) Emit("MST", z ? "UTC" : $"{offsetSign}{off.Hours:00}");
            else if (At("2006")) Emit("2006", t.Year.ToString("0000", inv));
            else if (At("002")) Emit("002", t.DayOfYear.ToString("000", inv));
            else if (At("01")) Emit("01", t.Month.ToString("00", inv));
            else if (At("02")) Emit("02", t.Day.ToString("00", inv));
            else if (At("03")) Emit("03", Hour12(t).ToString("00", inv));
            else if (At("04")) Emit("04", t.Minute.ToString("00", inv));
            else if (At("05")) Emit("05", t.Second.ToString("00", inv));
            else if (At("06")) Emit("06", (t.Year % 100).ToString("00", inv));
            else if (At("15")) Emit("15", t.Hour.ToString("00", inv));
            else if (At("_2")) Emit("_2", t.Day.ToString(inv).PadLeft(2));
            else if (At("1")) Emit("1", t.Month.ToString(inv));
            else if (At("2")) Emit("2", t.Day.ToString(inv));
            else if (At("3")) Emit("3", Hour12(t).ToString(inv));
            else if (At("4")) Emit("4", t.Minute.ToString(inv));
            else if (At("5")) Emit("5", t.Second.ToString(inv));
            else if (At("PM")) Emit("PM", t.Hour >= 12 ? "PM" : "AM");
            else if (At("pm")) Emit("pm", t.Hour >= 12 ? "pm" : "am");
            else if (At("Z07:00")) Emit("Z07:00", z ? "Z" : $"{offsetSign}{off.Hours:00}:{off.Minutes:00}");
            else if (At("Z0700")) Emit("Z0700", z ? "Z" : $"{offsetSign}{off.Hours:00}{off.Minutes:00}");
            else if (At("Z07")) Emit("Z07", z ? "Z" : $"{offsetSign}{off.Hours:00}");
            else if (At("-07:00")) Emit("-07:00", $"{offsetSign}{off.Hours:00}:{off.Minutes:00}");
            else if (At("-0700")) Emit("-0700", $"{offsetSign}{off.Hours:00}{off.Minutes:00}");
            else if (At("-07")) Emit("-07", $"{offsetSign}{off.Hours:00}");
            else if (layout[i] is '.' or ',' && i + 1 < layout.Length && layout[i + 1] is '0' or '9')
            {
                var j = i + 1;
                while (j < layout.Length && layout[j] == layout[i + 1]) j++;
                if (j >= layout.Length || !char.IsAsciiDigit(layout[j]))
                {
                    var digits = (t.Ticks % TimeSpan.TicksPerSecond * 100).ToString("000000000", inv)[..Math.Min(9, j - i - 1)];
                    if (layout[i + 1] == '9') digits = digits.TrimEnd('0');
                    Emit(layout[i..j], digits.Length == 0 ? "" : layout[i] + digits);
                }
            }
            if (emitted is null) { sb.Append(layout[i]); i++; }
            else { sb.Append(emitted); i += length; }
        }
        return sb.ToString();
    }

    private static int Hour12(DateTimeOffset t) => t.Hour % 12 == 0 ? 12 : t.Hour % 12;
}
