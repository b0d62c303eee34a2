using System.Text;

namespace Orkestra.Sandbox.Hosting;

/// <summary>A kubeconfig for one sandbox: cluster with CA data, user with the bearer token, context <c>sandbox</c>, namespace
/// <c>default</c>.</summary>
internal static class Kubeconfig
{
    public static string Render(Uri server, string caPem, string token)
    {
        var ca = Convert.ToBase64String(Encoding.UTF8.GetBytes(caPem));
        var url = server.GetLeftPart(UriPartial.Authority);
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: sandbox
              cluster:
                server: {url}
                certificate-authority-data: {ca}
            users:
            - name: sandbox
              user:
                token: {token}
            contexts:
            - name: sandbox
              context:
                cluster: sandbox
                user: sandbox
                namespace: default
            current-context: sandbox
            preferences: {"{}"}

            """;
    }
}
