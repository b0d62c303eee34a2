using System.Globalization;
using Fluid.Values;
using static Orkestra.Templating.Functions.Library.Args;

namespace Orkestra.Templating.Functions.Library;

/// <summary>
/// Time helpers in UTC on the render's injected clock (<see cref="RenderScope.Time"/>), so they are not deterministic.
/// Durations accept Go units plus d, w, mo, y. Unparseable input gives the documented neutral value, never an error.
/// </summary>
internal static class Time
{
    private const string C = "time";

    public static void Register(FunctionRegistry r)
    {
        r.Add(C, "timeAgo", "timeAgo TS", "how long ago TS was: \"5s ago\", \"12m ago\", \"3h ago\" or \"2d ago\"; \"\" for an invalid TS",
            1, 1, ValueShape.String, (a, in c) =>
        {
            if (!GoTime.TryParseTimestamp(Str(a[0]), out var ts)) return Str("");
            var s = Math.Max(0, (long)(c.Scope.Time.GetUtcNow() - ts).TotalSeconds);
            return Str(s < 60 ? $"{s}s ago" : s < 3600 ? $"{s / 60}m ago" : s < 86400 ? $"{s / 3600}h ago" : $"{s / 86400}d ago");
        }, deterministic: false);
        r.Add(C, "timeSince", "timeSince TS", "whole seconds elapsed since TS; 0 for an invalid TS", 1, 1, ValueShape.Number,
            (a, in c) => Num(GoTime.TryParseTimestamp(Str(a[0]), out var ts)
                ? (long)Math.Floor((c.Scope.Time.GetUtcNow() - ts).TotalSeconds) : 0), deterministic: false);
        r.Add(C, "timeUntil", "timeUntil TS",
            "the time left until TS as a Go duration (\"719h43m12s\"); \"0s\" when TS is past or invalid (for requeue.after)", 1, 1,
            ValueShape.String, (a, in c) =>
        {
            if (!GoTime.TryParseTimestamp(Str(a[0]), out var ts)) return Str("0s");
            var left = (long)Math.Ceiling((ts - c.Scope.Time.GetUtcNow()).TotalSeconds);
            return Str(left <= 0 ? "0s" : GoTime.FormatDuration(left * 1_000_000_000));
        }, deterministic: false);
        r.Add(C, "timeFormat", "timeFormat TS LAYOUT",
            "TS (in UTC) formatted with a Go layout such as \"2006-01-02\" or \"Jan 2, 2006\"; \"\" for an invalid TS", 2, 2,
            ValueShape.String,
            (a, in _) => Str(GoTime.TryParseTimestamp(Str(a[0]), out var ts) ? GoTime.FormatLayout(ts.ToUniversalTime(), Str(a[1])) : ""));
        r.Add(C, "isExpired", "isExpired TS DURATION", "true when TS + DURATION is in the past; false when either is invalid", 2, 2,
            ValueShape.Bool,
            (a, in c) => Bool(GoTime.TryParseTimestamp(Str(a[0]), out var ts) && GoTime.TryParseDuration(Str(a[1]), out var d)
                              && ts.AddTicks(d / 100) < c.Scope.Time.GetUtcNow()), deterministic: false);
        r.Add(C, "durationSeconds", "durationSeconds D", "whole seconds in duration D (\"5m\" → 300, \"7d\" → 604800); 0 when invalid", 1,
            1, ValueShape.Number,
            (a, in _) => Num(GoTime.TryParseDuration(Str(a[0]), out var d) ? d / 1_000_000_000 : 0));
        r.Add(C, "durationAdd", "durationAdd A B", "A + B as a Go duration (\"5m\" \"30s\" → \"5m30s\"); \"0s\" when either is invalid", 2,
            2, ValueShape.String, (a, in _) =>
        {
            if (!GoTime.TryParseDuration(Str(a[0]), out var x) || !GoTime.TryParseDuration(Str(a[1]), out var y)) return Str("0s");
            try { return Str(GoTime.FormatDuration(checked(x + y))); }
            catch (OverflowException) { return Str("0s"); }
        });
        r.Add(C, "durationValid", "durationValid D", "true when D is a duration (Go units plus d, w, mo, y)", 1, 1, ValueShape.Bool,
            (a, in _) => Bool(GoTime.TryParseDuration(Str(a[0]), out var _)));
        r.Add(C, "nextCron", "nextCron EXPR", "the next fire time of cron EXPR after now, RFC 3339 UTC; \"\" when EXPR is invalid", 1, 1,
            ValueShape.String,
            (a, in c) => Str(CronExpression.TryParse(Str(a[0]), out var e, out var _)
                && e.Next(c.Scope.Time.GetUtcNow().UtcDateTime) is { } next
                ? GoTime.Rfc3339(new DateTimeOffset(next)) : ""), deterministic: false);
        r.Add(C, "timeInWindow", "timeInWindow AFTER BEFORE",
            "true when now (UTC) is in [AFTER, BEFORE), both \"HH:MM\"; windows may wrap midnight; false for malformed input", 2, 2,
            ValueShape.Bool,
            (a, in c) => Bool(InWindow(Str(a[0]), Str(a[1]), c.Scope.Time) == true), deterministic: false);
        r.Add(C, "timeNotInWindow", "timeNotInWindow AFTER BEFORE",
            "true when now (UTC) is outside [AFTER, BEFORE); false for malformed input", 2, 2, ValueShape.Bool,
            (a, in c) => Bool(InWindow(Str(a[0]), Str(a[1]), c.Scope.Time) == false), deterministic: false);
        r.Add(C, "weekday", "weekday", "true when today (UTC) is Monday to Friday", 0, 0, ValueShape.Bool,
            (a, in c) => Bool(c.Scope.Time.GetUtcNow().DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)), deterministic: false);
        r.Add(C, "weekend", "weekend", "true when today (UTC) is Saturday or Sunday", 0, 0, ValueShape.Bool,
            (a, in c) => Bool(c.Scope.Time.GetUtcNow().DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday), deterministic: false);
    }

    /// <summary>Null when either bound is not "HH:MM".</summary>
    private static bool? InWindow(string after, string before, TimeProvider clock)
    {
        if (!TryClock(after, out var from) || !TryClock(before, out var to)) return null;
        var now = clock.GetUtcNow().UtcDateTime.TimeOfDay;
        return from <= to ? now >= from && now < to : now >= from || now < to;
    }

    private static bool TryClock(string s, out TimeSpan time) =>
        TimeSpan.TryParseExact(s.Trim(), [@"hh\:mm", @"h\:mm"], CultureInfo.InvariantCulture, out time) && time < TimeSpan.FromDays(1);
}
