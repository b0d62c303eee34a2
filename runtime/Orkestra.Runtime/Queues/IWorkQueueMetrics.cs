namespace Orkestra.Runtime.Queues;

/// <summary>
/// What a work queue reports (client-go's workqueue metric family). Implementations must be thread-safe and
/// cheap: they are called on every add and every item. The Prometheus implementation lives in Observability/.
/// </summary>
public interface IWorkQueueMetrics
{
    void Added();
    void DepthChanged(int depth);
    /// <summary>Time a key waited in the queue before a worker took it.</summary>
    void Waited(TimeSpan latency);
    /// <summary>Time a worker held a key (from take to done).</summary>
    void Worked(TimeSpan duration);
    void Retried();
}

/// <summary>Reports nothing.</summary>
public sealed class NoWorkQueueMetrics : IWorkQueueMetrics
{
    public static readonly NoWorkQueueMetrics Instance = new();
    public void Added() { }
    public void DepthChanged(int depth) { }
    public void Waited(TimeSpan latency) { }
    public void Worked(TimeSpan duration) { }
    public void Retried() { }
}
