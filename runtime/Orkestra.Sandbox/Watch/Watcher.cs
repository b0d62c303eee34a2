using System.Threading.Channels;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Watch;

/// <summary>
/// One open watch on one resource table: a bounded queue filled by the store's writers (under the store lock,
/// never blocking) and drained by the HTTP stream. When the queue is full the watcher is closed with
/// <see cref="Overflowed"/> set: the client sees the stream end and re-watches, exactly as with a real server
/// that drops a slow watcher. Selector filtering happens on the reading side, not in the writer.
/// </summary>
internal sealed class Watcher : IDisposable
{
    private readonly Channel<StoreChange> _queue;
    private readonly ObjectStore _store;
    private int _closed;

    public Watcher(ResourceTable table, int capacity, ObjectStore store)
    {
        Table = table;
        _store = store;
        _queue = Channel.CreateBounded<StoreChange>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public ResourceTable Table { get; }
    public bool Overflowed { get; private set; }
    public int PendingCount => _queue.Reader.Count;
    public ChannelReader<StoreChange> Events => _queue.Reader;

    /// <summary>Called by the store under its lock. False = this watcher is closed and should be dropped.</summary>
    internal bool Offer(StoreChange e)
    {
        if (Volatile.Read(ref _closed) != 0) return false;
        if (_queue.Writer.TryWrite(e)) return true;
        Overflowed = true;
        Close();
        return false;
    }

    /// <summary>Ends the stream after the events already queued.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0) _queue.Writer.TryComplete();
    }

    public bool TryGetIdleRevision(out long revision) => _store.TryGetIdleRevision(this, out revision);

    public void Dispose()
    {
        Close();
        _store.Unsubscribe(this);
    }
}
