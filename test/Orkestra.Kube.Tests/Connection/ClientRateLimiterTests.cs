using Orkestra.Kube.Connection;
using Orkestra.Kube.Tests.Support;

namespace Orkestra.Kube.Tests.Connection;

public sealed class ClientRateLimiterTests
{
    [Test]
    public async Task Burst_passes_at_once_then_requests_wait_for_refill_in_arrival_order()
    {
        var time = new ManualTimeProvider();
        var limiter = new ClientRateLimiter(qps: 2, burst: 3, time);

        for (var i = 0; i < 3; i++) limiter.WaitAsync(CancellationToken.None).IsCompleted.ShouldBeTrue();
        var fourth = limiter.WaitAsync(CancellationToken.None).AsTask();
        var fifth = limiter.WaitAsync(CancellationToken.None).AsTask();
        fourth.IsCompleted.ShouldBeFalse();

        time.Advance(TimeSpan.FromMilliseconds(499));
        fourth.IsCompleted.ShouldBeFalse();
        time.Advance(TimeSpan.FromMilliseconds(1));
        await fourth.WaitAsync(Fakes.Timeout());
        fifth.IsCompleted.ShouldBeFalse();
        time.Advance(TimeSpan.FromMilliseconds(500));
        await fifth.WaitAsync(Fakes.Timeout());
    }

    [Test]
    public void Tokens_refill_up_to_the_burst_only()
    {
        var time = new ManualTimeProvider();
        var limiter = new ClientRateLimiter(qps: 10, burst: 2, time);
        time.Advance(TimeSpan.FromHours(1));

        limiter.WaitAsync(CancellationToken.None).IsCompleted.ShouldBeTrue();
        limiter.WaitAsync(CancellationToken.None).IsCompleted.ShouldBeTrue();
        limiter.WaitAsync(CancellationToken.None).IsCompleted.ShouldBeFalse();
    }

    [Test]
    public async Task A_cancelled_wait_returns_its_reservation()
    {
        var time = new ManualTimeProvider();
        var limiter = new ClientRateLimiter(qps: 1, burst: 1, time);
        limiter.WaitAsync(CancellationToken.None).IsCompleted.ShouldBeTrue();
        using var cancel = new CancellationTokenSource();
        var waiting = limiter.WaitAsync(cancel.Token).AsTask();
        cancel.Cancel();
        await Should.ThrowAsync<OperationCanceledException>(() => waiting.WaitAsync(Fakes.Timeout()));

        time.Advance(TimeSpan.FromSeconds(1));
        limiter.WaitAsync(CancellationToken.None).IsCompleted.ShouldBeTrue();
    }

    [Test]
    public void Zero_qps_means_unlimited()
    {
        var limiter = new ClientRateLimiter(qps: 0, burst: 0, new ManualTimeProvider());
        for (var i = 0; i < 1000; i++) limiter.WaitAsync(CancellationToken.None).IsCompleted.ShouldBeTrue();
    }
}
