using System.Text.Json.Nodes;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Faults;

/// <summary>
/// Fault injection for reliability tests (issue 4): close every open watch, expire watch history, fail the next N
/// requests matching a verb/resource with 429 (Retry-After), 500 or 409 or never answer them, add latency (to every request or one
/// resource's), hold back the watch events of
/// one resource (a lagging watch), pause and resume the whole server. Reachable from the library (<see cref="SandboxServer.Faults"/>) and
/// from the token-guarded admin endpoint. Thread-safe.
/// </summary>
public sealed class FaultInjector
{
    private readonly object _gate = new();
    private readonly List<FailureRule> _rules = new();              // guarded by _gate
    private readonly ObjectStore _store;
    private TimeSpan _latency;                                      // guarded by _gate
    private readonly Dictionary<string, TimeSpan> _latencyOf = new(StringComparer.Ordinal);   // guarded by _gate; by resource
    private TaskCompletionSource? _paused;                          // guarded by _gate; null = serving
    // guarded by _gate; completes on release
    private readonly Dictionary<string, TaskCompletionSource> _heldWatches = new(StringComparer.Ordinal);

    internal FaultInjector(ObjectStore store) => _store = store;

    /// <summary>Ends every open watch stream now (clients re-watch from their last RV).</summary>
    public void CloseWatches() => _store.CloseAllWatches();

    /// <summary>Drops the watch history: the next resume from an older RV gets ERROR 410 Expired.</summary>
    public void ExpireHistory() => _store.ExpireHistory();

    /// <summary>
    /// Answers the next <paramref name="count"/> requests whose verb and resource match (null = any) with
    /// <paramref name="code"/>: 429 (TooManyRequests, Retry-After 1), 500 (InternalError) or 409 (Conflict).
    /// </summary>
    public void FailNext(int count, int code, string? verb = null, string? resource = null)
    {
        if (code is not (429 or 500 or 409))
            throw new ArgumentOutOfRangeException(nameof(code), code, "only 429, 500 and 409 can be injected");
        lock (_gate) _rules.Add(new FailureRule(verb, resource, code, count));
    }

    /// <summary>Never answers the next <paramref name="count"/> requests whose verb and resource match (null = any): each
    /// waits until its client gives up (a response that never arrives).</summary>
    public void HangNext(int count, string? verb = null, string? resource = null)
    {
        lock (_gate) _rules.Add(new FailureRule(verb, resource, Hang, count));
    }

    private const int Hang = 0;

    /// <summary>Adds <paramref name="latency"/> before every request, or only before those of <paramref name="resource"/>
    /// (plural, e.g. "events") when given; Zero stops it. A request waits for the larger of the two.</summary>
    public void SetLatency(TimeSpan latency, string? resource = null)
    {
        lock (_gate)
        {
            if (resource is null) _latency = latency;
            else if (latency > TimeSpan.Zero) _latencyOf[resource] = latency;
            else _latencyOf.Remove(resource);
        }
    }

    /// <summary>
    /// Holds back every watch event of <paramref name="resource"/> (plural, e.g. "configmaps") on open and new watches
    /// until <see cref="ReleaseWatchEvents"/>: a lagging watch, while writes, gets and lists are answered at once.
    /// Held events stay queued and are delivered in order on release; no bookmark passes them.
    /// </summary>
    public void HoldWatchEvents(string resource)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        lock (_gate)
        {
            if (!_heldWatches.ContainsKey(resource))
                _heldWatches[resource] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Lets every held watch event flow.</summary>
    public void ReleaseWatchEvents()
    {
        TaskCompletionSource[] held;
        lock (_gate)
        {
            held = _heldWatches.Values.ToArray();
            _heldWatches.Clear();
        }
        foreach (var release in held) release.TrySetResult();
    }

    /// <summary>Completes once the watch events of <paramref name="resource"/> may be sent.</summary>
    internal Task WatchEventsMayFlow(string resource)
    {
        lock (_gate) return _heldWatches.TryGetValue(resource, out var held) ? held.Task : Task.CompletedTask;
    }

    /// <summary>A backup of every object and the revision, for <see cref="Restore"/>.</summary>
    public StoreBackup Backup() => _store.Backup();

    /// <summary>The API server restored from <paramref name="backup"/>: objects and revision go back, history and open
    /// watches are gone, and a watch from a newer version is answered 504 "Too large resource version".</summary>
    public void Restore(StoreBackup backup) => _store.Restore(backup);

    /// <summary>Stops answering (requests wait) and closes all watches, as an API server restart would.</summary>
    public void Pause()
    {
        lock (_gate) _paused ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _store.CloseAllWatches();
    }

    /// <summary>Releases every request held by <see cref="Pause"/>.</summary>
    public void Resume()
    {
        TaskCompletionSource? paused;
        lock (_gate)
        {
            paused = _paused;
            _paused = null;
        }
        paused?.TrySetResult();
    }

    public void Reset()
    {
        lock (_gate)
        {
            _rules.Clear();
            _latency = TimeSpan.Zero;
            _latencyOf.Clear();
        }
        ReleaseWatchEvents();
        Resume();
    }

    /// <summary>Waits out a pause and the configured latency, then returns the injected failure for this request, if any.</summary>
    internal async Task<ApiError?> BeforeRequestAsync(string verb, string resource, TimeProvider time, CancellationToken cancellation)
    {
        Task? pause;
        TimeSpan latency;
        lock (_gate)
        {
            pause = _paused?.Task;
            latency = _latencyOf.TryGetValue(resource, out var own) && own > _latency ? own : _latency;
        }
        if (pause is not null) await pause.WaitAsync(cancellation).ConfigureAwait(false);
        if (latency > TimeSpan.Zero) await Task.Delay(latency, time, cancellation).ConfigureAwait(false);
        var hang = false;
        lock (_gate)
        {
            for (var i = 0; i < _rules.Count; i++)
            {
                var rule = _rules[i];
                if (rule.Verb is not null && rule.Verb != verb) continue;
                if (rule.Resource is not null && rule.Resource != resource) continue;
                rule.Remaining--;
                if (rule.Remaining <= 0) _rules.RemoveAt(i);
                if (rule.Code == Hang)
                {
                    hang = true;
                    break;
                }
                return rule.Code switch
                {
                    429 => new ApiError(429, "TooManyRequests",
                        "the server has received too many requests and has asked us to try again later",
                        new JsonObject { ["retryAfterSeconds"] = 1 }, retryAfterSeconds: "1"),
                    409 => new ApiError(409, "Conflict", $"Operation cannot be fulfilled on {resource}: injected conflict"),
                    _ => ApiError.Internal("injected failure"),
                };
            }
        }
        if (hang) await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellation).ConfigureAwait(false);
        return null;
    }

    /// <summary>Handles <c>POST /sandbox/faults/...</c> (token-guarded): closeWatches, expireHistory, fail, latency,
    /// holdWatches, releaseWatches, pause, resume, reset.</summary>
    internal JsonObject Admin(string action, Func<string, string?> query)
    {
        switch (action)
        {
            case "closeWatches": CloseWatches(); break;
            case "expireHistory": ExpireHistory(); break;
            case "pause": Pause(); break;
            case "resume": Resume(); break;
            case "reset": Reset(); break;
            case "holdWatches":
                HoldWatchEvents(query("resource") is { Length: > 0 } resource ? resource
                    : throw ApiError.BadRequest("query parameter resource is required"));
                break;
            case "releaseWatches": ReleaseWatchEvents(); break;
            case "latency":
                SetLatency(TimeSpan.FromMilliseconds(ParseInt(query("ms"), "ms")), query("resource") is { Length: > 0 } r ? r : null);
                break;
            case "fail":
                FailNext(ParseInt(query("count") ?? "1", "count"), ParseInt(query("code"), "code") is var c && c is 429 or 500 or 409
                    ? c : throw ApiError.BadRequest("code must be 429, 500 or 409"), query("verb"), query("resource"));
                break;
            default:
                throw ApiError.BadRequest($"unknown fault action \"{action}\": use closeWatches, expireHistory, fail, latency, " +
                    $"holdWatches, releaseWatches, pause, resume or reset");
        }
        return new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success",
            ["message"] = action };
    }

    private static int ParseInt(string? text, string name) =>
        int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n)
            && n >= 0
            ? n : throw ApiError.BadRequest($"query parameter {name} must be a non-negative integer");

    private sealed class FailureRule(string? verb, string? resource, int code, int remaining)
    {
        public string? Verb { get; } = verb;
        public string? Resource { get; } = resource;
        public int Code { get; } = code;
        public int Remaining { get; set; } = remaining;
    }
}
