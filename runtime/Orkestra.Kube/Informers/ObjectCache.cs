using System.Collections.Concurrent;
using System.Text.Json;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Kube.Client;

namespace Orkestra.Kube.Informers;

/// <summary>One change applied to the cache, in the order it was applied.</summary>
internal readonly record struct CacheDelta(CacheDeltaType Type, JsonElement? Old, JsonElement Current);

internal enum CacheDeltaType { Added, Updated, Deleted }

/// <summary>
/// The informer's store. Concurrency: readers are lock-free (<see cref="ConcurrentDictionary{TKey,TValue}"/> reads);
/// every write — upsert, remove, replace, write-through, adding an index — takes <c>_writeGate</c>, so the object
/// table, the label indexes and the write-through marks change together with respect to other writers. A reader may
/// observe an index entry a moment before or after the object it names changed; <see cref="ByLabel"/> therefore
/// re-checks each object's label, so it never returns an object that does not carry the label value in the state
/// returned.
/// Memory: an object is kept as a compact entry only (<see cref="EntryCodec"/>: its JSON tokens, never with
/// <c>metadata.managedFields</c>, with strings that repeat across objects replaced by ids into this cache's intern
/// table); readers get a <see cref="JsonElement"/> over the rebuilt, byte-identical text, parsed on each read. A parsed
/// document costs about twice its text (the token table), so storing entries keeps the steady memory per cached
/// object small at the price of a short-lived allocation per read.
/// Read-your-writes: <see cref="WriteThrough"/> stores the server's answer to our own write before its watch event
/// arrives, only when its resourceVersion is numerically newer than the stored one. Until the watch (or a list)
/// confirms it, a watch event older than that entry is ignored, so the cache never goes back in time; a delete always
/// removes and a replace converges to the list.
/// </summary>
internal sealed class ObjectCache : IObjectCache
{
    private readonly object _writeGate = new();
    private readonly ConcurrentDictionary<ObjectKey, byte[]> _items = new();                                 // written under _writeGate
    private readonly ConcurrentDictionary<string, LabelIndex> _indexes = new(StringComparer.Ordinal);        // written under _writeGate
    private readonly EntryCodec _codec = new();   // one intern table per cache: a kind's strings repeat within it
    // Keys whose entry was stored by WriteThrough and has not been stored by a watch event or list since: their
    // resourceVersion is numeric, and no handler has been told of that state yet. Read and written under _writeGate.
    private readonly HashSet<ObjectKey> _unconfirmed = new();
    // One string per namespace, shared by every key in it (the name is the only per-object string of a key). Read and
    // written under _writeGate; namespaces are few, and one that empties keeps its entry (bounded by the namespaces seen).
    private readonly Dictionary<string, string> _namespaces = new(StringComparer.Ordinal);

    /// <summary>label value → keys of the objects carrying it. The key arrays are immutable and replaced whole under
    /// <see cref="_writeGate"/> (copy on write: most values label one to a few objects), so readers never lock and an
    /// index entry costs a small array instead of a dictionary per label value.</summary>
    private sealed class LabelIndex : ConcurrentDictionary<string, ObjectKey[]>
    {
        public LabelIndex() : base(StringComparer.Ordinal) { }

        /// <summary>Adds <paramref name="key"/> under <paramref name="value"/>. Caller holds the write gate.</summary>
        public void Add(string value, ObjectKey key)
        {
            if (!TryGetValue(value, out var keys)) this[value] = [key];
            else if (Array.IndexOf(keys, key) < 0) this[value] = [.. keys, key];
        }

        /// <summary>Removes <paramref name="key"/> from <paramref name="value"/>. Caller holds the write gate.</summary>
        public void Remove(string value, ObjectKey key)
        {
            if (!TryGetValue(value, out var keys)) return;
            var at = Array.IndexOf(keys, key);
            if (at < 0) return;
            if (keys.Length == 1) TryRemove(value, out _);
            else this[value] = [.. keys.AsSpan(0, at), .. keys.AsSpan(at + 1)];
        }
    }

    public int Count => _items.Count;

    public bool TryGet(ObjectKey key, out JsonElement obj)
    {
        if (_items.TryGetValue(key, out var utf8))
        {
            obj = Parse(utf8);
            return true;
        }
        obj = default;
        return false;
    }

    public bool TryGet(string? @namespace, string name, out JsonElement obj) => TryGet(new ObjectKey(@namespace, name), out obj);

    public IReadOnlyList<JsonElement> List(string? @namespace = null)
    {
        var result = new List<JsonElement>(@namespace is null ? _items.Count : 0);
        foreach (var (key, value) in _items)
            if (@namespace is null || key.Namespace == @namespace) result.Add(Parse(value));
        return result;
    }

    public IReadOnlyList<ObjectKey> Keys(string? @namespace = null)
    {
        var result = new List<ObjectKey>(@namespace is null ? _items.Count : 0);
        foreach (var (key, _) in _items)
            if (@namespace is null || key.Namespace == @namespace) result.Add(key);
        return result;
    }

    /// <summary>The key of <paramref name="obj"/>, its namespace string shared with the keys already stored. Caller holds
    /// the write gate.</summary>
    private ObjectKey KeyOf(JsonElement obj)
    {
        var key = ObjectMeta.KeyOf(obj);
        if (key.Namespace.Length == 0) return key;
        if (!_namespaces.TryGetValue(key.Namespace, out var shared)) _namespaces[key.Namespace] = shared = key.Namespace;
        return new ObjectKey(shared, key.Name);
    }

    /// <summary>A standalone element over a stored entry (entries are never changed: they are replaced whole).</summary>
    private JsonElement Parse(byte[] entry) => _codec.Parse(entry);

    /// <summary>The entry to keep for <paramref name="obj"/>.</summary>
    private byte[] Bytes(JsonElement obj) => _codec.Encode(obj);

    public IReadOnlyList<JsonElement> ByLabel(string labelKey, string value)
    {
        if (!_indexes.TryGetValue(labelKey, out var index))
            throw new InvalidOperationException($"label \"{labelKey}\" is not indexed: call AddLabelIndex before reading by it");
        if (!index.TryGetValue(value, out var keys)) return [];
        var result = new List<JsonElement>(keys.Length);
        foreach (var key in keys)
        {
            if (!_items.TryGetValue(key, out var utf8)) continue;
            var obj = Parse(utf8);
            if (ObjectMeta.Label(obj, labelKey) == value) result.Add(obj);
        }
        return result;
    }

    /// <summary>Indexes label <paramref name="labelKey"/> from now on, including the objects already stored. Idempotent.</summary>
    public void AddLabelIndex(string labelKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(labelKey);
        lock (_writeGate)
        {
            if (_indexes.ContainsKey(labelKey)) return;
            var index = new LabelIndex();
            foreach (var (key, utf8) in _items) IndexOne(index, labelKey, key, Parse(utf8));
            _indexes[labelKey] = index;
        }
    }

    /// <summary>Stores <paramref name="obj"/>, a watch event's object, and returns the change (<see cref="CacheDeltaType.Added"/>
    /// or <see cref="CacheDeltaType.Updated"/> with the state it replaced) — or null, changing nothing, when the key
    /// holds an unconfirmed write-through with a newer resourceVersion (the event of that write is still to come).</summary>
    public CacheDelta? Upsert(JsonElement obj)
    {
        lock (_writeGate)
        {
            var key = KeyOf(obj);
            JsonElement? old = _items.TryGetValue(key, out var previous) ? Parse(previous) : null;
            if (old is { } stored && _unconfirmed.Contains(key)
                && ResourceVersions.IsNewer(ObjectMeta.ResourceVersion(stored), ObjectMeta.ResourceVersion(obj))) return null;
            _unconfirmed.Remove(key);
            _items[key] = Bytes(obj);
            Reindex(key, old, obj);
            return old is null ? new CacheDelta(CacheDeltaType.Added, null, obj) : new CacheDelta(CacheDeltaType.Updated, old, obj);
        }
    }

    /// <summary>
    /// Read-your-writes: stores <paramref name="obj"/>, the server's answer to our own successful write, when its
    /// resourceVersion is numerically newer than the stored object's (or nothing is stored under its key). Opaque
    /// (non-numeric) versions, equal or older ones change nothing. <c>metadata.managedFields</c> is left out. Returns
    /// whether it was stored. No notification: the watch event of the write follows and is the one handlers see.
    /// </summary>
    public bool WriteThrough(JsonElement obj)
    {
        if (ObjectMeta.Name(obj) is null || !ResourceVersions.TryParse(ObjectMeta.ResourceVersion(obj), out _)) return false;
        lock (_writeGate)
        {
            var key = KeyOf(obj);
            JsonElement? old = null;
            if (_items.TryGetValue(key, out var previous))
            {
                old = Parse(previous);
                if (!ResourceVersions.IsNewer(ObjectMeta.ResourceVersion(obj), ObjectMeta.ResourceVersion(old.Value))) return false;
            }
            var compact = CompactJson.Copy(obj, stripManagedFields: true);
            _items[key] = Bytes(compact);
            Reindex(key, old, compact);
            _unconfirmed.Add(key);
            return true;
        }
    }

    /// <summary>Removes the object with <paramref name="obj"/>'s key; returns the state it had, if it was stored.</summary>
    public JsonElement? Remove(JsonElement obj)
    {
        var key = ObjectMeta.KeyOf(obj);
        lock (_writeGate)
        {
            _unconfirmed.Remove(key);
            if (!_items.TryRemove(key, out var removed)) return null;
            var old = Parse(removed);
            Reindex(key, old, null);
            return old;
        }
    }

    /// <summary>Makes the cache hold exactly <paramref name="objects"/> (a fresh list) and returns what changed:
    /// added, updated (resourceVersion differs, or the stored state is an unconfirmed write-through no handler has
    /// seen) and deleted objects. Afterwards no entry is unconfirmed.</summary>
    public List<CacheDelta> Replace(IReadOnlyList<JsonElement> objects)
    {
        var deltas = new List<CacheDelta>();
        lock (_writeGate)
        {
            var seen = new HashSet<ObjectKey>(objects.Count);
            foreach (var obj in objects)
            {
                var key = KeyOf(obj);
                if (!seen.Add(key)) continue;
                if (_items.TryGetValue(key, out var stored))
                {
                    var old = Parse(stored);
                    if (ObjectMeta.ResourceVersion(old) == ObjectMeta.ResourceVersion(obj) && !_unconfirmed.Contains(key)) continue;
                    _items[key] = Bytes(obj);
                    Reindex(key, old, obj);
                    deltas.Add(new CacheDelta(CacheDeltaType.Updated, old, obj));
                }
                else
                {
                    _items[key] = Bytes(obj);
                    Reindex(key, null, obj);
                    deltas.Add(new CacheDelta(CacheDeltaType.Added, null, obj));
                }
            }
            foreach (var (key, stored) in _items)
            {
                if (seen.Contains(key)) continue;
                _items.TryRemove(key, out _);
                var old = Parse(stored);
                Reindex(key, old, null);
                deltas.Add(new CacheDelta(CacheDeltaType.Deleted, old, old));
            }
            _unconfirmed.Clear();
        }
        return deltas;
    }

    private void Reindex(ObjectKey key, JsonElement? old, JsonElement? current)
    {
        foreach (var (labelKey, index) in _indexes)
        {
            var before = old is { } o ? ObjectMeta.Label(o, labelKey) : null;
            var after = current is { } c ? ObjectMeta.Label(c, labelKey) : null;
            if (before == after) continue;
            if (before is not null) index.Remove(before, key);
            if (after is not null) index.Add(after, key);
        }
    }

    private static void IndexOne(LabelIndex index, string labelKey, ObjectKey key, JsonElement obj)
    {
        if (ObjectMeta.Label(obj, labelKey) is { } value) index.Add(value, key);
    }
}
