using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Orkestra.ApiMachinery.Tls;

/// <summary>
/// The throw-away certificates an HTTPS endpoint of a cluster presents when nobody supplies one: an ECDSA P-256 CA
/// (valid one year) and a serving certificate it signs (eleven months; server auth; the given DNS names and IP
/// addresses as SANs). ECDSA because it takes milliseconds, unlike RSA. Used by the sandbox API server and by ork's
/// webhook listener. Nothing is written to disk or to a certificate store. Pure apart from randomness; thread-safe.
/// </summary>
public static class ServingCertificates
{
    /// <summary>A new CA named <paramref name="caName"/> and a serving certificate (with its private key) it signed.</summary>
    public static (X509Certificate2 Ca, X509Certificate2 Server) Issue(string caName, string serverName,
        IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, DateTimeOffset now)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={caName}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={serverName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var address in addresses) san.AddIpAddress(address);
        foreach (var name in dnsNames.Distinct(StringComparer.Ordinal)) san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // serverAuth
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7f;   // a positive serial number
        using var signed = request.Create(ca, now.AddMinutes(-5), now.AddMonths(11), serial);
        return (ca, signed.CopyWithPrivateKey(key));
    }
}
