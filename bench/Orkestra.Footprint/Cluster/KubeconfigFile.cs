using System.Text;

namespace Orkestra.Footprint.Cluster;

/// <summary>
/// The three values the harness needs from the kubeconfig the sandbox writes: server URL, CA (PEM) and bearer token.
/// Reads the flat shape <c>ork sandbox</c> renders (one cluster, one user); anything else is an error.
/// </summary>
internal sealed record KubeconfigFile(Uri Server, string CaPem, string Token)
{
    public static KubeconfigFile Parse(string text)
    {
        string? server = null, ca = null, token = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (Value(line, "server:") is { } s) server ??= s;
            else if (Value(line, "certificate-authority-data:") is { } c) ca ??= c;
            else if (Value(line, "token:") is { } t) token ??= t;
        }
        if (server is null || ca is null || token is null)
            throw new FormatException("kubeconfig lacks server, certificate-authority-data or token");
        return new KubeconfigFile(new Uri(server), Encoding.UTF8.GetString(Convert.FromBase64String(ca)), token);
    }

    static string? Value(string line, string key) =>
        line.StartsWith(key, StringComparison.Ordinal) ? line[key.Length..].Trim().Trim('"') : null;
}
