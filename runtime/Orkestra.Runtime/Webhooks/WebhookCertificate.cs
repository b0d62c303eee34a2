using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Orkestra.ApiMachinery.Tls;

namespace Orkestra.Runtime.Webhooks;

/// <summary>The certificate files could not be used; the message names the file and the problem.</summary>
public sealed class WebhookCertificateException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The one certificate every webhook of the process is served with, and the CA bundle that goes into every
/// registration's <c>caBundle</c>. Either loaded from <c>TLS_CERT</c>/<c>TLS_KEY</c> (PEM; the bundle is every certificate
/// of the certificate file), or generated at start: an ECDSA P-256 CA and a serving certificate it signs, kept in memory
/// only — never written to disk or to the cluster. Thread-safe once built; dispose at shutdown.
/// </summary>
public sealed class WebhookCertificate : IDisposable
{
    private readonly X509Certificate2? _ca;

    private WebhookCertificate(X509Certificate2 serving, X509Certificate2? ca, string bundle, bool generated)
    {
        Serving = serving;
        _ca = ca;
        CaBundlePem = bundle;
        Generated = generated;
    }

    /// <summary>The serving certificate with its private key.</summary>
    public X509Certificate2 Serving { get; }

    /// <summary>PEM certificates a client trusts this server with.</summary>
    public string CaBundlePem { get; }

    /// <summary>True when generated at start (nobody else can know the CA, so ork injects it wherever it registers).</summary>
    public bool Generated { get; }

    /// <summary>NAME, NAME.NS, NAME.NS.svc, NAME.NS.svc.cluster.local: the names a Service is reached by.</summary>
    public static IReadOnlyList<string> ServiceDnsNames(string service, string @namespace) =>
        [service, $"{service}.{@namespace}", $"{service}.{@namespace}.svc", $"{service}.{@namespace}.svc.cluster.local"];

    /// <summary>A new CA and serving certificate for <paramref name="dnsNames"/> plus localhost, 127.0.0.1 and ::1.</summary>
    public static WebhookCertificate Generate(IEnumerable<string> dnsNames, DateTimeOffset now)
    {
        var (ca, serving) = ServingCertificates.Issue("orkestra-webhook-ca", "orkestra-webhooks", dnsNames.Append("localhost"),
            [IPAddress.Loopback, IPAddress.IPv6Loopback], now);
        return new WebhookCertificate(serving, ca, ca.ExportCertificatePem(), generated: true);
    }

    /// <summary>Loads a PEM certificate (its chain may follow) and its PEM private key.</summary>
    public static WebhookCertificate Load(string certificateFile, string keyFile)
    {
        string certificateText;
        try
        {
            certificateText = File.ReadAllText(certificateFile);
            _ = File.ReadAllBytes(keyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WebhookCertificateException($"TLS_CERT/TLS_KEY: {e.Message}", e);
        }
        X509Certificate2 serving;
        try
        {
            serving = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        }
        catch (CryptographicException e)
        {
            throw new WebhookCertificateException(
                $"TLS_CERT {certificateFile} / TLS_KEY {keyFile}: not a PEM certificate and its private key ({e.Message})", e);
        }
        if (!serving.HasPrivateKey)
        {
            serving.Dispose();
            throw new WebhookCertificateException($"TLS_KEY {keyFile} holds no private key for TLS_CERT {certificateFile}");
        }
        var bundle = new StringBuilder();
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(certificateText);
        foreach (var certificate in collection)
        {
            bundle.Append(certificate.ExportCertificatePem()).Append('\n');
            certificate.Dispose();
        }
        return new WebhookCertificate(serving, null, bundle.ToString(), generated: false);
    }

    /// <summary>The bundle as the base64 text a <c>caBundle</c> field carries.</summary>
    public string CaBundleBase64 => Convert.ToBase64String(Encoding.ASCII.GetBytes(CaBundlePem));

    public void Dispose()
    {
        Serving.Dispose();
        _ca?.Dispose();
    }
}
