using System.Text.Json;
using System.Threading.Channels;
using Orkestra.Kube.Informers;

namespace Orkestra.Kube.Tests.Support;

/// <summary>A handler that records "ADD name=value", "UPDATE name=value", "DELETE name" lines and lets a test await a line.</summary>
public sealed class EventLog : IResourceEventHandler
{
    readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    readonly List<string> _all = new();
    int _concurrent;

    /// <summary>Set if two notifications were ever delivered at the same time.</summary>
    public bool SawConcurrentCalls { get; private set; }

    public IReadOnlyList<string> All
    {
        get
        {
            lock (_all) return _all.ToList();
        }
    }

    static string Describe(JsonElement obj) =>
        obj.TryGetProperty("data", out var data) && data.TryGetProperty("k", out var k) ? $"{ObjectMeta.Name(obj)}={k.GetString()}" : ObjectMeta.Name(obj)!;

    void Record(string line)
    {
        if (Interlocked.Increment(ref _concurrent) > 1) SawConcurrentCalls = true;
        lock (_all) _all.Add(line);
        _lines.Writer.TryWrite(line);
        Interlocked.Decrement(ref _concurrent);
    }

    public void OnAdd(JsonElement obj, bool isInitialList) => Record($"ADD {Describe(obj)}");

    public void OnUpdate(JsonElement oldObj, JsonElement newObj) =>
        Record(ObjectMeta.ResourceVersion(oldObj) == ObjectMeta.ResourceVersion(newObj) ? $"RESYNC {Describe(newObj)}" : $"UPDATE {Describe(newObj)}");

    public void OnDelete(JsonElement obj) => Record($"DELETE {ObjectMeta.Name(obj)}");

    /// <summary>Reads lines until <paramref name="expected"/> arrives (bounded).</summary>
    public async Task WaitForAsync(string expected, int seconds = 20)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            while (await _lines.Reader.ReadAsync(timeout.Token) != expected) { }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"\"{expected}\" not seen within {seconds}s; saw: {string.Join(" | ", All)}");
        }
    }
}
