using Orkestra.ApiMachinery.Wait;

namespace Orkestra.ApiMachinery.Tests.Wait;

public sealed class BackoffTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Test]
    public void Without_jitter_the_delay_grows_by_the_multiplier_up_to_the_cap_exactly()
    {
        var backoff = new Backoff(Ms(5), TimeSpan.FromSeconds(1000));
        Enumerable.Range(1, 4).Select(n => backoff.Delay(n, 0.99)).ShouldBe([Ms(5), Ms(10), Ms(20), Ms(40)]);
        backoff.Delay(60).ShouldBe(TimeSpan.FromSeconds(1000));
        new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), 3).Delay(3).ShouldBe(TimeSpan.FromSeconds(9));
    }

    [Test]
    public void The_first_failure_waits_initial_and_never_more_than_max()
    {
        new Backoff(Ms(5), Ms(100)).Delay(0).ShouldBe(Ms(5));
        new Backoff(Ms(500), Ms(100)).Delay(1).ShouldBe(Ms(100));
    }

    [Test]
    public void Overflow_and_not_a_number_are_the_cap()
    {
        new Backoff(TimeSpan.FromDays(1), TimeSpan.FromDays(2), double.MaxValue).Delay(5).ShouldBe(TimeSpan.FromDays(2));
        new Backoff(TimeSpan.Zero, Ms(7), double.PositiveInfinity).Delay(3).ShouldBe(Ms(7));
        new Backoff(Ms(1), Ms(7)).Delay(int.MaxValue).ShouldBe(Ms(7));
    }

    [Test]
    public void Equal_jitter_lies_between_half_the_ceiling_and_the_ceiling()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)).WithEqualJitter();
        backoff.Delay(3, 0).ShouldBe(TimeSpan.FromSeconds(2));
        backoff.Delay(3, 0.5).ShouldBe(TimeSpan.FromSeconds(3));
        backoff.Delay(3, 1.0).ShouldBe(TimeSpan.FromSeconds(4));
        backoff.Delay(9, 1.0).ShouldBe(TimeSpan.FromSeconds(5), "jitter never exceeds the cap");
    }

    [Test]
    public void A_constant_period_with_jitter_up_to_a_factor_is_client_gos_wait_jitter()
    {
        var backoff = Backoff.Constant(TimeSpan.FromSeconds(2)).WithJitterUpTo(0.2);
        backoff.Delay(1, 0).ShouldBe(TimeSpan.FromSeconds(2));
        backoff.Delay(7, 0.5).ShouldBe(TimeSpan.FromSeconds(2.2));
        Backoff.Constant(TimeSpan.FromSeconds(2)).WithJitterUpTo(0).Delay(3, 0.9).ShouldBe(TimeSpan.FromSeconds(2));
    }
}
