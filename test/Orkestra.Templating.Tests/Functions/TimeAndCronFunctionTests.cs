using Orkestra.Templating.Functions;
using static Orkestra.Templating.Tests.Functions.FunctionTestKit;

namespace Orkestra.Templating.Tests.Functions;

/// <summary>Time and cron notes. The clock is fixed at Wednesday 2026-05-20T10:30:00Z (<see cref="FunctionTestKit.Now"/>).</summary>
public class TimeAndCronFunctionTests
{
    public static IEnumerable<TestCaseData> Rows()
    {
        // time
        yield return Row("5s ago", "timeAgo", "2026-05-20T10:29:55Z");
        yield return Row("12m ago", "timeAgo", "2026-05-20T10:18:00Z");
        yield return Row("3h ago", "timeAgo", "2026-05-20T07:30:00Z");
        yield return Row("2d ago", "timeAgo", "2026-05-18T10:00:00Z");
        yield return Row("0s ago", "timeAgo", "2026-05-21T00:00:00Z");
        yield return Row("", "timeAgo", "yesterday");
        yield return Row("90", "timeSince", "2026-05-20T10:28:30Z");
        yield return Row("90", "timeSince", "2026-05-20T12:28:30+02:00");
        yield return Row("0", "timeSince", "");
        yield return Row("-30", "timeSince", "2026-05-20T10:30:30Z");
        yield return Row("719h43m12s", "timeUntil", "2026-06-19T10:13:12Z");
        yield return Row("1m0s", "timeUntil", "2026-05-20T10:31:00Z");
        yield return Row("0s", "timeUntil", "2026-05-20T10:00:00Z");
        yield return Row("0s", "timeUntil", "soon");
        yield return Row("May 20, 2026", "timeFormat", "2026-05-20T10:30:00Z", "Jan 2, 2006");
        yield return Row("2026-05-20", "timeFormat", "2026-05-20T10:30:00Z", "2006-01-02");
        yield return Row("Wednesday 10:30:05 AM", "timeFormat", "2026-05-20T10:30:05Z", "Monday 03:04:05 PM");
        yield return Row("20/05/26 22:07 +0000", "timeFormat", "2026-05-20T22:07:00Z", "02/01/06 15:04 -0700");
        yield return Row("2026-05-20T10:30:00.25Z", "timeFormat", "2026-05-20T10:30:00.25Z", "2006-01-02T15:04:05.999Z07:00");
        yield return Row("", "timeFormat", "not a time", "2006");
        yield return Row("true", "isExpired", "2026-04-01T00:00:00Z", "30d");
        yield return Row("false", "isExpired", "2026-05-01T00:00:00Z", "30d");
        yield return Row("false", "isExpired", "2026-05-20T10:00:00Z", "1h");
        yield return Row("true", "isExpired", "2026-05-20T09:00:00Z", "1h");
        yield return Row("false", "isExpired", "garbage", "1h");
        yield return Row("false", "isExpired", "2026-01-01T00:00:00Z", "forever");
        yield return Row("300", "durationSeconds", "5m");
        yield return Row("5400", "durationSeconds", "1h30m");
        yield return Row("604800", "durationSeconds", "7d");
        yield return Row("604800", "durationSeconds", "1w");
        yield return Row("2592000", "durationSeconds", "1mo");
        yield return Row("31536000", "durationSeconds", "1y");
        yield return Row("1", "durationSeconds", "1500ms");
        yield return Row("0", "durationSeconds", "5 minutes");
        yield return Row("5m30s", "durationAdd", "5m", "30s");
        yield return Row("1h0m0s", "durationAdd", "30m", "30m");
        yield return Row("48h0m0s", "durationAdd", "1d", "1d");
        yield return Row("1.5s", "durationAdd", "1s", "500ms");
        yield return Row("0s", "durationAdd", "x", "1s");
        yield return Row("true", "durationValid", "90m");
        yield return Row("true", "durationValid", "30d");
        yield return Row("true", "durationValid", "1y2mo");
        yield return Row("false", "durationValid", "");
        yield return Row("false", "durationValid", "10");
        yield return Row("false", "durationValid", "3x");
        yield return Row("2026-05-24T02:00:00Z", "nextCron", "0 2 * * 0");
        yield return Row("2026-05-25T09:00:00Z", "nextCron", "0 9 * * 1");
        yield return Row("2026-05-20T10:35:00Z", "nextCron", "*/5 * * * *");
        yield return Row("2026-05-20T10:31:00Z", "nextCron", "* * * * *");
        yield return Row("2026-06-01T00:00:00Z", "nextCron", "@monthly");
        yield return Row("2027-02-28T00:00:00Z", "nextCron", "0 0 28 2 *");
        yield return Row("2028-02-29T12:00:00Z", "nextCron", "0 12 29 2 *");
        yield return Row("", "nextCron", "61 * * * *");
        yield return Row("", "nextCron", "0 0 30 2 *");
        yield return Row("true", "timeInWindow", "09:00", "18:00");
        yield return Row("true", "timeInWindow", "10:30", "10:31");
        yield return Row("false", "timeInWindow", "10:31", "18:00");
        yield return Row("false", "timeInWindow", "09:00", "10:30");
        yield return Row("true", "timeInWindow", "22:00", "11:00");
        yield return Row("false", "timeInWindow", "9am", "18:00");
        yield return Row("true", "timeNotInWindow", "02:00", "04:00");
        yield return Row("false", "timeNotInWindow", "09:00", "18:00");
        yield return Row("false", "timeNotInWindow", "25:00", "04:00");
        yield return Row("true", "weekday");
        yield return Row("false", "weekend");

        // cron
        yield return Row("*/5 0 * * 1", "cronFromAny", Json("""{"minute":"*/5","hour":"0","dayOfMonth":"*","month":"*","dayOfWeek":"1"}"""));
        yield return Row("0 2 * * *", "cronFromAny", Json("""{"minute":0,"hour":2}"""));
        yield return Row("*/5 0 * * 1", "cronFromAny", "  */5   0 * * 1 ");
        yield return Row("0 0 * * *", "cronFromAny", "@daily");
        yield return Row("* * * * *", "cronFromAny", Nil);
        yield return Row("* * * * *", "cronFromAny", 5);
        yield return Row("*/5 0 * * 1", "cronFromMap", Json("""{"minute":"*/5","hour":"0","dayOfWeek":"1"}"""));
        yield return Row("* * * * *", "cronFromMap", Json("""{"minute":""}"""));
        yield return Row("map[dayOfMonth:* dayOfWeek:1 hour:0 minute:*/5 month:*]", "cronToMap", "*/5 0 * * 1");
        yield return Row("map[dayOfMonth:* dayOfWeek:* hour:* minute:0 month:*]", "cronToMap", "@hourly");
        yield return Row("map[minute:5]", "cronToMap", Json("""{"minute":"5"}"""));
        yield return Row("map[dayOfMonth:* dayOfWeek:* hour:* minute:* month:*]", "cronToMap", "");
        yield return Row("0 0 * * *", "cronNormalize", "@daily");
        yield return Row("0 0 * * *", "cronNormalize", "@midnight");
        yield return Row("0 * * * *", "cronNormalize", "@hourly");
        yield return Row("0 0 * * 0", "cronNormalize", "@weekly");
        yield return Row("0 0 1 * *", "cronNormalize", "@monthly");
        yield return Row("0 0 1 1 *", "cronNormalize", "@yearly");
        yield return Row("0 0 1 1 *", "cronNormalize", "@annually");
        yield return Row("*/5 * * * *", "cronNormalize", "*/5 * * * *");
        yield return Row("* * * * *", "cronNormalize", "");
        yield return Row("* * * * *", "cronNormalize", "1 2 3");
        yield return Row("*/1 * * * *", "cronExpr", "*/1", "*", "*", "*", "*");
        yield return Row("0 * * * 1", "cronExpr", "0", "", Nil, "", "1");
        yield return Row("*/5", "cronField", "*/5 2 * * 1", 0);
        yield return Row("Mon", "cronField", "0 0 * * Mon", 4);
        yield return Row("*", "cronField", "", 3);
        yield return Row("*/5", "cronMinute", "*/5 2 * * 1");
        yield return Row("2", "cronHour", "*/5 2 * * 1");
        yield return Row("15", "cronDom", "0 0 15 * *");
        yield return Row("6", "cronMonth", "0 0 1 6 *");
        yield return Row("1", "cronDow", "0 0 * * 1");
        yield return Row("*", "cronDow", "");
        yield return Row("0", "cronMinute", "@daily");
        yield return Row("true", "cronValid", "*/5 * * * *");
        yield return Row("true", "cronValid", "0 9 * JAN-MAR MON-FRI");
        yield return Row("true", "cronValid", "@weekly");
        yield return Row("true", "cronValid", "0 0 * * 7");
        yield return Row("false", "cronValid", "60 * * * *");
        yield return Row("false", "cronValid", "* * *");
        yield return Row("false", "cronValid", "*/0 * * * *");
        yield return Row("false", "cronValid", "5-1 * * * *");
        yield return Row("false", "cronValid", "");
        yield return Row("every minute", "cronDescribe", "* * * * *");
        yield return Row("every 5 minutes", "cronDescribe", "*/5 * * * *");
        yield return Row("every hour", "cronDescribe", "0 * * * *");
        yield return Row("at minute 30 of every hour", "cronDescribe", "30 * * * *");
        yield return Row("at minute 0 of every 2 hours", "cronDescribe", "0 */2 * * *");
        yield return Row("at 02:00 every day", "cronDescribe", "0 2 * * *");
        yield return Row("at 00:00 every day", "cronDescribe", "@daily");
        yield return Row("at 09:00 on Monday through Friday", "cronDescribe", "0 9 * * 1-5");
        yield return Row("at 02:00 on Sunday", "cronDescribe", "0 2 * * 0");
        yield return Row("at 18:30 on Monday, Wednesday and Friday", "cronDescribe", "30 18 * * MON,WED,FRI");
        yield return Row("at 00:00 on day 1 of the month", "cronDescribe", "@monthly");
        yield return Row("at 00:00 on day 1 of the month in January", "cronDescribe", "@yearly");
        yield return Row("at 12:00 on day 1 and 15 of the month or on Sunday", "cronDescribe", "0 12 1,15 * 0");
        yield return Row("at minute 0 and 30 of hour 9 through 17 on Monday through Friday", "cronDescribe", "0,30 9-17 * * 1-5");
    }

    public static IEnumerable<TestCaseData> Errors()
    {
        yield return Error("expected a map, got \"*/5 * * * *\"", "cronFromMap", "*/5 * * * *");
        yield return Error("is not a five-field cron expression", "cronToMap", "1 2 3");
        yield return Error("index 5 is out of range 0..4", "cronField", "* * * * *", 5);
        yield return Error("is not a five-field cron expression", "cronHour", "0 0 *");
        yield return Error("invalid minute field \"61\"", "cronDescribe", "61 * * * *");
        yield return Error("is not a five-field cron expression", "cronDescribe", "hello");
    }

    [TestCaseSource(nameof(Rows))]
    public void Returns(string name, object?[] args, string expected) => AssertRow(name, args, expected);

    [TestCaseSource(nameof(Errors))]
    public void Fails(string name, object?[] args, string fragment) => AssertError(name, args, fragment);

    [Test]
    public void WeekdayAndWeekendFollowTheInjectedClock()
    {
        var saturday = new DateTimeOffset(2026, 5, 23, 12, 0, 0, TimeSpan.Zero);
        Orkestra.Templating.Values.GoValues.Format(CallAt(saturday, "weekend")).ShouldBe("true");
        Orkestra.Templating.Values.GoValues.Format(CallAt(saturday, "weekday")).ShouldBe("false");
    }

    [TestCase("timeAgo")]
    [TestCase("timeSince")]
    [TestCase("timeUntil")]
    [TestCase("isExpired")]
    [TestCase("nextCron")]
    [TestCase("timeInWindow")]
    [TestCase("timeNotInWindow")]
    [TestCase("weekday")]
    [TestCase("weekend")]
    public void ClockFunctionsAreMarkedNonDeterministic(string name)
    {
        FunctionRegistry.Standard.TryGet(name, out var f).ShouldBeTrue();
        f.Deterministic.ShouldBeFalse();
    }

    [TestCase("timeFormat")]
    [TestCase("durationAdd")]
    [TestCase("cronDescribe")]
    public void PureTimeFunctionsStayDeterministic(string name)
    {
        FunctionRegistry.Standard.TryGet(name, out var f).ShouldBeTrue();
        f.Deterministic.ShouldBeTrue();
    }
}
