using System.Globalization;

namespace Orkestra.Katalog.Syntax;

/// <summary>
/// Go duration syntax (<c>1h30m</c>, <c>500ms</c>, <c>1.5s</c>, <c>0</c>; units ns us ms s m h, and the micro sign
/// form of us) plus Orkestra's extended units for <c>sleep</c>/<c>rotateAfter</c>-style fields (<c>d</c> = 24h,
/// <c>w</c> = 7d, <c>mo</c> = 30d, <c>y</c> = 365d). Negative durations are rejected. Pure; thread-safe.
/// </summary>
public static class Durations
{
    public static bool TryParse(string text, bool extended, out TimeSpan value, out string? error)
    {
        value = TimeSpan.Zero;
        error = null;
        var s = text.Trim();
        if (s == "0") return true;
        if (s.Length == 0) { error = "a duration cannot be empty"; return false; }
        if (s[0] == '-') { error = $"duration \"{text}\" must not be negative"; return false; }
        if (s[0] == '+') s = s[1..];
        var i = 0;
        double ticks = 0;
        while (i < s.Length)
        {
            var numberStart = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (i == numberStart || !double.TryParse(s.AsSpan(numberStart, i - numberStart), NumberStyles.AllowDecimalPoint,
                CultureInfo.InvariantCulture, out var number))
            {
                error = $"invalid duration \"{text}\": expected a number at \"{s[numberStart..]}\"";
                return false;
            }
            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.') i++;
            var unit = s[unitStart..i];
            double? perUnit = unit switch
            {
                "ns" => 0.01,
                "us" or "\u00B5s" or "\u03BCs" => 10,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                "d" when extended => TimeSpan.TicksPerDay,
                "w" when extended => TimeSpan.TicksPerDay * 7,
                "mo" when extended => TimeSpan.TicksPerDay * 30,
                "y" when extended => TimeSpan.TicksPerDay * 365,
                _ => null,
            };
            if (perUnit is null)
            {
                var units = extended ? "ns, us, ms, s, m, h, d, w, mo, y" : "ns, us, ms, s, m, h";
                error = unit.Length == 0
                    ? $"invalid duration \"{text}\": missing unit (use {units})"
                    : $"invalid duration \"{text}\": unknown unit \"{unit}\" (use {units})";
                return false;
            }
            ticks += number * perUnit.Value;
        }
        if (ticks > TimeSpan.MaxValue.Ticks) { error = $"duration \"{text}\" is too large"; return false; }
        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }
}
