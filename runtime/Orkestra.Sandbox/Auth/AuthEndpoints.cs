using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Handlers;
using Orkestra.Sandbox.Routing;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Auth;

/// <summary>
/// The create-only review resources and the token subresource, answered as kube answers them (201 with the request
/// echoed and its <c>status</c> filled): <c>serviceaccounts/NAME/token</c> (TokenRequest, <c>kubectl create token</c>),
/// authentication.k8s.io/v1 <c>tokenreviews</c> and <c>selfsubjectreviews</c> (<c>kubectl auth whoami</c>), and
/// authorization.k8s.io/v1 <c>subjectaccessreviews</c>, <c>localsubjectaccessreviews</c>,
/// <c>selfsubjectaccessreviews</c> (<c>kubectl auth can-i</c>) and <c>selfsubjectrulesreviews</c>
/// (<c>kubectl auth can-i --list</c>). Nothing is stored.
/// </summary>
internal sealed class AuthEndpoints(Authenticator authenticator, RbacAuthorizer authorizer, ObjectStore store, TimeProvider time)
{
    private const string Authentication = "authentication.k8s.io";
    private const string Authorization = "authorization.k8s.io";
    private const long MinimumExpiration = 600;
    private const long DefaultExpiration = 3600;

    /// <summary>Whether the path is one of these endpoints.</summary>
    public static bool Handles(ApiPath path) =>
        (path.Group, path.Resource, path.Subresource) switch
        {
            ("", "serviceaccounts", "token") => path.Name is not null && path.Namespace is not null,
            (Authentication, "tokenreviews" or "selfsubjectreviews", null) => path.Namespace is null && path.Name is null,
            (Authorization, "subjectaccessreviews" or "selfsubjectaccessreviews" or "selfsubjectrulesreviews", null) =>
                path.Namespace is null && path.Name is null,
            (Authorization, "localsubjectaccessreviews", null) => path.Namespace is not null && path.Name is null,
            _ => false,
        };

    public async Task<int> HandleAsync(HttpContext context, ApiPath path, UserInfo user)
    {
        if (context.Request.Method != "POST")
            throw ApiError.MethodNotAllowed("the server does not allow this method on the requested resource");
        if (path.Version != "v1") throw ApiError.PathNotFound();
        var body = Json.ParseObject(await Responses.ReadBodyAsync(context).ConfigureAwait(false), "request body");
        var result = path.Resource switch
        {
            "serviceaccounts" => TokenRequest(path.Namespace!, path.Name!, body),
            "tokenreviews" => TokenReview(body),
            "selfsubjectreviews" => SelfSubjectReview(user),
            "selfsubjectaccessreviews" => AccessReview(body, user, "SelfSubjectAccessReview", null),
            "subjectaccessreviews" => AccessReview(body, SubjectOf(body), "SubjectAccessReview", null),
            "localsubjectaccessreviews" => AccessReview(body, SubjectOf(body), "LocalSubjectAccessReview", path.Namespace),
            _ => RulesReview(body, user),
        };
        return await Responses.WriteJsonAsync(context, 201, result).ConfigureAwait(false);
    }

    private JsonObject TokenRequest(string ns, string name, JsonObject body)
    {
        var account = store.Get("serviceaccounts", new ObjectKey(ns, name))
            ?? throw new ApiError(404, "NotFound", $"serviceaccounts \"{name}\" not found",
                new JsonObject { ["name"] = name, ["kind"] = "serviceaccounts" });
        var spec = body["spec"] as JsonObject ?? new JsonObject();
        var seconds = Json.Long(spec, "expirationSeconds") ?? DefaultExpiration;
        if (seconds < MinimumExpiration)
            throw Invalid("TokenRequest", Authentication, name, Cause.InvalidValue("spec.expirationSeconds", $"{seconds}",
                "may not specify a duration less than 10 minutes"));
        if (seconds > uint.MaxValue)
            throw Invalid("TokenRequest", Authentication, name, Cause.InvalidValue("spec.expirationSeconds", $"{seconds}",
                "may not specify a duration larger than 2^32 seconds"));
        var audiences = RbacAuthorizer.Strings(spec["audiences"]);
        if (audiences.Length == 0) audiences = ServiceAccountTokens.ApiAudiences;
        var bound = Bound(ns, spec["boundObjectRef"] as JsonObject);
        var (token, expires) = authenticator.Tokens.Issue(account, audiences, TimeSpan.FromSeconds(seconds), bound);
        var result = Envelope(Authentication, "TokenRequest", body);
        result["metadata"] = new JsonObject
        {
            ["name"] = name, ["namespace"] = ns, ["creationTimestamp"] = KubeTime.Format(time.GetUtcNow()),
        };
        result["spec"] = new JsonObject
        {
            ["audiences"] = new JsonArray(audiences.Select(a => (JsonNode)a).ToArray()),
            ["expirationSeconds"] = seconds,
            ["boundObjectRef"] = spec["boundObjectRef"]?.DeepClone(),
        };
        result["status"] = new JsonObject { ["token"] = token, ["expirationTimestamp"] = KubeTime.Format(expires) };
        return result;
    }

    private BoundObject? Bound(string ns, JsonObject? reference)
    {
        if (reference is null) return null;
        var kind = Json.Str(reference, "kind") ?? "";
        var table = kind switch
        {
            "Pod" => "pods",
            "Secret" => "secrets",
            _ => throw Invalid("TokenRequest", Authentication, "", Cause.NotSupported("spec.boundObjectRef.kind", $"\"{kind}\"",
                ["Pod", "Secret"])),
        };
        var name = Json.Str(reference, "name") ?? "";
        var found = store.Get(table, new ObjectKey(ns, name))
            ?? throw new ApiError(404, "NotFound", $"{table} \"{name}\" not found", new JsonObject { ["name"] = name, ["kind"] = table });
        if (Json.Str(reference, "uid") is { Length: > 0 } uid && uid != found.Uid)
            throw new ApiError(409, "Conflict", $"the UID in the bound object reference ({uid}) does not match the UID in record. " +
                "The object might have been deleted and then recreated");
        return new BoundObject(kind, name, found.Uid);
    }

    private JsonObject TokenReview(JsonObject body)
    {
        var spec = body["spec"] as JsonObject ?? new JsonObject();
        var token = Json.Str(spec, "token") ?? "";
        var asked = RbacAuthorizer.Strings(spec["audiences"]);
        string[] matched = [];
        var error = "token is empty";
        var user = token.Length == 0 ? null : authenticator.Authenticate(token, asked.Length > 0 ? asked : null, out matched, out error);
        var status = new JsonObject();
        if (user is not null)
        {
            status["authenticated"] = true;
            status["user"] = UserJson(user);
            status["audiences"] = new JsonArray(matched.Select(a => (JsonNode)a).ToArray());
        }
        else
        {
            status["user"] = new JsonObject();
            status["error"] = error;
        }
        var result = Envelope(Authentication, "TokenReview", body);
        result["status"] = status;
        return result;
    }

    private JsonObject SelfSubjectReview(UserInfo user)
    {
        var result = Envelope(Authentication, "SelfSubjectReview", new JsonObject());
        result["status"] = new JsonObject { ["userInfo"] = UserJson(user) };
        return result;
    }

    private static UserInfo SubjectOf(JsonObject body)
    {
        var spec = body["spec"] as JsonObject ?? new JsonObject();
        var user = Json.Str(spec, "user") ?? "";
        var groups = RbacAuthorizer.Strings(spec["groups"]);
        if (user.Length == 0 && groups.Length == 0)
            throw Invalid("SubjectAccessReview", Authorization, "", Cause.InvalidValue("spec.user", "\"\"",
                "at least one of user or group must be specified"));
        return new UserInfo(user, groups, Json.Str(spec, "uid") ?? "");
    }

    private JsonObject AccessReview(JsonObject body, UserInfo subject, string kind, string? localNamespace)
    {
        var spec = body["spec"] as JsonObject ?? new JsonObject();
        AuthorizationAttributes attributes;
        if (spec["resourceAttributes"] is JsonObject r)
        {
            var ns = localNamespace ?? Json.Str(r, "namespace") ?? "";
            if (localNamespace is not null && (Json.Str(r, "namespace") ?? ns) != ns)
                throw Invalid(kind, Authorization, "", Cause.InvalidValue("spec.resourceAttributes.namespace",
                    $"\"{Json.Str(r, "namespace")}\"", "must match metadata.namespace"));
            attributes = new(subject.Name, Json.Str(r, "verb") ?? "", Json.Str(r, "group") ?? "", Json.Str(r, "resource") ?? "",
                Json.Str(r, "subresource") ?? "", ns, Json.Str(r, "name") ?? "", null);
        }
        else if (spec["nonResourceAttributes"] is JsonObject n && localNamespace is null)
        {
            attributes = new(subject.Name, Json.Str(n, "verb") ?? "", "", "", "", "", "", Json.Str(n, "path") ?? "");
        }
        else
        {
            throw Invalid(kind, Authorization, "", Cause.Required("spec.resourceAttributes",
                "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
        }
        var result = Envelope(Authorization, kind, body);
        result["status"] = new JsonObject { ["allowed"] = authorizer.Allows(subject, attributes) };
        return result;
    }

    private JsonObject RulesReview(JsonObject body, UserInfo user)
    {
        var ns = Json.Str(body["spec"], "namespace") ?? "";
        var resourceRules = new JsonArray();
        var nonResourceRules = new JsonArray();
        IEnumerable<PolicyRule> rules = !authorizer.Enabled || user.IsMaster
            ? [new(["*"], ["*"], ["*"], [], []), new(["*"], [], [], [], ["*"])]
            : authorizer.Policy.RulesFor(user, ns);
        foreach (var rule in rules)
        {
            if (rule.Resources.Count > 0)
            {
                var item = new JsonObject
                {
                    ["verbs"] = Array(rule.Verbs), ["apiGroups"] = Array(rule.ApiGroups), ["resources"] = Array(rule.Resources),
                };
                if (rule.ResourceNames.Count > 0) item["resourceNames"] = Array(rule.ResourceNames);
                resourceRules.Add((JsonNode)item);
            }
            if (rule.NonResourceUrls.Count > 0)
            {
                nonResourceRules.Add((JsonNode)new JsonObject
                {
                    ["verbs"] = Array(rule.Verbs), ["nonResourceURLs"] = Array(rule.NonResourceUrls),
                });
            }
        }
        var result = Envelope(Authorization, "SelfSubjectRulesReview", body);
        result["status"] = new JsonObject
        {
            ["resourceRules"] = resourceRules, ["nonResourceRules"] = nonResourceRules, ["incomplete"] = false,
        };
        return result;
    }

    private JsonObject Envelope(string group, string kind, JsonObject body)
    {
        var metadata = body["metadata"] as JsonObject ?? new JsonObject();
        var result = new JsonObject
        {
            ["kind"] = kind,
            ["apiVersion"] = $"{group}/v1",
            ["metadata"] = metadata.DeepClone(),
        };
        result["metadata"]!["creationTimestamp"] = KubeTime.Format(time.GetUtcNow());
        if (body["spec"] is JsonObject spec) result["spec"] = spec.DeepClone();
        return result;
    }

    private static JsonObject UserJson(UserInfo user)
    {
        var json = new JsonObject { ["username"] = user.Name };
        if (user.Uid.Length > 0) json["uid"] = user.Uid;
        json["groups"] = Array(user.Groups);
        if (user.Extra is { Count: > 0 } extra)
            json["extra"] = new JsonObject(extra.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)Array(e.Value))));
        return json;
    }

    private static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());

    private static ApiError Invalid(string kind, string group, string name, Cause cause) => ApiError.Invalid(kind, group, name, [cause]);
}
