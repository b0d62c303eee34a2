using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Orkestra.Kube.Connection;

/// <summary>
/// Verifies the API server's certificate the way client-go does: when the configuration names a CA, the chain must
/// end at that CA (and only that CA); the host name must always match the certificate's names. KubernetesClient's
/// own callback skips the name check whenever a custom CA is set; this one never does. <c>insecure-skip-tls-verify</c>
/// is honoured because the user asked for it. Thread-safe: the last rejection per host is kept so the transport can
/// turn .NET's generic handshake error into a message that says what was wrong.
/// </summary>
internal sealed class ServerCertificatePolicy(X509Certificate2Collection trusted, bool skipVerify)
{
    private readonly ConcurrentDictionary<string, string> _rejections = new(StringComparer.OrdinalIgnoreCase);

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (skipVerify) return true;
        var host = sender is SslStream stream ? stream.TargetHostName : "";
        var reason = Check(host, certificate, errors);
        if (reason is null) return true;
        _rejections[host] = reason;
        return false;
    }

    /// <summary>Why the last handshake with <paramref name="host"/> was rejected, if it was.</summary>
    public string? RejectionFor(string host) => _rejections.TryGetValue(host, out var reason) ? reason : null;

    private string? Check(string host, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return "the server presented no certificate";
        using var server = new X509Certificate2(certificate);
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return $"the server certificate is not valid for host name \"{host}\" (it is valid for: {DescribeNames(server)})";
        if (trusted.Count == 0)
            return errors == SslPolicyErrors.None ? null : $"the server certificate is not trusted by the system roots ({errors})";
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(trusted);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (custom.Build(server)) return null;
        var status = string.Join("; ", custom.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        return $"the server certificate \"{server.Subject}\" is not signed by the configured certificate authority ({status})";
    }

    private static string DescribeNames(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is not X509SubjectAlternativeNameExtension san) continue;
            names.AddRange(san.EnumerateDnsNames());
            names.AddRange(san.EnumerateIPAddresses().Select(ip => ip.ToString()));
        }
        return names.Count > 0 ? string.Join(", ", names) : certificate.Subject;
    }
}
