using System.Net;
using System.Security.Cryptography.X509Certificates;
using Orkestra.ApiMachinery.Tls;

namespace Orkestra.Sandbox.Hosting;

/// <summary>
/// A throw-away CA and a server certificate it signs (SAN 127.0.0.1, ::1, localhost), generated at start with
/// ECDSA P-256 (milliseconds, unlike RSA). Nothing is written to disk or to a certificate store.
/// </summary>
internal sealed class Certificates : IDisposable
{
    private Certificates(X509Certificate2 ca, X509Certificate2 server)
    {
        Ca = ca;
        Server = server;
    }

    public X509Certificate2 Ca { get; }
    public X509Certificate2 Server { get; }
    public string CaPem => Ca.ExportCertificatePem();

    public static Certificates Create(DateTimeOffset now)
    {
        var (ca, server) = ServingCertificates.Issue("orkestra-sandbox-ca", "orkestra-sandbox", ["localhost"],
            [IPAddress.Loopback, IPAddress.IPv6Loopback], now);
        return new Certificates(ca, server);
    }

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
    }
}
