using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Routing;

namespace Orkestra.Sandbox.Auth;

/// <summary>
/// Who a request comes from: the admin bearer token (<see cref="UserInfo.Admin"/>) or a ServiceAccount token the
/// sandbox signed; anything else is 401. Then kube's impersonation: <c>Impersonate-User</c>, <c>Impersonate-Group</c>,
/// <c>Impersonate-Uid</c> and <c>Impersonate-Extra-KEY</c> headers (kubectl <c>--as</c>, <c>--as-group</c>,
/// <c>--as-uid</c>) replace the identity when the caller may <c>impersonate</c> each of them (users, groups,
/// serviceaccounts in the account's namespace, uids and userextras/KEY of authentication.k8s.io).
/// </summary>
internal sealed class Authenticator(string adminToken, ServiceAccountTokens tokens, RbacAuthorizer authorizer)
{
    private readonly byte[] _admin = Encoding.UTF8.GetBytes(adminToken);

    public ServiceAccountTokens Tokens => tokens;

    /// <summary>The caller of the request, or null (401).</summary>
    public UserInfo? Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal)) return null;
        var token = header[7..].Trim();
        var user = Authenticate(token, null, out _, out _);
        return user is null ? null : Impersonate(request, user);
    }

    /// <summary>The user a bearer token stands for (TokenReview too); null with kube's reason when it stands for none.</summary>
    public UserInfo? Authenticate(string token, IReadOnlyList<string>? audiences, out string[] matchedAudiences, out string error)
    {
        if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), _admin))
        {
            matchedAudiences = (audiences ?? ServiceAccountTokens.ApiAudiences).ToArray();
            error = "";
            return UserInfo.Admin;
        }
        if (ServiceAccountTokens.LooksLikeJwt(token)) return tokens.Verify(token, audiences, out matchedAudiences, out error);
        matchedAudiences = [];
        error = "invalid bearer token";
        return null;
    }

    private UserInfo Impersonate(HttpRequest request, UserInfo requester)
    {
        var headers = request.Headers;
        var userName = headers["Impersonate-User"].ToString();
        var groups = headers["Impersonate-Group"].Where(g => !string.IsNullOrEmpty(g)).Select(g => g!).ToList();
        var uid = headers["Impersonate-Uid"].ToString();
        var extraHeaders = headers.Keys.Where(k => k.StartsWith("Impersonate-Extra-", StringComparison.OrdinalIgnoreCase)).ToList();
        if (userName.Length == 0)
        {
            if (groups.Count == 0 && uid.Length == 0 && extraHeaders.Count == 0) return requester;
            throw ApiError.Internal("requested impersonation without impersonating a user");
        }
        var account = UserInfo.ParseServiceAccount(userName);
        if (account is { } sa) Check(requester, "serviceaccounts", "", sa.Name, sa.Namespace);
        else Check(requester, "users", "", userName, "");
        foreach (var group in groups) Check(requester, "groups", "", group, "");
        if (uid.Length > 0) Check(requester, "uids", "authentication.k8s.io", uid, "");
        var extra = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var key in extraHeaders)
        {
            var name = Uri.UnescapeDataString(key["Impersonate-Extra-".Length..]).ToLowerInvariant();
            var values = headers[key].Select(v => v ?? "").ToArray();
            foreach (var value in values) Check(requester, "userextras", "authentication.k8s.io", value, "", name);
            extra[name] = values;
        }
        if (account is { } serviceAccount && groups.Count == 0) groups.AddRange(UserInfo.ServiceAccountGroups(serviceAccount.Namespace));
        if (userName != "system:anonymous" && !groups.Contains(UserInfo.Authenticated)) groups.Add(UserInfo.Authenticated);
        return new UserInfo(userName, groups, uid, extra.Count > 0 ? extra : null);
    }

    private void Check(UserInfo requester, string resource, string group, string name, string ns, string subresource = "")
    {
        var attributes = new AuthorizationAttributes(requester.Name, "impersonate", group, resource, subresource, ns, name, null);
        if (!authorizer.Allows(requester, attributes)) throw RbacAuthorizer.Forbidden(attributes);
    }
}

/// <summary>The authorization attributes of an HTTP request, as kube's request-info resolver derives them.</summary>
internal static class RequestAttributes
{
    public static AuthorizationAttributes For(UserInfo user, HttpRequest request, ApiPath? path, string verb)
    {
        if (path is null) return new(user.Name, request.Method.ToLowerInvariant(), "", "", "", "", "", request.Path.Value ?? "/");
        var name = path.Name ?? "";
        if (verb == "get" && request.Query["watch"] is var w && (w == "true" || w == "1")) verb = "watch";
        if (name.Length == 0 && verb is "list" or "watch" && NameFromFieldSelector(request.Query["fieldSelector"].ToString()) is { } n)
            name = n;
        // /api/v1/namespaces/NAME is a request in the namespace NAME
        var ns = path.Namespace ?? (path.Resource == "namespaces" && path.Group.Length == 0 ? name : "");
        return new(user.Name, verb, path.Group, path.Resource, path.Subresource ?? "", ns, name, null);
    }

    private static string? NameFromFieldSelector(string selector)
    {
        foreach (var term in selector.Split(','))
        {
            var t = term.Trim();
            if (t.StartsWith("metadata.name==", StringComparison.Ordinal)) return t["metadata.name==".Length..];
            if (t.StartsWith("metadata.name=", StringComparison.Ordinal)) return t["metadata.name=".Length..];
        }
        return null;
    }
}
