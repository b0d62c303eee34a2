using System.Threading.Channels;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Handlers;
using Orkestra.Sandbox.Resources;
using Orkestra.Sandbox.Simulation;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Lifecycle;

/// <summary>
/// The in-process controllers — garbage collector, namespace finaliser, CRD instance cleanup, ClusterRole aggregation
/// and the status simulators — driven by every committed write. The store hands each event over without blocking (unbounded
/// queue, called under the store lock); one background loop processes them in commit order and writes back
/// through <see cref="ObjectService"/>, so controller writes obey the same rules and produce watch events.
/// A controller write that loses a race (404/409) is dropped: the write that won produces its own event.
/// </summary>
internal sealed class Controllers
{
    private readonly Channel<(string Table, StoreChange Event)> _queue =
        Channel.CreateUnbounded<(string, StoreChange)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SandboxOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<IController> _controllers = new();
    private Task _loop = Task.CompletedTask;
    private long _enqueued;   // written under the store lock
    private long _processed;  // written by the loop only

    public Controllers(SandboxOptions options) => _options = options;

    public void OnCommit(ResourceTable table, StoreChange e)
    {
        _enqueued++;
        _queue.Writer.TryWrite((table.Key, e));
    }

    public void Attach(ObjectService objects)
    {
        var crds = new CustomResourceDefinitions(objects.Registry, objects.Time);
        objects.OnCrdWritten = crds.OnWritten;
        if (_options.GarbageCollection) _controllers.Add(new GarbageCollector(objects));
        _controllers.Add(new NamespaceFinalizer(objects));
        _controllers.Add(new CrdCleanup(objects));
        _controllers.Add(new Auth.RoleAggregation(objects));
        if (_options.Simulation.Enabled) _controllers.Add(new Simulators(objects, _options.Simulation));
    }

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>True when every committed write so far has been seen by the controllers.</summary>
    public bool IsIdle => Volatile.Read(ref _processed) >= Volatile.Read(ref _enqueued);

    private async Task RunAsync()
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (_queue.Reader.TryRead(out var item))
                {
                    foreach (var controller in _controllers)
                    {
                        try
                        {
                            controller.Handle(item.Table, item.Event);
                        }
                        catch (ApiError)
                        {
                            // lost a race or the object is gone; the winning write produces its own event
                        }
                    }
                    Interlocked.Increment(ref _processed);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    public async Task StopAsync()
    {
        _stop.Cancel();
        _queue.Writer.TryComplete();
        foreach (var controller in _controllers) (controller as IDisposable)?.Dispose();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}

/// <summary>One in-process controller: reacts to one committed event; may write through the object service.</summary>
internal interface IController
{
    void Handle(string table, StoreChange e);
}
