using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Auth;

/// <summary>
/// ServiceAccount tokens as kube issues them: JWTs (ES256, signed with a key generated when the sandbox starts) with
/// the claims <c>iss</c>, <c>sub</c> (<c>system:serviceaccount:NS:NAME</c>), <c>aud</c>, <c>exp</c>, <c>iat</c>,
/// <c>nbf</c>, <c>jti</c> and <c>kubernetes.io</c> {namespace, serviceaccount {name, uid}, and the bound pod or secret}.
/// A token is valid while it is unexpired on the sandbox clock, names one of the audiences asked for, and the
/// ServiceAccount (and the bound object) still exists with the uid it was issued for.
/// </summary>
internal sealed class ServiceAccountTokens : IDisposable
{
    public const string Issuer = "https://kubernetes.default.svc.cluster.local";
    public const string CredentialIdExtra = "authentication.kubernetes.io/credential-id";
    private static readonly string Header = Base64Url(Encoding.UTF8.GetBytes("{\"alg\":\"ES256\",\"kid\":\"sandbox\"}"));

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ObjectStore _store;
    private readonly TimeProvider _time;

    public ServiceAccountTokens(ObjectStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <summary>The audiences the API server itself accepts (a TokenRequest without audiences gets these).</summary>
    public static readonly string[] ApiAudiences = [Issuer];

    /// <summary>A signed token for the ServiceAccount, valid for <paramref name="lifetime"/> from now.</summary>
    public (string Token, DateTimeOffset Expires) Issue(StoredObject account, IReadOnlyList<string> audiences, TimeSpan lifetime,
        BoundObject? bound)
    {
        var now = _time.GetUtcNow();
        var expires = now + lifetime;
        var kube = new JsonObject
        {
            ["namespace"] = account.Namespace,
            ["serviceaccount"] = new JsonObject { ["name"] = account.Name, ["uid"] = account.Uid },
        };
        if (bound is not null)
            kube[bound.Kind == "Pod" ? "pod" : "secret"] = new JsonObject { ["name"] = bound.Name, ["uid"] = bound.Uid };
        var claims = new JsonObject
        {
            ["aud"] = new JsonArray(audiences.Select(a => (JsonNode)a).ToArray()),
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["iss"] = Issuer,
            ["jti"] = Guid.NewGuid().ToString(),
            ["kubernetes.io"] = kube,
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["sub"] = UserInfo.ServiceAccountName(account.Namespace, account.Name),
        };
        var signed = $"{Header}.{Base64Url(Json.ToBytes(claims))}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256);
        return ($"{signed}.{Base64Url(signature)}", DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>Whether <paramref name="token"/> is shaped like a JWT (three dot-separated parts).</summary>
    public static bool LooksLikeJwt(string token) => token.Count(c => c == '.') == 2;

    /// <summary>The user a token authenticates for one of <paramref name="audiences"/> (the API server's when null), or
    /// null with kube's reason.</summary>
    public UserInfo? Verify(string token, IReadOnlyList<string>? audiences, out string[] matchedAudiences, out string error)
    {
        matchedAudiences = [];
        error = "invalid bearer token";
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0] != Header) return null;
        byte[] payload, signature;
        try
        {
            payload = FromBase64Url(parts[1]);
            signature = FromBase64Url(parts[2]);
        }
        catch (FormatException)
        {
            return null;
        }
        if (!_key.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), signature, HashAlgorithmName.SHA256)) return null;
        var claims = Json.Parse(payload, "token") as JsonObject;
        if (claims is null || Json.Str(claims, "iss") != Issuer) return null;
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (Json.Long(claims, "exp") is not { } exp || now >= exp)
        {
            error = "[invalid bearer token, service account token has expired]";
            return null;
        }
        var tokenAudiences = (claims["aud"] as JsonArray ?? []).Select(Json.ScalarText).OfType<string>().ToList();
        matchedAudiences = (audiences ?? ApiAudiences).Where(tokenAudiences.Contains).ToArray();
        if (matchedAudiences.Length == 0)
        {
            error = "[invalid bearer token, token audiences [\"" + string.Join("\" \"", tokenAudiences) +
                    "\"] is invalid for the target audiences [\"" + string.Join("\" \"", audiences ?? ApiAudiences) + "\"]]";
            return null;
        }
        var kube = claims["kubernetes.io"] as JsonObject;
        var ns = Json.Str(kube, "namespace") ?? "";
        var account = kube?["serviceaccount"] as JsonObject;
        var name = Json.Str(account, "name") ?? "";
        var uid = Json.Str(account, "uid") ?? "";
        var stored = _store.Get("serviceaccounts", new ObjectKey(ns, name));
        if (stored is null || stored.Uid != uid)
        {
            error = $"[invalid bearer token, service account {ns}/{name} has been deleted]";
            return null;
        }
        foreach (var (claim, table) in new[] { ("pod", "pods"), ("secret", "secrets") })
        {
            if (kube![claim] is not JsonObject bound) continue;
            var boundName = Json.Str(bound, "name") ?? "";
            var found = _store.Get(table, new ObjectKey(ns, boundName));
            if (found is null || found.Uid != Json.Str(bound, "uid") || found.IsDeleting)
            {
                error = $"[invalid bearer token, {table} \"{boundName}\" not found]";
                return null;
            }
        }
        var extra = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            [CredentialIdExtra] = [$"JTI={Json.Str(claims, "jti")}"],
        };
        return UserInfo.ServiceAccount(ns, name, uid, extra);
    }

    public void Dispose() => _key.Dispose();

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - padded.Length % 4) % 4);
        return Convert.FromBase64String(padded);
    }
}

/// <summary>The Pod or Secret a token is bound to (TokenRequest <c>spec.boundObjectRef</c>).</summary>
internal sealed record BoundObject(string Kind, string Name, string Uid);
