namespace Orkestra.Kube.Tests.Support;

/// <summary>Waits for a condition that has no event to await, polling cooperatively, bounded by a timeout.</summary>
public static class Until
{
    public static async Task TrueAsync(Func<bool> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {seconds}s: {what}");
            await Task.Yield();
        }
    }
}
