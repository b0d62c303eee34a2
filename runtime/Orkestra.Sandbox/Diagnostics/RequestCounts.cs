using System.Text.Json.Nodes;

namespace Orkestra.Sandbox.Diagnostics;

/// <summary>
/// <c>GET /sandbox/requests</c> (token-guarded, read-only): the request counts since start, so a process other than
/// the one hosting the sandbox (the footprint harness) can count API requests and writes. Body:
/// <c>{"total":N,"writes":N,"verbs":{"get":N,"list":N,…},"recentWrites":[{"verb","path","code"}…]}</c> (the last
/// <see cref="RecentWrites"/> writes, to tell which objects an operator keeps writing). A request is counted when it
/// completes, so the request that reads the counts is not in them. Writes are create, update, patch, delete and
/// deletecollection.
/// </summary>
public static class RequestCounts
{
    public const string Path = "/sandbox/requests";

    /// <summary>The verbs that change state.</summary>
    public static readonly IReadOnlySet<string> WriteVerbs = new HashSet<string>(StringComparer.Ordinal)
    {
        "create", "update", "patch", "delete", "deletecollection",
    };

    /// <summary>How many of the most recent writes are listed (from the log's bounded window), newest last.</summary>
    public const int RecentWrites = 50;

    public static JsonObject ToJson(RequestLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var json = ToJson(log.CountsByVerb);
        json["recentWrites"] = new JsonArray(log.Records.Where(r => WriteVerbs.Contains(r.Verb)).TakeLast(RecentWrites)
            .Select(r => (JsonNode?)new JsonObject { ["verb"] = r.Verb, ["path"] = r.Path, ["code"] = r.Code }).ToArray());
        return json;
    }

    private static JsonObject ToJson(IReadOnlyDictionary<string, long> countsByVerb)
    {
        var verbs = new JsonObject();
        long total = 0, writes = 0;
        foreach (var (verb, count) in countsByVerb.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            verbs[verb] = count;
            total += count;
            if (WriteVerbs.Contains(verb)) writes += count;
        }
        return new JsonObject { ["total"] = total, ["writes"] = writes, ["verbs"] = verbs };
    }
}
