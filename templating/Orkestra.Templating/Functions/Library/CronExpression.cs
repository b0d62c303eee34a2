using System.Globalization;
using System.Text;

namespace Orkestra.Templating.Functions.Library;

/// <summary>
/// A standard five-field cron expression (minute hour day-of-month month day-of-week): '*', '?', lists, ranges,
/// steps, month and weekday names, 7 as Sunday, and the @yearly/@monthly/@weekly/@daily/@hourly macros. As in cron,
/// when both day fields are restricted a day matches either. Immutable and thread-safe once parsed.
/// </summary>
internal sealed class CronExpression
{
    public static readonly string[] FieldNames = ["minute", "hour", "dayOfMonth", "month", "dayOfWeek"];
    private static readonly (int Min, int Max)[] s_bounds = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];
    private static readonly string[] s_months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] s_days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly bool[][] _allowed;

    private CronExpression(string[] fields, bool[][] allowed)
    {
        Fields = fields;
        _allowed = allowed;
    }

    /// <summary>The five field texts, macros expanded.</summary>
    public string[] Fields { get; }

    private bool DomRestricted => !IsAny(Fields[2]);
    private bool DowRestricted => !IsAny(Fields[4]);

    /// <summary>Expands a macro and splits on white space; null unless exactly five fields remain.</summary>
    public static string[]? Split(string text)
    {
        var t = text.Trim();
        t = t.ToLowerInvariant() switch
        {
            "@yearly" or "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" or "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            _ => t,
        };
        var parts = t.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 5 ? parts : null;
    }

    public static bool TryParse(string text, out CronExpression expression, out string error)
    {
        expression = null!;
        var fields = Split(text);
        if (fields is null)
        {
            error = $"\"{text}\" is not a five-field cron expression";
            return false;
        }
        var allowed = new bool[5][];
        for (var i = 0; i < 5; i++)
        {
            allowed[i] = new bool[s_bounds[i].Max + 1];
            if (!ParseField(fields[i], i, allowed[i]))
            {
                error = $"\"{text}\": invalid {FieldNames[i]} field \"{fields[i]}\"";
                return false;
            }
        }
        if (allowed[4][7]) allowed[4][0] = true;
        expression = new CronExpression(fields, allowed);
        error = "";
        return true;
    }

    private static bool IsAny(string field) => field is "*" or "?";

    private static bool ParseField(string field, int index, bool[] into)
    {
        var (min, max) = s_bounds[index];
        foreach (var item in field.Split(','))
        {
            var step = 1;
            var range = item;
            var slash = item.IndexOf('/');
            if (slash >= 0)
            {
                if (!int.TryParse(item[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1) return false;
                range = item[..slash];
            }
            int lo, hi;
            if (IsAny(range))
            {
                (lo, hi) = (min, index == 4 ? 6 : max);
            }
            else
            {
                var dash = range.IndexOf('-');
                if (dash >= 0)
                {
                    if (!Value(range[..dash], index, out lo) || !Value(range[(dash + 1)..], index, out hi) || hi < lo) return false;
                }
                else
                {
                    if (!Value(range, index, out lo)) return false;
                    hi = slash >= 0 ? max : lo;
                }
            }
            if (lo < min || hi > max) return false;
            for (var v = lo; v <= hi; v += step) into[v] = true;
        }
        return true;
    }

    private static bool Value(string text, int index, out int value)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)) return true;
        var names = index == 3 ? s_months : index == 4 ? s_days : null;
        var i = names is null ? -1 : Array.IndexOf(names, text.ToUpperInvariant());
        value = index == 3 ? i + 1 : i;
        return i >= 0;
    }

    private bool DayMatches(DateTime t)
    {
        var dom = _allowed[2][t.Day];
        var dow = _allowed[4][(int)t.DayOfWeek];
        return DomRestricted && DowRestricted ? dom || dow : dom && dow;
    }

    /// <summary>The first fire time strictly after <paramref name="after"/> (UTC, whole minutes), or null within five years.</summary>
    public DateTime? Next(DateTime after)
    {
        var t = new DateTime(after.Year, after.Month, after.Day, after.Hour, after.Minute, 0, DateTimeKind.Utc).AddMinutes(1);
        var limit = t.AddYears(5);
        while (t < limit)
        {
            if (!_allowed[3][t.Month]) { t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1); continue; }
            if (!DayMatches(t)) { t = t.Date.AddDays(1); continue; }
            if (!_allowed[1][t.Hour]) { t = t.Date.AddHours(t.Hour + 1); continue; }
            if (!_allowed[0][t.Minute]) { t = t.AddMinutes(1); continue; }
            return t;
        }
        return null;
    }

    /// <summary>English description, e.g. "at 02:00 on Monday through Friday" or "every 5 minutes".</summary>
    public string Describe()
    {
        var (m, h, dom, mon, dow) = (Fields[0], Fields[1], Fields[2], Fields[3], Fields[4]);
        var sb = new StringBuilder();
        var fixedTime = IsNumber(m) && IsNumber(h);
        if (fixedTime) sb.Append(CultureInfo.InvariantCulture,
            $"at {int.Parse(h, CultureInfo.InvariantCulture):00}:{int.Parse(m, CultureInfo.InvariantCulture):00}");
        else if (IsAny(m) && IsAny(h)) sb.Append("every minute");
        else if (m.StartsWith("*/", StringComparison.Ordinal) && IsAny(h)) sb.Append("every ").Append(Plural(m[2..], "minute"));
        else if (IsNumber(m) && IsAny(h)) sb.Append(m == "0" ? "every hour" : $"at minute {m} of every hour");
        else if (IsNumber(m) && h.StartsWith("*/", StringComparison.Ordinal))
            sb.Append($"at minute {m} of every ").Append(Plural(h[2..], "hour"));
        else
        {
            sb.Append(IsAny(m) ? "every minute" : $"at minute {DescribeField(m, 0)}");
            if (!IsAny(h)) sb.Append(" of hour ").Append(DescribeField(h, 1));
        }

        var dayText = (DomRestricted, DowRestricted) switch
        {
            (true, true) => $"on day {DescribeField(dom, 2)} of the month or on {DescribeField(dow, 4)}",
            (true, false) => $"on day {DescribeField(dom, 2)} of the month",
            (false, true) => $"on {DescribeField(dow, 4)}",
            _ => fixedTime && IsAny(mon) ? "every day" : "",
        };
        if (dayText.Length > 0) sb.Append(' ').Append(dayText);
        if (!IsAny(mon)) sb.Append(" in ").Append(DescribeField(mon, 3));
        return sb.ToString();
    }

    private static bool IsNumber(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);

    private static string Plural(string n, string unit) => n == "1" ? unit : $"{n} {unit}s";

    private static string DescribeField(string field, int index)
    {
        var items = field.Split(',').Select(item =>
        {
            var slash = item.IndexOf('/');
            var range = slash >= 0 ? item[..slash] : item;
            var step = slash >= 0 ? item[(slash + 1)..] : null;
            var dash = range.IndexOf('-');
            var text = IsAny(range) ? "every " + (step is null ? "value" : "")
                : dash >= 0 ? $"{Name(range[..dash], index)} through {Name(range[(dash + 1)..], index)}"
                : Name(range, index);
            if (step is null) return text.TrimEnd();
            return IsAny(range) ? $"every {step}{Unit(index, step)}" : $"every {step}{Unit(index, step)} from {text}";
        }).ToArray();
        return items.Length == 1 ? items[0] : string.Join(", ", items[..^1]) + " and " + items[^1];
    }

    private static string Unit(int index, string step) => index switch
    {
        0 => step == "1" ? " minute" : " minutes",
        1 => step == "1" ? " hour" : " hours",
        2 or 4 => step == "1" ? " day" : " days",
        _ => step == "1" ? " month" : " months",
    };

    private static string Name(string value, int index)
    {
        if (!Value(value, index, out var v)) return value;
        return index switch
        {
            3 => CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(v),
            4 => CultureInfo.InvariantCulture.DateTimeFormat.GetDayName((DayOfWeek)(v % 7)),
            _ => v.ToString(CultureInfo.InvariantCulture),
        };
    }
}
