using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Diagnostics;
using Orkestra.Sandbox.Faults;
using Orkestra.Sandbox.Resources;

namespace Orkestra.Sandbox.Handlers;

/// <summary>
/// Every URL that is not a resource: /version, the health checks, the root path list, discovery (/api, /apis and per
/// group/version), OpenAPI v3, and the sandbox's own admin endpoints (fault injection, request counts).
/// </summary>
internal sealed class NonResourceEndpoints
{
    private const string FaultsPrefix = "/sandbox/faults/";
    private const string OpenApiV3Prefix = "/openapi/v3/";

    private static readonly string[] FixedPaths = ["/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v3", "/readyz", "/version"];

    private readonly ResourceRegistry _registry;
    private readonly FaultInjector _faults;
    private readonly RequestLog _log;

    public NonResourceEndpoints(ResourceRegistry registry, FaultInjector faults, RequestLog log)
    {
        _registry = registry;
        _faults = faults;
        _log = log;
    }

    /// <summary>"host:port" the server is reachable at (for /api serverAddressByClientCIDRs).</summary>
    public string ServerAddress { get; set; } = "127.0.0.1:6443";

    public async Task<int> HandleAsync(HttpContext context, string path)
    {
        var snapshot = _registry.Current;
        var method = context.Request.Method;
        if (path.StartsWith(FaultsPrefix, StringComparison.Ordinal) && method == "POST")
        {
            var query = context.Request.Query;
            var result = _faults.Admin(path[FaultsPrefix.Length..], k => query[k].FirstOrDefault());
            return await Responses.WriteJsonAsync(context, 200, result).ConfigureAwait(false);
        }
        if (method != "GET") throw ApiError.MethodNotAllowed("the server does not allow this method on the requested resource");
        if (path == RequestCounts.Path)
            return await Responses.WriteJsonAsync(context, 200, RequestCounts.ToJson(_log)).ConfigureAwait(false);
        switch (path)
        {
            case "/version":
                return await Responses.WriteJsonAsync(context, 200, Version()).ConfigureAwait(false);
            case "/healthz" or "/livez" or "/readyz":
                return await HealthAsync(context, path).ConfigureAwait(false);
            case "/":
                return await Responses.WriteJsonAsync(context, 200, RootPaths(snapshot)).ConfigureAwait(false);
            case "/api":
                return await Responses.WriteJsonAsync(context, 200, Discovery.ApiVersions(ServerAddress)).ConfigureAwait(false);
            case "/apis":
                return await Responses.WriteJsonAsync(context, 200, Discovery.GroupList(snapshot)).ConfigureAwait(false);
            case "/openapi/v3":
                return await Responses.WriteJsonAsync(context, 200, OpenApiDocuments.Index(snapshot)).ConfigureAwait(false);
            case "/openapi/v2":
                throw ApiError.PathNotFound();
        }
        if (path.StartsWith(OpenApiV3Prefix, StringComparison.Ordinal))
        {
            var doc = OpenApiDocuments.Document(snapshot, path[OpenApiV3Prefix.Length..]) ?? throw ApiError.PathNotFound();
            return await Responses.WriteJsonAsync(context, 200, doc).ConfigureAwait(false);
        }
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        JsonObject? found = parts switch
        {
            ["api", var v] => Discovery.ResourceList(snapshot, "", v),
            ["apis", var g] => Discovery.SingleGroup(snapshot, g),
            ["apis", var g, var v] => Discovery.ResourceList(snapshot, g, v),
            _ => null,
        };
        return await Responses.WriteJsonAsync(context, 200, found ?? throw ApiError.PathNotFound()).ConfigureAwait(false);
    }

    /// <summary>What kube 1.32 reports, with this process's platform.</summary>
    private static JsonObject Version()
    {
        var os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : "windows";
        var arch = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        return new JsonObject
        {
            ["major"] = "1",
            ["minor"] = "32",
            ["gitVersion"] = "v1.32.0-orkestra-sandbox",
            ["gitCommit"] = "0000000000000000000000000000000000000000",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2025-01-01T00:00:00Z",
            ["goVersion"] = "n/a (.NET)",
            ["compiler"] = "dotnet",
            ["platform"] = $"{os}/{arch}",
        };
    }

    /// <summary>Plain-text health: "ok", or with <c>?verbose</c> one line per check.</summary>
    private static async Task<int> HealthAsync(HttpContext context, string path)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain; charset=utf-8";
        var text = context.Request.Query.ContainsKey("verbose") ? $"[+]ping ok\n[+]etcd ok\n{path[1..]} check passed\n" : "ok";
        await context.Response.WriteAsync(text).ConfigureAwait(false);
        return 200;
    }

    /// <summary>The root document: the fixed paths, then one per served group/version.</summary>
    private static JsonObject RootPaths(RegistrySnapshot snapshot)
    {
        var versions = snapshot.Types.Select(t => t.Group.Length == 0 ? $"/api/{t.Version}" : $"/apis/{t.Group}/{t.Version}");
        var paths = FixedPaths.Concat(versions).Distinct(StringComparer.Ordinal).Select(p => (JsonNode?)p).ToArray();
        return new JsonObject { ["paths"] = new JsonArray(paths) };
    }
}
