using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Sandbox.Watch;

namespace Orkestra.Sandbox.Storage;

/// <summary>
/// The sandbox's etcd: every object of every resource, one global resourceVersion counter, a bounded event
/// history per resource and the open watches. Guarantees: every write gets a strictly larger RV; a list's RV
/// covers every write committed before it; each watcher sees the events of its resource exactly once, in RV
/// order. Does not know about HTTP, kinds or validation — callers decide what to write.
/// </summary>
/// <remarks>
/// Concurrency: all writes, list snapshots and watch registrations run under <see cref="_gate"/>, which makes RV
/// assignment, history append and fan-out one atomic step. Single-object reads go to the tables' concurrent
/// dictionaries without the lock. Fan-out only does non-blocking channel writes, so a slow watcher never holds up
/// a writer; it is closed instead (see <see cref="Watcher"/>).
/// </remarks>
internal sealed class ObjectStore
{
    private readonly object _gate = new();
    private long _revision;                                         // guarded by _gate for writes; read with Volatile
    private readonly ConcurrentDictionary<string, ResourceTable> _tables = new(StringComparer.Ordinal);
    private readonly int _historyLimit;
    private readonly Action<ResourceTable, StoreChange>? _onCommit;  // called under _gate; must not block

    public ObjectStore(int historyLimit, Action<ResourceTable, StoreChange>? onCommit)
    {
        _historyLimit = historyLimit;
        _onCommit = onCommit;
    }

    /// <summary>The RV of the newest write (the "store revision").</summary>
    public long Revision => Volatile.Read(ref _revision);

    // guarded by _gate: history before this is gone for every table, even new ones
    private long _expiredBefore;

    public ResourceTable Table(string storageKey) =>
        _tables.GetOrAdd(storageKey, key => new ResourceTable(key) { CompactedRevision = Volatile.Read(ref _expiredBefore) });

    public IEnumerable<ResourceTable> Tables => _tables.Values;

    public StoredObject? Get(string storageKey, ObjectKey key) =>
        _tables.TryGetValue(storageKey, out var table) && table.Items.TryGetValue(key, out var found) ? found : null;

    /// <summary>Runs <paramref name="body"/> as one atomic transaction (reads see no concurrent writes).</summary>
    public T Write<T>(Func<WriteScope, T> body)
    {
        lock (_gate)
        {
            return body(new WriteScope(this));
        }
    }

    /// <summary>A consistent snapshot of one table (sorted by namespace, name) and the revision it reflects.</summary>
    public (List<StoredObject> Items, long Revision) Snapshot(string storageKey, string? ns)
    {
        var table = Table(storageKey);
        List<StoredObject> items;
        long revision;
        lock (_gate)
        {
            items = ns is null ? table.Items.Values.ToList() : table.Items.Values.Where(o => o.Namespace == ns).ToList();
            revision = _revision;
        }
        items.Sort((a, b) => a.Key.CompareTo(b.Key));
        return (items, revision);
    }

    /// <summary>
    /// Registers a watcher. <paramref name="fromRevision"/> null = synthetic ADDED for the current state then live
    /// events; N = replay history after N. Returns null (and the oldest available RV) when N is too old.
    /// </summary>
    public Watcher? Subscribe(string storageKey, long? fromRevision, int capacity, out long oldestAvailable, out long startRevision)
    {
        var table = Table(storageKey);
        lock (_gate)
        {
            oldestAvailable = table.CompactedRevision + 1;
            startRevision = _revision;
            if (fromRevision is { } n && n < table.CompactedRevision) return null;
            IReadOnlyList<StoreChange> initial;
            if (fromRevision is null)
            {
                var current = table.Items.Values.ToList();
                current.Sort((a, b) => a.Key.CompareTo(b.Key));
                initial = current.Select(o => new StoreChange(WatchEventType.Added, o, null, o.ResourceVersion)).ToList();
            }
            else
            {
                initial = table.History.Where(e => e.Revision > fromRevision.Value).ToList();
            }
            var watcher = new Watcher(table, Math.Max(capacity, initial.Count + capacity), this);
            foreach (var e in initial) watcher.Offer(e);
            table.Watchers.Add(watcher);
            return watcher;
        }
    }

    internal void Unsubscribe(Watcher watcher)
    {
        lock (_gate)
        {
            watcher.Table.Watchers.Remove(watcher);
        }
    }

    /// <summary>True when <paramref name="watcher"/> has consumed every event up to the current revision.</summary>
    internal bool TryGetIdleRevision(Watcher watcher, out long revision)
    {
        lock (_gate)
        {
            revision = _revision;
            return watcher.PendingCount == 0;
        }
    }

    /// <summary>Forgets all history (fault injection): the next resume from any older RV gets 410 Expired.</summary>
    public void ExpireHistory()
    {
        lock (_gate)
        {
            _expiredBefore = _revision;
            foreach (var table in _tables.Values)
            {
                table.History.Clear();
                table.CompactedRevision = _revision;
            }
        }
    }

    /// <summary>Every object and the revision now (fault injection: a backup to restore later).</summary>
    public StoreBackup Backup()
    {
        lock (_gate)
        {
            var items = _tables.ToDictionary(t => t.Key, t => t.Value.Items.Values.ToArray(), StringComparer.Ordinal);
            return new StoreBackup(_revision, items);
        }
    }

    /// <summary>
    /// Puts every object and the revision back to <paramref name="backup"/>, as an API server restored from a backup
    /// (or, with an early backup, restarted empty): what was written since is gone, the history is gone, every open
    /// watch closes, and the next writes reuse revisions clients have already seen. No watch events are sent.
    /// </summary>
    public void Restore(StoreBackup backup)
    {
        lock (_gate)
        {
            _revision = backup.Revision;
            _expiredBefore = backup.Revision;
            foreach (var table in _tables.Values)
            {
                table.Items.Clear();
                if (backup.Items.TryGetValue(table.Key, out var items))
                {
                    foreach (var item in items) table.Items[item.Key] = item;
                }
                table.History.Clear();
                table.CompactedRevision = backup.Revision;
                foreach (var watcher in table.Watchers) watcher.Close();
                table.Watchers.Clear();
            }
        }
    }

    /// <summary>Closes every open watch (fault injection, shutdown).</summary>
    public void CloseAllWatches()
    {
        lock (_gate)
        {
            foreach (var table in _tables.Values)
            {
                foreach (var watcher in table.Watchers) watcher.Close();
                table.Watchers.Clear();
            }
        }
    }

    public int WatcherCount
    {
        get
        {
            lock (_gate) return _tables.Values.Sum(t => t.Watchers.Count);
        }
    }

    /// <summary>The operations allowed inside <see cref="Write{T}"/>; only valid while the lock is held.</summary>
    internal readonly struct WriteScope
    {
        private readonly ObjectStore _store;

        public WriteScope(ObjectStore store) => _store = store;

        public long Revision => _store._revision;

        public StoredObject? Get(string storageKey, ObjectKey key) => _store.Get(storageKey, key);

        public IEnumerable<StoredObject> All(string storageKey) => _store.Table(storageKey).Items.Values;

        /// <summary>Creates or replaces an object: assigns the next RV (written into metadata.resourceVersion).</summary>
        public StoredObject Put(string storageKey, JsonObject obj)
        {
            Debug.Assert(Monitor.IsEntered(_store._gate));
            var table = _store.Table(storageKey);
            var revision = ++_store._revision;
            ((JsonObject)obj["metadata"]!)["resourceVersion"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var stored = new StoredObject(obj, revision);
            table.Items.TryGetValue(stored.Key, out var previous);
            table.Items[stored.Key] = stored;
            _store.Publish(table,
                new StoreChange(previous is null ? WatchEventType.Added : WatchEventType.Modified, stored, previous, revision));
            return stored;
        }

        /// <summary>Removes an object; the DELETED event carries its last state stamped with the deletion's RV.</summary>
        public StoredObject? Remove(string storageKey, ObjectKey key)
        {
            Debug.Assert(Monitor.IsEntered(_store._gate));
            var table = _store.Table(storageKey);
            if (!table.Items.TryRemove(key, out var previous)) return null;
            var revision = ++_store._revision;
            var last = previous.Clone();
            ((JsonObject)last["metadata"]!)["resourceVersion"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var final = new StoredObject(last, revision);
            _store.Publish(table, new StoreChange(WatchEventType.Deleted, final, previous, revision));
            return final;
        }
    }

    private void Publish(ResourceTable table, StoreChange e)
    {
        table.History.Enqueue(e);
        while (table.History.Count > _historyLimit) table.CompactedRevision = table.History.Dequeue().Revision;
        for (var i = table.Watchers.Count - 1; i >= 0; i--)
        {
            if (!table.Watchers[i].Offer(e)) table.Watchers.RemoveAt(i);
        }
        _onCommit?.Invoke(table, e);
    }
}

/// <summary>One resource's objects, history and watchers. Everything but <see cref="Items"/> is guarded by the store lock.</summary>
/// <summary>A copy of the store at one revision (<see cref="ObjectStore.Backup"/>); stored objects are immutable.</summary>
public sealed class StoreBackup
{
    internal StoreBackup(long revision, Dictionary<string, StoredObject[]> items)
    {
        Revision = revision;
        Items = items;
    }

    /// <summary>The revision the backup was taken at.</summary>
    public long Revision { get; }

    internal Dictionary<string, StoredObject[]> Items { get; }
}

internal sealed class ResourceTable
{
    public ResourceTable(string key) => Key = key;

    public string Key { get; }
    public ConcurrentDictionary<ObjectKey, StoredObject> Items { get; } = new();
    public Queue<StoreChange> History { get; } = new();
    /// <summary>Events with RV ≤ this are no longer in <see cref="History"/>.</summary>
    public long CompactedRevision { get; set; }
    public List<Watcher> Watchers { get; } = new();
}
