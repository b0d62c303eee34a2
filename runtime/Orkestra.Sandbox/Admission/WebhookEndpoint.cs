using System.Text;
using System.Text.Json.Nodes;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Resources;

namespace Orkestra.Sandbox.Admission;

/// <summary>
/// Where one webhook is reached — the <c>clientConfig</c> of an admission webhook or of a CRD's conversion — compiled
/// once: the URL kube would post to (a <c>service</c> becomes <c>https://NAME.NAMESPACE.svc:PORT/PATH</c>) and the PEM
/// trust anchors from <c>caBundle</c> (null: system roots). Immutable.
/// </summary>
internal sealed class WebhookEndpoint
{
    private const string Form = "; desired format: https://host[/path]";

    private WebhookEndpoint(Uri url, string text, string? caBundlePem)
    {
        Url = url;
        Text = text;
        CaBundlePem = caBundlePem;
    }

    public Uri Url { get; }

    /// <summary>The URL as kube prints it in errors (explicit port kept; <c>/</c> when there is no path).</summary>
    public string Text { get; }

    /// <summary>The decoded <c>caBundle</c> (PEM text), or null to trust the system roots.</summary>
    public string? CaBundlePem { get; }

    /// <summary>
    /// Checks a <c>clientConfig</c> as kube's <c>ValidateWebhookURL</c>/<c>ValidateWebhookService</c> do, adding one
    /// cause per violation (paths under <paramref name="path"/>); null when it cannot be compiled.
    /// </summary>
    public static WebhookEndpoint? Parse(JsonNode? clientConfig, string path, List<Cause> causes)
    {
        var config = clientConfig as JsonObject;
        var url = Json.Str(config, "url");
        var service = config?["service"] as JsonObject;
        if ((url is null) == (service is null))
        {
            causes.Add(Cause.Required(path, "exactly one of url or service is required"));
            return null;
        }
        var before = causes.Count;
        var target = url is not null ? ParseUrl(url, $"{path}.url", causes) : ParseService(service!, $"{path}.service", causes);
        var pem = CaBundle(config!, $"{path}.caBundle", causes);
        if (causes.Count != before || target is null) return null;
        var text = url ?? target.OriginalString;
        if (target.AbsolutePath == "/" && !text.EndsWith('/')) text += "/";
        return new WebhookEndpoint(target, text, pem);
    }

    private static Uri? ParseUrl(string text, string path, List<Cause> causes)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            causes.Add(Cause.Required(path, $"url must be a valid URL: parse \"{text}\": invalid URI{Form}"));
            return null;
        }
        void Invalid(string value, string detail) => causes.Add(Cause.InvalidValue(path, $"\"{value}\"", detail));
        if (uri.Scheme != "https") Invalid(uri.Scheme, "'https' is the only allowed URL scheme" + Form);
        if (uri.Host.Length == 0) Invalid("", "host must be specified" + Form);
        if (uri.UserInfo.Length > 0) Invalid(uri.UserInfo, "user information is not permitted in the URL");
        if (uri.Fragment.Length > 1) Invalid(uri.Fragment[1..], "fragments are not permitted in the URL");
        if (uri.Query.Length > 1) Invalid(uri.Query[1..], "query parameters are not permitted in the URL");
        return uri;
    }

    private static Uri? ParseService(JsonObject service, string path, List<Cause> causes)
    {
        var before = causes.Count;
        var name = Json.Str(service, "name") ?? "";
        var ns = Json.Str(service, "namespace") ?? "";
        var port = Json.Long(service, "port") ?? 443;
        var urlPath = Json.Str(service, "path");
        if (name.Length == 0) causes.Add(Cause.Required($"{path}.name"));
        if (ns.Length == 0) causes.Add(Cause.Required($"{path}.namespace"));
        if (port is < 1 or > 65535)
            causes.Add(Cause.InvalidValue($"{path}.port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "port is not valid: must be between 1 and 65535, inclusive"));
        if (urlPath is { Length: > 0 } and not "/") CheckPath(urlPath, $"{path}.path", causes);
        if (causes.Count != before) return null;
        var text = $"https://{name}.{ns}.svc:{port}{(string.IsNullOrEmpty(urlPath) ? "" : urlPath)}";
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri)) return uri;
        causes.Add(Cause.InvalidValue(path, $"\"{name}.{ns}\"", "does not form a valid host name"));
        return null;
    }

    private static void CheckPath(string urlPath, string path, List<Cause> causes)
    {
        if (urlPath == "//")
        {
            causes.Add(Cause.InvalidValue(path, $"\"{urlPath}\"", "segment[0] may not be empty"));
            return;
        }
        if (!urlPath.StartsWith('/')) causes.Add(Cause.InvalidValue(path, $"\"{urlPath}\"", "must start with a '/'"));
        var check = urlPath.StartsWith('/') ? urlPath[1..] : urlPath;
        if (check.EndsWith('/')) check = check[..^1];
        var steps = check.Split('/');
        for (var i = 0; i < steps.Length; i++)
        {
            if (steps[i].Length == 0) causes.Add(Cause.InvalidValue(path, $"\"{urlPath}\"", $"segment[{i}] may not be empty"));
            else if (!Names.IsSubdomain(steps[i]))
                causes.Add(Cause.InvalidValue(path, $"\"{urlPath}\"", $"segment[{i}]: {Names.SubdomainMessage}"));
        }
    }

    /// <summary><c>caBundle</c> is base64 in JSON (a Go []byte); it must hold at least one PEM certificate when set.</summary>
    private static string? CaBundle(JsonObject config, string path, List<Cause> causes)
    {
        if (config["caBundle"] is null) return null;
        var text = Json.Str(config, "caBundle");
        if (text is null)
        {
            causes.Add(Cause.InvalidValue(path, Json.Render(config["caBundle"]), "must be a base64-encoded string"));
            return null;
        }
        if (text.Length == 0) return null;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            causes.Add(Cause.InvalidValue(path, "\"<bytes>\"", "illegal base64 data"));
            return null;
        }
        return bytes.Length == 0 ? null : Encoding.UTF8.GetString(bytes);
    }

    public override string ToString() => Text;
}
