using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Orkestra.Sandbox.Admission;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Diagnostics;
using Orkestra.Sandbox.Faults;
using Orkestra.Sandbox.Resources;
using Orkestra.Sandbox.Routing;
using Orkestra.Sandbox.Storage;
using Orkestra.Sandbox.Watch;

namespace Orkestra.Sandbox.Handlers;

/// <summary>
/// The single request delegate: bearer-token check, fault injection, routing of non-resource endpoints
/// (version, health, discovery, OpenAPI, admin) and of resource URLs to the verbs, request logging, and turning
/// every <see cref="ApiError"/> into a Status response. Shared by all requests; holds no per-request state.
/// </summary>
internal sealed partial class HttpApi
{
    readonly ObjectService _objects;
    readonly FaultInjector _faults;
    readonly RequestLog _log;
    readonly string _token;
    readonly TimeProvider _time;

    public HttpApi(ObjectService objects, FaultInjector faults, RequestLog log, string token)
    {
        _objects = objects;
        _faults = faults;
        _log = log;
        _token = token;
        _time = objects.Time;
    }

    RegistrySnapshot Registry => _objects.Registry.Current;
    ObjectStore Store => _objects.Store;

    /// <summary>"host:port" the server is reachable at (for /api serverAddressByClientCIDRs).</summary>
    public string ServerAddress { get; set; } = "127.0.0.1:6443";

    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var apiPath = ApiPath.Parse(path);
        var verb = Verb(request.Method, apiPath, request.Query);
        var resource = apiPath?.Resource ?? "";
        var code = 200;
        try
        {
            if (!Authorized(request))
            {
                code = 401;
                await WriteJsonAsync(context, 401, Status.Failure(401, "Unauthorized", "Unauthorized", null)).ConfigureAwait(false);
                return;
            }
            if (!path.StartsWith("/sandbox/", StringComparison.Ordinal) &&
                await _faults.BeforeRequestAsync(verb, resource, _time, context.RequestAborted).ConfigureAwait(false) is { } injected)
            {
                throw injected;
            }
            if (apiPath is not null) code = await ResourceAsync(context, apiPath, verb).ConfigureAwait(false);
            else code = await NonResourceAsync(context, path).ConfigureAwait(false);
        }
        catch (ApiError e)
        {
            code = e.Code;
            if (!context.Response.HasStarted)
            {
                if (e.RetryAfterSeconds is not null) context.Response.Headers["Retry-After"] = e.RetryAfterSeconds;
                await WriteJsonAsync(context, e.Code, e.ToStatus()).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            code = 499;
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            code = 500;
            await WriteJsonAsync(context, 500, ApiError.Internal(e.Message).ToStatus()).ConfigureAwait(false);
        }
        finally
        {
            _log.Add(new RequestRecord(verb, resource, path + request.QueryString.Value, code, Stopwatch.GetElapsedTime(started)));
        }
    }

    bool Authorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) &&
               System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                   System.Text.Encoding.UTF8.GetBytes(header[7..].Trim()), System.Text.Encoding.UTF8.GetBytes(_token));
    }

    static string Verb(string method, ApiPath? path, IQueryCollection query)
    {
        if (path is null) return method.ToLowerInvariant();
        var item = path.Name is not null;
        return method switch
        {
            "GET" when item => "get",
            "GET" => query["watch"] is var w && (w == "true" || w == "1") ? "watch" : "list",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" when item => "delete",
            "DELETE" => "deletecollection",
            _ => method.ToLowerInvariant(),
        };
    }

    // ------------------------------------------------------------------ non-resource endpoints

    async Task<int> NonResourceAsync(HttpContext context, string path)
    {
        var snapshot = Registry;
        var method = context.Request.Method;
        if (path.StartsWith("/sandbox/faults/", StringComparison.Ordinal) && method == "POST")
        {
            var action = path["/sandbox/faults/".Length..];
            var query = context.Request.Query;
            return await WriteJsonAsync(context, 200, _faults.Admin(action, k => query[k].FirstOrDefault())).ConfigureAwait(false);
        }
        if (method != "GET") throw new ApiError(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource");
        if (path == RequestCounts.Path) return await WriteJsonAsync(context, 200, RequestCounts.ToJson(_log)).ConfigureAwait(false);
        switch (path)
        {
            case "/version":
                return await WriteJsonAsync(context, 200, new JsonObject
                {
                    ["major"] = "1", ["minor"] = "32", ["gitVersion"] = "v1.32.0-orkestra-sandbox", ["gitCommit"] = "0000000000000000000000000000000000000000",
                    ["gitTreeState"] = "clean", ["buildDate"] = "2025-01-01T00:00:00Z", ["goVersion"] = "n/a (.NET)", ["compiler"] = "dotnet",
                    ["platform"] = $"{(OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : "windows")}/{System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}",
                }).ConfigureAwait(false);
            case "/healthz" or "/livez" or "/readyz":
                context.Response.StatusCode = 200;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(context.Request.Query.ContainsKey("verbose") ? $"[+]ping ok\n[+]etcd ok\n{path[1..]} check passed\n" : "ok").ConfigureAwait(false);
                return 200;
            case "/":
                return await WriteJsonAsync(context, 200, new JsonObject
                {
                    ["paths"] = new JsonArray(new JsonNode?[] { "/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v3", "/readyz", "/version" }
                        .Concat(snapshot.Types.Select(t => (JsonNode?)(t.Group.Length == 0 ? $"/api/{t.Version}" : $"/apis/{t.Group}/{t.Version}")).Distinct(new NodeText())).ToArray()),
                }).ConfigureAwait(false);
            case "/api":
                return await WriteJsonAsync(context, 200, Discovery.ApiVersions(ServerAddress)).ConfigureAwait(false);
            case "/apis":
                return await WriteJsonAsync(context, 200, Discovery.GroupList(snapshot)).ConfigureAwait(false);
            case "/openapi/v3":
                return await WriteJsonAsync(context, 200, OpenApiDocuments.Index(snapshot)).ConfigureAwait(false);
            case "/openapi/v2":
                throw ApiError.PathNotFound();
        }
        if (path.StartsWith("/openapi/v3/", StringComparison.Ordinal))
        {
            var doc = OpenApiDocuments.Document(snapshot, path["/openapi/v3/".Length..]) ?? throw ApiError.PathNotFound();
            return await WriteJsonAsync(context, 200, doc).ConfigureAwait(false);
        }
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        JsonObject? found = parts switch
        {
            ["api", var v] => Discovery.ResourceList(snapshot, "", v),
            ["apis", var g] => Discovery.SingleGroup(snapshot, g),
            ["apis", var g, var v] => Discovery.ResourceList(snapshot, g, v),
            _ => null,
        };
        return await WriteJsonAsync(context, 200, found ?? throw ApiError.PathNotFound()).ConfigureAwait(false);
    }

    sealed class NodeText : IEqualityComparer<JsonNode?>
    {
        public bool Equals(JsonNode? x, JsonNode? y) => x?.ToJsonString() == y?.ToJsonString();
        public int GetHashCode(JsonNode? obj) => obj?.ToJsonString().GetHashCode(StringComparison.Ordinal) ?? 0;
    }

    // ------------------------------------------------------------------ resources

    async Task<int> ResourceAsync(HttpContext context, ApiPath path, string verb)
    {
        var type = Registry.Find(path.Group, path.Version, path.Resource) ?? throw ApiError.PathNotFound();
        if (type.Namespaced != (path.Namespace is not null) && !(type.Namespaced && path.Name is null && verb is "list" or "watch"))
            throw ApiError.PathNotFound();
        var sub = path.Subresource switch
        {
            null => Subresource.None,
            "status" when type.HasStatus => Subresource.Status,
            "scale" when type.Scale is not null => Subresource.Scale,
            "finalize" when type.HasFinalize => Subresource.Finalize,
            _ => throw ApiError.PathNotFound(),
        };
        var accept = context.Request.Headers.Accept.ToString();
        if (accept.Length > 0 && !accept.Contains("json", StringComparison.Ordinal) && !accept.Contains("*/*", StringComparison.Ordinal))
            throw ApiError.NotAcceptable("only the following media types are accepted: application/json, application/yaml");
        if (type.Custom?.Deprecated == true)
            context.Response.Headers.Append("Warning", Warning(type.Custom.DeprecationWarning ?? $"{type.GroupVersion} {type.Kind} is deprecated"));
        var query = context.Request.Query;
        switch (verb)
        {
            case "get":
                if (sub == Subresource.Scale) return await WriteJsonAsync(context, 200, Scales.ToScale(type, _objects.Get(type, path.Namespace, path.Name!))).ConfigureAwait(false);
                if (sub == Subresource.Finalize) throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
                return await GetAsync(context, type, path, accept).ConfigureAwait(false);
            case "list":
                return await ListAsync(context, type, path.Namespace, accept).ConfigureAwait(false);
            case "watch":
                return await WatchAsync(context, type, path.Namespace, accept).ConfigureAwait(false);
            case "create":
                if (path.Name is not null) throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
                {
                    var options = WriteOptionsFrom(context, Subresource.None, isPatch: false, operation: "Update");
                    var body = Json.ParseObject(await ReadBodyAsync(context).ConfigureAwait(false), "error decoding request body");
                    var created = await _objects.CreateAsync(type, path.Namespace, body, options).ConfigureAwait(false);
                    return await WriteObjectAsync(context, options.DryRun ? 201 : 201, type, created, options).ConfigureAwait(false);
                }
            case "update":
                {
                    var options = WriteOptionsFrom(context, sub, isPatch: false, operation: "Update");
                    var body = Json.ParseObject(await ReadBodyAsync(context).ConfigureAwait(false), "error decoding request body");
                    if (sub == Subresource.Scale)
                    {
                        var scaled = await Scales.UpdateAsync(_objects, type, path.Namespace, path.Name!, _ => body, options)
                            .ConfigureAwait(false);
                        return await WriteJsonAsync(context, 200, scaled).ConfigureAwait(false);
                    }
                    var (result, created) = await _objects.UpdateAsync(type, path.Namespace, path.Name!, _ => body, options)
                        .ConfigureAwait(false);
                    return await WriteObjectAsync(context, created ? 201 : 200, type, result, options).ConfigureAwait(false);
                }
            case "patch":
                return await PatchAsync(context, type, path, sub).ConfigureAwait(false);
            case "delete":
                {
                    if (sub != Subresource.None) throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
                    var options = await DeleteOptionsFromAsync(context).ConfigureAwait(false);
                    var (obj, removed) = await _objects.DeleteAsync(type, path.Namespace, path.Name!, options).ConfigureAwait(false);
                    if (removed && !type.ReturnsDeletedObject)
                        return await WriteJsonAsync(context, 200, Status.Success(type, obj.Name, obj.Uid)).ConfigureAwait(false);
                    return await WriteObjectAsync(context, 200, type, obj, null).ConfigureAwait(false);
                }
            case "deletecollection":
                return await DeleteCollectionAsync(context, type, path.Namespace).ConfigureAwait(false);
        }
        throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    }

    async Task<int> GetAsync(HttpContext context, ResourceType type, ApiPath path, string accept)
    {
        var stored = _objects.Get(type, path.Namespace, path.Name!);
        if (Tables.Wanted(accept))
        {
            var presented = await PresentAllAsync(type, [stored], list: false).ConfigureAwait(false);
            var table = Tables.Build(type, presented, IncludeObject(context), _time.GetUtcNow(),
                new JsonObject { ["resourceVersion"] = Format(stored.ResourceVersion) });
            return await WriteJsonAsync(context, 200, table).ConfigureAwait(false);
        }
        return await WriteObjectAsync(context, 200, type, stored, null).ConfigureAwait(false);
    }

    async Task<int> ListAsync(HttpContext context, ResourceType type, string? ns, string accept)
    {
        var query = context.Request.Query;
        if (query["sendInitialEvents"].Count > 0)
            throw ApiError.Invalid("ListOptions", "meta.k8s.io", "", [Cause.Forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list")]);
        var filter = ListFilter.From(type, ns, query);
        var limit = ParseLong(query["limit"].FirstOrDefault(), "limit") ?? 0;
        var continueToken = query["continue"].FirstOrDefault();
        var (items, revision) = Store.Snapshot(type.StorageKey, ns);
        ObjectKey? after = null;
        if (!string.IsNullOrEmpty(continueToken))
        {
            (revision, after) = ContinueToken.Parse(continueToken);
            if (revision < Store.Table(type.StorageKey).CompactedRevision)
                throw ApiError.Expired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
        }
        var selected = new List<StoredObject>();
        string? nextToken = null;
        foreach (var item in items)
        {
            if (after is { } a && item.Key.CompareTo(a) <= 0) continue;
            if (!filter.Matches(item)) continue;
            if (limit > 0 && selected.Count == limit)
            {
                nextToken = ContinueToken.Create(revision, selected[^1].Key);
                break;
            }
            selected.Add(item);
        }
        var metadata = new JsonObject { ["resourceVersion"] = Format(revision) };
        if (nextToken is not null) metadata["continue"] = nextToken;
        var converted = NeedsConversion(type, selected) ? await PresentAllAsync(type, selected, list: true).ConfigureAwait(false) : null;
        if (Tables.Wanted(accept))
        {
            var rows = converted ?? selected.Select(s => Present(type, s));
            var table = Tables.Build(type, rows, IncludeObject(context), _time.GetUtcNow(), metadata);
            return await WriteJsonAsync(context, 200, table).ConfigureAwait(false);
        }
        var buffer = new ArrayBufferWriter<byte>(1024 + selected.Sum(s => s.Bytes.Length + 1));
        using (var writer = Json.CreateWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", type.ListKind);
            writer.WriteString("apiVersion", type.GroupVersion);
            writer.WritePropertyName("metadata");
            metadata.WriteTo(writer);
            writer.WriteStartArray("items");
            if (converted is not null)
            {
                foreach (var item in converted) item.WriteTo(writer);
            }
            else
            {
                foreach (var item in selected) writer.WriteRawValue(PresentBytes(type, item), skipInputValidation: true);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return await WriteBytesAsync(context, 200, buffer.WrittenMemory).ConfigureAwait(false);
    }

    async Task<int> DeleteCollectionAsync(HttpContext context, ResourceType type, string? ns)
    {
        var filter = ListFilter.From(type, ns, context.Request.Query);
        var options = await DeleteOptionsFromAsync(context).ConfigureAwait(false);
        var (items, revision) = Store.Snapshot(type.StorageKey, ns);
        var affected = new JsonArray();
        foreach (var item in items.Where(filter.Matches))
        {
            try
            {
                var (obj, _) = await _objects.DeleteAsync(type, item.Namespace, item.Name, options).ConfigureAwait(false);
                affected.Push((await PresentAllAsync(type, [obj], list: false).ConfigureAwait(false))[0]);
            }
            catch (ApiError e) when (e.Code == 404)
            {
                // deleted concurrently: nothing to report
            }
        }
        return await WriteJsonAsync(context, 200, new JsonObject
        {
            ["kind"] = type.ListKind,
            ["apiVersion"] = type.GroupVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = Format(Math.Max(revision, Store.Revision)) },
            ["items"] = affected,
        }).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ options

    WriteOptions WriteOptionsFrom(HttpContext context, Subresource sub, bool isPatch, string operation, bool createIfAbsent = false)
    {
        var query = context.Request.Query;
        var dryRun = query["dryRun"].ToArray();
        foreach (var value in dryRun)
        {
            if (value != "All") throw ApiError.Invalid("CreateOptions", "meta.k8s.io", "", [Cause.NotSupported("dryRun", $"\"{value}\"", ["All"])]);
        }
        var validation = query["fieldValidation"].FirstOrDefault() switch
        {
            null or "" or "Warn" => FieldValidation.Warn,
            "Strict" => FieldValidation.Strict,
            "Ignore" => FieldValidation.Ignore,
            var other => throw ApiError.BadRequest($"fieldValidation {other} is invalid, valid values are: Ignore, Warn, Strict"),
        };
        var manager = query["fieldManager"].FirstOrDefault();
        if (string.IsNullOrEmpty(manager))
        {
            // kube's prefixFromUserAgent: the part before the first '/', printable characters only, at most 128.
            var prefix = context.Request.Headers.UserAgent.ToString().Split('/')[0];
            manager = new string(prefix.Where(c => !char.IsControl(c)).Take(128).ToArray());
        }
        else if (manager.Length > 128)
        {
            throw ApiError.Invalid("PatchOptions", "meta.k8s.io", "", [Cause.InvalidValue("fieldManager", $"\"{manager}\"", "must be no more than 128 characters")]);
        }
        var options = new WriteOptions
        {
            FieldManager = manager, DryRun = dryRun.Length > 0, Validation = validation, Subresource = sub, IsPatch = isPatch,
            Operation = operation, CreateIfAbsent = createIfAbsent,
            RequestFieldManager = query["fieldManager"].FirstOrDefault(),
            RequestFieldValidation = query["fieldValidation"].FirstOrDefault(),
        };
        context.Features.Set(new WriteWarnings(options.Warnings));
        return options;
    }

    async Task<DeleteOptions> DeleteOptionsFromAsync(HttpContext context)
    {
        var options = await ParseDeleteOptionsAsync(context).ConfigureAwait(false);
        context.Features.Set(new WriteWarnings(options.Warnings));
        return options;
    }

    async Task<DeleteOptions> ParseDeleteOptionsAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body.Length > 0 && Json.Parse(body, "error decoding DeleteOptions") is JsonObject o)
        {
            var preconditions = o["preconditions"] as JsonObject;
            var policy = Json.Str(o, "propagationPolicy");
            var orphan = Json.Bool(o, "orphanDependents");
            var dryRun = o["dryRun"] is JsonArray d && d.Count > 0;
            return Validate(new DeleteOptions
            {
                PropagationPolicy = policy, OrphanDependents = orphan, GracePeriodSeconds = Json.Long(o, "gracePeriodSeconds"),
                PreconditionUid = Json.Str(preconditions, "uid"), PreconditionResourceVersion = Json.Str(preconditions, "resourceVersion"), DryRun = dryRun,
            });
        }
        var query = context.Request.Query;
        return Validate(new DeleteOptions
        {
            PropagationPolicy = query["propagationPolicy"].FirstOrDefault(),
            OrphanDependents = query["orphanDependents"].FirstOrDefault() is { } od ? od == "true" : null,
            GracePeriodSeconds = ParseLong(query["gracePeriodSeconds"].FirstOrDefault(), "gracePeriodSeconds"),
            DryRun = query["dryRun"].Count > 0,
        });
    }

    static DeleteOptions Validate(DeleteOptions options)
    {
        if (options.PropagationPolicy is not (null or "Orphan" or "Background" or "Foreground"))
            throw ApiError.Invalid("DeleteOptions", "meta.k8s.io", "", [Cause.NotSupported("propagationPolicy", $"\"{options.PropagationPolicy}\"", ["Foreground", "Background", "Orphan", "nil"])]);
        if (options.PropagationPolicy is not null && options.OrphanDependents is not null)
            throw ApiError.Invalid("DeleteOptions", "meta.k8s.io", "", [Cause.Forbidden("propagationPolicy", "orphanDependents and deletionPropagation cannot be both set")]);
        return options;
    }

    static string IncludeObject(HttpContext context) => context.Request.Query["includeObject"].FirstOrDefault() ?? "Metadata";

    internal static long? ParseLong(string? text, string name)
    {
        if (string.IsNullOrEmpty(text)) return null;
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0
            ? n : throw ApiError.BadRequest($"invalid value for {name}: \"{text}\"");
    }

    static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    static string Warning(string text) => $"299 - \"{text.Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    // ------------------------------------------------------------------ presentation & I/O

    /// <summary>The stored object as the requested version (None conversion: only apiVersion changes).</summary>
    /// <remarks>Custom resources stored before a schema change are pruned and defaulted on the way out (§7.3).</remarks>
    static JsonObject Present(ResourceType type, StoredObject stored)
    {
        var reread = CustomResourcePipeline.ForRead(type, stored);
        if (reread is null && Json.Str(stored.Object, "apiVersion") == type.GroupVersion) return stored.Object;
        var copy = reread ?? stored.Clone();
        copy["apiVersion"] = type.GroupVersion;
        return copy;
    }

    static byte[] PresentBytes(ResourceType type, StoredObject stored) =>
        Json.Str(stored.Object, "apiVersion") == type.GroupVersion && CustomResourcePipeline.IsCurrent(type, stored)
            ? stored.Bytes : Json.ToBytes(Present(type, stored));

    /// <summary>True when presenting <paramref name="items"/> as <paramref name="type"/> takes a conversion webhook call.</summary>
    bool NeedsConversion(ResourceType type, IEnumerable<StoredObject> items) =>
        _objects.Converter is not null && type.Custom?.Conversion is not null &&
        items.Any(i => CustomResourceConverter.NeedsCall(type, i.Object));

    /// <summary>Objects as the requested version; those stored in another one go to the CRD's conversion webhook in one review.</summary>
    async ValueTask<JsonObject[]> PresentAllAsync(ResourceType type, IReadOnlyList<StoredObject> items, bool list)
    {
        if (!NeedsConversion(type, items)) return items.Select(i => Present(type, i)).ToArray();
        var objects = items.Select(i => i.Object).ToList();
        var converted = await _objects.Converter!.ConvertAsync(type.Custom!, type.Kind, objects, type.GroupVersion, type.Custom!.Schema,
            list ? type.ListKind : null).ConfigureAwait(false);
        return converted.Select((o, i) => ReferenceEquals(o, items[i].Object) ? Present(type, items[i]) : o).ToArray();
    }

    async Task<int> WriteObjectAsync(HttpContext context, int code, ResourceType type, StoredObject stored, WriteOptions? options)
    {
        var bytes = type.Custom?.Conversion is not null && NeedsConversion(type, [stored])
            ? Json.ToBytes((await PresentAllAsync(type, [stored], list: false).ConfigureAwait(false))[0])
            : PresentBytes(type, stored);
        return await WriteBytesAsync(context, code, bytes).ConfigureAwait(false);
    }

    static async Task<int> WriteJsonAsync(HttpContext context, int code, JsonNode body) =>
        await WriteBytesAsync(context, code, Json.ToBytes(body)).ConfigureAwait(false);

    /// <summary>A write's warnings (pruned fields, webhooks): a request feature until the response (success or error) is written.</summary>
    sealed record WriteWarnings(List<string> List);

    static void AppendWarnings(HttpContext context)
    {
        // Features.Get of a feature nobody set allocates nothing: reads pay no cost here.
        if (context.Features.Get<WriteWarnings>() is { List.Count: > 0 } warnings)
        {
            foreach (var warning in warnings.List.Distinct(StringComparer.Ordinal))
                context.Response.Headers.Append("Warning", Warning(warning));
        }
    }

    static async Task<int> WriteBytesAsync(HttpContext context, int code, ReadOnlyMemory<byte> bytes)
    {
        AppendWarnings(context);
        var response = context.Response;
        response.StatusCode = code;
        response.ContentType = "application/json";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        return code;
    }

    static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        var contentType = context.Request.ContentType ?? "";
        if (contentType.StartsWith("application/vnd.kubernetes.protobuf", StringComparison.OrdinalIgnoreCase) ||
            contentType.StartsWith("application/cbor", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiError.UnsupportedMediaType("application/json, application/merge-patch+json, application/json-patch+json, application/apply-patch+yaml");
        }
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
