using Orkestra.ApiMachinery.Meta;

namespace Orkestra.ApiMachinery.Tests.Meta;

public sealed class KubeTimeTests
{
    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 1, 2, 16, 4, 5, TimeSpan.FromHours(1)).AddTicks(1_234_567);

    [Test]
    public void Time_is_utc_whole_seconds() => KubeTime.Format(At).ShouldBe("2026-01-02T15:04:05Z");

    [Test]
    public void MicroTime_is_utc_with_six_fractional_digits() => KubeTime.FormatMicro(At).ShouldBe("2026-01-02T15:04:05.123456Z");

    [TestCase("2026-01-02T15:04:05Z", 0)]
    [TestCase("2026-01-02T15:04:05.123456Z", 1_234_560)]
    [TestCase("2026-01-02T15:04:05.123456789Z", 1_234_567)]
    [TestCase("2026-01-02T16:04:05+01:00", 0)]
    public void Rfc3339_of_any_precision_and_offset_reads_as_utc(string text, long ticks)
    {
        KubeTime.TryParse(text, out var time).ShouldBeTrue();
        time.Offset.ShouldBe(TimeSpan.Zero);
        time.ShouldBe(new DateTimeOffset(2026, 1, 2, 15, 4, 5, TimeSpan.Zero).AddTicks(ticks));
    }

    [TestCase("2026-01-02")]
    [TestCase("2026-01-02T15:04:05")]
    [TestCase("2026-01-02 15:04:05Z")]
    [TestCase("yesterday")]
    [TestCase("")]
    [TestCase(null)]
    public void Anything_else_is_not_a_timestamp(string? text) => KubeTime.TryParse(text, out _).ShouldBeFalse();

    [Test]
    public void What_is_written_reads_back() =>
        (KubeTime.TryParse(KubeTime.FormatMicro(At), out var back) ? back : default).ShouldBe(At.AddTicks(-7));
}
