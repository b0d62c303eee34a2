using System.Collections.Concurrent;

namespace Orkestra.Sandbox.Diagnostics;

/// <summary>One served request: the kube verb (get, list, watch, create, update, patch, delete, deletecollection, or
/// the HTTP method for non-resource paths), the path with query, the status code and how long it took.</summary>
public sealed record RequestRecord(string Verb, string Resource, string Path, int Code, TimeSpan Duration);

/// <summary>
/// Every request the sandbox served, newest last, bounded (oldest dropped). Thread-safe; reading returns copies.
/// Watches are recorded when they start (code 200) so tests can wait for them.
/// </summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<RequestRecord> _records = new();
    private readonly ConcurrentDictionary<string, long> _perVerb = new(StringComparer.Ordinal);
    private readonly int _capacity;

    internal RequestLog(int capacity) => _capacity = capacity;

    public IReadOnlyList<RequestRecord> Records => _records.ToArray();

    /// <summary>Requests per verb since start (not bounded by the record window).</summary>
    public IReadOnlyDictionary<string, long> CountsByVerb => new Dictionary<string, long>(_perVerb);

    public long Count(string verb) => _perVerb.TryGetValue(verb, out var n) ? n : 0;

    internal void Add(RequestRecord record)
    {
        _records.Enqueue(record);
        _perVerb.AddOrUpdate(record.Verb, 1, (_, n) => n + 1);
        while (_records.Count > _capacity && _records.TryDequeue(out _))
        {
        }
    }

    public void Clear() => _records.Clear();
}
