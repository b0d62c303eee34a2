using Orkestra.Runtime.Hosting;

namespace Orkestra.Runtime.Tests.Hosting;

/// <summary>The one shutdown deadline: nothing runs out before the stop, then each step's mark fires in order on the
/// injected clock, the last at the total.</summary>
public class ShutdownBudgetTests
{
    [Test]
    public void Each_step_ends_at_its_mark_after_the_stop_and_the_last_at_the_total()
    {
        var time = new ManualTimeProvider();
        using var stopping = new CancellationTokenSource();
        using var budget = new ShutdownBudget(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), time, stopping.Token);
        time.Advance(TimeSpan.FromMinutes(5));
        budget.DrainEnd.IsCancellationRequested.ShouldBeFalse("the clock starts at the stop, not at the start");
        budget.Drain.ShouldBe(TimeSpan.FromSeconds(5), "the drain gets at most half");

        stopping.Cancel();
        var marks = new (CancellationToken Token, TimeSpan At)[]
        {
            (budget.DrainEnd, TimeSpan.FromSeconds(5)), (budget.EventsEnd, TimeSpan.FromSeconds(6)),
            (budget.LeaseEnd, TimeSpan.FromSeconds(8)), (budget.End, TimeSpan.FromSeconds(10)),
        };
        var elapsed = TimeSpan.Zero;
        foreach (var (token, at) in marks)
        {
            time.Advance(at - elapsed - TimeSpan.FromMilliseconds(1));
            token.IsCancellationRequested.ShouldBeFalse($"before {at}");
            time.Advance(TimeSpan.FromMilliseconds(1));
            token.IsCancellationRequested.ShouldBeTrue($"at {at}");
            elapsed = at;
        }
    }

    [Test]
    public void A_shorter_drain_is_kept()
    {
        using var budget = new ShutdownBudget(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), new ManualTimeProvider(), default);
        budget.Drain.ShouldBe(TimeSpan.FromSeconds(2));
    }
}
