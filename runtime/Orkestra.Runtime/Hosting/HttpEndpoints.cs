using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Model;
using Orkestra.Kube.Client;
using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Observability;

namespace Orkestra.Runtime.Hosting;

/// <summary>
/// The runtime's HTTP surface, routed by hand (AOT-safe, no reflection): Kubernetes-style probes
/// <c>/healthz</c> <c>/livez</c> <c>/readyz</c>, Orkestra's aliases <c>/health</c> <c>/ready</c> <c>/startup</c>,
/// <c>/metrics</c> (Prometheus text), and the Katalog API: <c>/katalog</c>, <c>/katalog/{crd}</c>,
/// <c>/katalog/{crd}/health</c> (200 healthy, 503 degraded), <c>/katalog/{crd}/cr</c> (CRs with their Ready state),
/// <c>/katalog/{crd}/cr/{namespace}/{name}</c> (<c>/katalog/{crd}/cr/{name}</c> for a cluster-scoped CR: one CR with its
/// children, Events and last reconcile, see <see cref="CustomResourceDetail"/>) and <c>/katalog/{crd}/events</c>.
/// Read-only: every other method is 405.
/// </summary>
public static class HttpEndpoints
{
    public static async Task HandleAsync(HttpContext context, RuntimeState state, RuntimeMetrics metrics)
    {
        var path = context.Request.Path.Value?.TrimEnd('/') ?? "";
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }
        switch (path)
        {
            case "/healthz" or "/livez" or "/health":
                await Text(context, 200, "ok");
                return;
            case "/readyz" or "/ready":
                var notReady = state.NotReadyReason;
                await Text(context, notReady is null ? 200 : 503, notReady ?? "ok");
                return;
            case "/startup":
                await Text(context, state.Started ? 200 : 503, state.Started ? "ok" : "starting");
                return;
            case "/metrics":
                context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await metrics.WriteAsync(context.Response.Body, context.RequestAborted);
                return;
            case "/katalog":
                await Json(context, 200, w =>
                {
                    w.WriteStartObject();
                    if (state.Leading() is { } leading) w.WriteBoolean("leader", leading);
                    if (state.ShardMembers() is { } members)
                    {
                        w.WriteStartArray("shardMembers");
                        foreach (var member in members) w.WriteStringValue(member);
                        w.WriteEndArray();
                    }
                    w.WriteBoolean("ready", state.Ready);
                    if (state.GatewayEndpoint is { } gateway) w.WriteString("gatewayEndpoint", gateway);
                    if (state.Sources.Count > 0) WriteSources(w, state.Sources);
                    w.WriteStartArray("crds");
                    foreach (var op in state.Operators) WriteOperator(w, op);
                    w.WriteEndArray();
                    w.WriteEndObject();
                });
                return;
        }
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        if (parts.Length is 4 or 5 && parts[0] == "katalog" && parts[2] == "cr"
            && state.Operators.FirstOrDefault(o => o.Crd == parts[1]) is { Detail: { } detail })
        {
            var key = parts.Length == 5 ? new ObjectKey(parts[3], parts[4]) : new ObjectKey(null, parts[3]);
            await JsonAsync(context, async w =>
            {
                if (await detail(key, w, context.RequestAborted)) return 200;
                w.WriteStartObject();
                w.WriteString("error", $"no {parts[1]} {key} in the cache");
                w.WriteEndObject();
                return 404;
            });
            return;
        }
        if (parts.Length == 3 && parts[0] == "katalog" && parts[2] == "events"
            && state.Operators.FirstOrDefault(o => o.Crd == parts[1]) is { Events: { } events })
        {
            await JsonAsync(context, async w =>
            {
                await events(w, context.RequestAborted);
                return 200;
            });
            return;
        }
        if (parts.Length is >= 2 and <= 3 && parts[0] == "katalog")
        {
            var op = state.Operators.FirstOrDefault(o => o.Crd == parts[1]);
            if (op is null)
            {
                await Json(context, 404, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("error", $"no CRD named \"{parts[1]}\"");
                    w.WriteEndObject();
                });
                return;
            }
            switch (parts.Length == 2 ? "" : parts[2])
            {
                case "":
                    await Json(context, 200, w => WriteOperator(w, op));
                    return;
                case "health":
                    var health = op.Health();
                    var healthy = Healthy(op, health, out var why);
                    await Json(context, healthy ? 200 : 503, w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("crd", op.Crd);
                        w.WriteString("status", healthy ? "healthy" : "degraded");
                        if (why is not null) w.WriteString("reason", why);
                        w.WriteNumber("consecutiveFailures", health.ConsecutiveFailures);
                        w.WriteEndObject();
                    });
                    return;
                case "cr":
                    await Json(context, 200, w =>
                    {
                        w.WriteStartArray();
                        foreach (var cr in op.Resources()) WriteResource(w, cr);
                        w.WriteEndArray();
                    });
                    return;
            }
        }
        await Text(context, 404, "not found");
    }

    /// <summary>A Komposer's imports as resolved at start: which Katalog, from where, at which digest.</summary>
    private static void WriteSources(Utf8JsonWriter w, IReadOnlyList<(string Komposer, KatalogSource Source)> sources)
    {
        w.WriteStartArray("sources");
        foreach (var (komposer, source) in sources)
        {
            w.WriteStartObject();
            w.WriteString("komposer", komposer);
            w.WriteString("katalog", source.KatalogName);
            w.WriteString("kind", source.Kind == KatalogSourceKind.Registry ? "registry" : "file");
            w.WriteString("reference", source.Reference);
            w.WriteString("digest", source.Digest);
            if (source.Kind == KatalogSourceKind.Registry) w.WriteBoolean("fromCache", source.FromCache);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteOperator(Utf8JsonWriter w, OperatorView op)
    {
        var health = op.Health();
        w.WriteStartObject();
        w.WriteString("name", op.Crd);
        w.WriteString("group", op.Group);
        w.WriteString("version", op.Version);
        w.WriteString("kind", op.Kind);
        w.WriteString("state", op.Waiting() is { } why ? "waiting" : op.Synced() ? "running" : "syncing");
        if (op.Waiting() is { } reason) w.WriteString("waitingFor", reason);
        var healthy = Healthy(op, health, out var unhealthy);
        w.WriteString("health", healthy ? "healthy" : "degraded");
        if (unhealthy is not null) w.WriteString("healthReason", unhealthy);
        w.WriteNumber("workers", op.Workers);
        w.WriteNumber("workersActive", op.ActiveWorkers());
        w.WriteNumber("queueDepth", op.QueueDepth());
        w.WriteNumber("resources", op.Resources().Count);
        w.WriteNumber("consecutiveFailures", health.ConsecutiveFailures);
        if (op.ShardsHeld() is { } held)
        {
            w.WriteStartObject("shards");
            w.WriteNumber("buckets", op.Shards);
            w.WriteStartArray("held");
            foreach (var bucket in held) w.WriteNumberValue(bucket);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>Healthy: reconciles are not failing in a row and the caches are in contact with the API server.</summary>
    private static bool Healthy(OperatorView op, ControllerHealth health, out string? why)
    {
        why = op.OutOfContact();
        if (why is null && health.State != ControllerHealthState.Healthy) why = $"{health.ConsecutiveFailures} reconciles failed in a row";
        return why is null;
    }

    private static void WriteResource(Utf8JsonWriter w, JsonElement cr)
    {
        static string? Str(JsonElement e, string p) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(p, out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()
                : null;
        var md = cr.TryGetProperty("metadata", out var m) ? m : default;
        w.WriteStartObject();
        w.WriteString("name", Str(md, "name"));
        if (Str(md, "namespace") is { } ns) w.WriteString("namespace", ns);
        string ready = "Unknown", message = "";
        if (cr.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object
            && status.TryGetProperty("conditions", out var conditions) && conditions.ValueKind == JsonValueKind.Array)
        {
            foreach (var c in conditions.EnumerateArray())
            {
                if (Str(c, "type") != "Ready") continue;
                ready = Str(c, "status") ?? "Unknown";
                message = Str(c, "message") ?? "";
            }
        }
        w.WriteString("ready", ready);
        if (message.Length > 0) w.WriteString("message", message);
        w.WriteEndObject();
    }

    private static Task Text(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(body + "\n");
    }

    /// <summary>A JSON answer written by <paramref name="write"/>, which returns the status; an API failure behind it
    /// (listing Events) is 502 with its message.</summary>
    private static async Task JsonAsync(HttpContext context, Func<Utf8JsonWriter, Task<int>> write)
    {
        using var buffer = new MemoryStream();
        int status;
        try
        {
            await using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true });
            status = await write(writer);
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException or TimeoutException)
        {
            await Json(context, 502, w =>
            {
                w.WriteStartObject();
                w.WriteString("error", e.Message);
                w.WriteEndObject();
            });
            return;
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        buffer.Position = 0;
        await buffer.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private static async Task Json(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true })) write(writer);
        buffer.Position = 0;
        await buffer.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
