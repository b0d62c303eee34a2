using BenchmarkDotNet.Attributes;
using Orkestra.Runtime.Queues;

namespace Orkestra.Benchmarks.Queues;

/// <summary>
/// The per-CRD work queue under contention: P producer threads add keys (with repeats that collapse) while two
/// workers take and finish them, until every key has been processed. Reported per operation batch.
/// Run: dotnet run -c Release --project bench/Orkestra.Benchmarks -- --filter '*WorkQueue*' --job short --inProcess
/// </summary>
[MemoryDiagnoser]
public class WorkQueueBenchmarks
{
    private const int AddsPerProducer = 20_000;
    private string[] _keys = [];

    [Params(1, 2, 4, 8)]
    public int Producers { get; set; }

    [GlobalSetup]
    public void Setup() => _keys = Enumerable.Range(0, 1024).Select(i => $"default/cr-{i}").ToArray();

    [Benchmark(Description = "add/take/done, 20k adds per producer, 2 workers")]
    public async Task<int> AddTakeDone()
    {
        using var queue = new WorkQueue<string>(capacity: 1024);
        var processed = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                Dequeued<string> item;
                try { item = await queue.TakeAsync(stop.Token); }
                catch (OperationCanceledException) { return; }
                if (!item.Ok) return;
                Interlocked.Increment(ref processed);
                queue.Done(item.Key);
            }
        })).ToArray();
        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < AddsPerProducer; i++) queue.Add(_keys[(i * 7 + p * 13) & 1023]);
        })).ToArray();
        await Task.WhenAll(producers);
        while (queue.Depth > 0) await Task.Yield();
        stop.Cancel();
        queue.ShutDown();
        await Task.WhenAll(workers);
        return processed;
    }
}
