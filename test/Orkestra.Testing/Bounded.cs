namespace Orkestra.Testing;

/// <summary>
/// Every wait in a test has a bound. <see cref="Within(Task, TimeSpan?)"/> bounds an await;
/// <see cref="UntilAsync(Func{bool}, string, TimeSpan?, Func{string}?)"/> polls a condition that has no event to
/// await, with a short delay between checks (never a busy loop), and fails with what it waited for — plus
/// <c>context</c>, such as a process's output — when the bound passes.
/// </summary>
public static class Bounded
{
    /// <summary>The bound of an await that names none.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(10);

    /// <summary>The bound of a poll that names none (conditions that need a cluster to act).</summary>
    public static readonly TimeSpan DefaultPoll = TimeSpan.FromSeconds(30);

    /// <summary>The pause between two checks of a polled condition.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public static async Task<T> Within<T>(this ValueTask<T> task, TimeSpan? limit = null) =>
        await task.AsTask().WaitAsync(limit ?? Default);

    public static async Task<T> Within<T>(this Task<T> task, TimeSpan? limit = null) => await task.WaitAsync(limit ?? Default);

    public static async Task Within(this Task task, TimeSpan? limit = null) => await task.WaitAsync(limit ?? Default);

    /// <summary>A token that cancels after <paramref name="limit"/> (default <see cref="Default"/>).</summary>
    public static CancellationToken Token(TimeSpan? limit = null) => new CancellationTokenSource(limit ?? Default).Token;

    /// <summary>Checks <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> after
    /// <paramref name="timeout"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null, Func<string>? context = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout, context);

    /// <summary>Checks <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> after
    /// <paramref name="timeout"/>. A check that itself does not finish within the bound counts as not holding.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<string>? context = null)
    {
        var limit = timeout ?? DefaultPoll;
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left > TimeSpan.Zero)
            {
                try
                {
                    if (await condition().WaitAsync(left)) return;
                }
                catch (TimeoutException)
                {
                }
            }
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"not within {limit.TotalSeconds:0.#} s: {what}" + (context is null ? "" : "\n" + context()));
            await Task.Delay(PollInterval);
        }
    }
}
