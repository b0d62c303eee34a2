namespace Orkestra.Runtime.Tests.Support;

/// <summary>Every await in a test has a bound.</summary>
public static class Bounded
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(10);

    public static async Task<T> Within<T>(this ValueTask<T> task, TimeSpan? limit = null) =>
        await task.AsTask().WaitAsync(limit ?? Default);

    public static async Task Within(this Task task, TimeSpan? limit = null) => await task.WaitAsync(limit ?? Default);
}
