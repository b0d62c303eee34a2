using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Auth;
using Orkestra.Sandbox.Diagnostics;
using Orkestra.Sandbox.Faults;
using Orkestra.Sandbox.Resources;
using Orkestra.Sandbox.Routing;

namespace Orkestra.Sandbox.Handlers;

/// <summary>
/// The single request delegate: the pipeline every request runs through, top to bottom — authentication (bearer token,
/// impersonation), authorization (RBAC when on), fault injection, routing (non-resource endpoints, the auth reviews and
/// token requests of <see cref="AuthEndpoints"/>, or a resource URL resolved to its type, subresource and verb
/// handler), a Status response for every <see cref="ApiError"/>, and one request-log record. The verbs themselves live
/// in <see cref="ReadHandler"/>, <see cref="WriteHandler"/>, <see cref="PatchHandler"/> and
/// <see cref="ScaleHandler"/>. Shared by all requests; holds no per-request state.
/// </summary>
internal sealed class HttpApi
{
    private readonly ObjectService _objects;
    private readonly FaultInjector _faults;
    private readonly RequestLog _log;
    private readonly Authenticator _authenticator;
    private readonly RbacAuthorizer _authorizer;
    private readonly AuthEndpoints _auth;
    private readonly NonResourceEndpoints _nonResource;
    private readonly ReadHandler _reads;
    private readonly WriteHandler _writes;
    private readonly PatchHandler _patches;
    private readonly ScaleHandler _scale;

    public HttpApi(ObjectService objects, FaultInjector faults, RequestLog log, Authenticator authenticator, RbacAuthorizer authorizer)
    {
        _objects = objects;
        _faults = faults;
        _log = log;
        _authenticator = authenticator;
        _authorizer = authorizer;
        _auth = new AuthEndpoints(authenticator, authorizer, objects.Store, objects.Time);
        var presenter = new Presenter(objects);
        _nonResource = new NonResourceEndpoints(objects.Registry, faults, log);
        _reads = new ReadHandler(objects, presenter, faults);
        _writes = new WriteHandler(objects, presenter);
        _patches = new PatchHandler(objects, presenter);
        _scale = new ScaleHandler(objects);
    }

    /// <summary>"host:port" the server is reachable at (for /api serverAddressByClientCIDRs).</summary>
    public string ServerAddress
    {
        get => _nonResource.ServerAddress;
        set => _nonResource.ServerAddress = value;
    }

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
            if (_authenticator.Authenticate(request) is not { } user)
            {
                code = 401;
                var status = Status.Failure(401, "Unauthorized", "Unauthorized", null);
                await Responses.WriteJsonAsync(context, 401, status).ConfigureAwait(false);
                return;
            }
            if (_authorizer.Enabled)
            {
                var attributes = RequestAttributes.For(user, request, apiPath, verb);
                if (!_authorizer.Allows(user, attributes)) throw RbacAuthorizer.Forbidden(attributes);
            }
            // the admin is the default: its requests (the common case) set nothing
            if (!ReferenceEquals(user, UserInfo.Admin)) context.Features.Set(user);
            if (!path.StartsWith("/sandbox/", StringComparison.Ordinal) &&
                await _faults.BeforeRequestAsync(verb, resource, _objects.Time, context.RequestAborted).ConfigureAwait(false)
                    is { } injected)
            {
                throw injected;
            }
            code = apiPath is null ? await _nonResource.HandleAsync(context, path).ConfigureAwait(false)
                : AuthEndpoints.Handles(apiPath) ? await _auth.HandleAsync(context, apiPath, user).ConfigureAwait(false)
                : await ResourceAsync(context, apiPath, verb).ConfigureAwait(false);
        }
        catch (ApiError e)
        {
            code = e.Code;
            if (!context.Response.HasStarted)
            {
                if (e.RetryAfterSeconds is not null) context.Response.Headers["Retry-After"] = e.RetryAfterSeconds;
                await Responses.WriteJsonAsync(context, e.Code, e.ToStatus()).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            code = 499;
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            code = 500;
            await Responses.WriteJsonAsync(context, 500, ApiError.Internal(e.Message).ToStatus()).ConfigureAwait(false);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            _log.Add(new RequestRecord(verb, resource, path + request.QueryString.Value, code, elapsed));
        }
    }

    private static string Verb(string method, ApiPath? path, IQueryCollection query)
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

    /// <summary>A resource URL: its type and scope, the subresource, the media type, then the verb's handler.</summary>
    private async Task<int> ResourceAsync(HttpContext context, ApiPath path, string verb)
    {
        var type = _objects.Registry.Current.Find(path.Group, path.Version, path.Resource) ?? throw ApiError.PathNotFound();
        var collectionAcrossNamespaces = type.Namespaced && path.Name is null && verb is "list" or "watch";
        if (type.Namespaced != (path.Namespace is not null) && !collectionAcrossNamespaces) throw ApiError.PathNotFound();
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
        {
            var warning = type.Custom.DeprecationWarning ?? $"{type.GroupVersion} {type.Kind} is deprecated";
            context.Response.Headers.Append("Warning", Responses.WarningHeader(warning));
        }
        var handled = (verb, sub) switch
        {
            ("get", Subresource.Scale) => _scale.GetAsync(context, type, path),
            ("get", Subresource.Finalize) => throw MethodNotAllowed(),
            ("get", _) => _reads.GetAsync(context, type, path, accept),
            ("list", _) => _reads.ListAsync(context, type, path.Namespace, accept),
            ("watch", _) => _reads.WatchAsync(context, type, path.Namespace, accept),
            ("create", _) when path.Name is null => _writes.CreateAsync(context, type, path.Namespace),
            ("update", Subresource.Scale) => _scale.UpdateAsync(context, type, path),
            ("update", _) => _writes.UpdateAsync(context, type, path, sub),
            ("patch", Subresource.Scale) => _scale.PatchAsync(context, type, path),
            ("patch", _) => _patches.PatchAsync(context, type, path, sub),
            ("delete", Subresource.None) => _writes.DeleteAsync(context, type, path),
            ("deletecollection", _) => _writes.DeleteCollectionAsync(context, type, path.Namespace),
            _ => throw MethodNotAllowed(),
        };
        return await handled.ConfigureAwait(false);
    }

    private static ApiError MethodNotAllowed() =>
        ApiError.MethodNotAllowed("the server does not allow this method on the requested resource");
}
