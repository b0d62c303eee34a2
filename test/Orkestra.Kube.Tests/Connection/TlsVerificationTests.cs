using System.Net;
using System.Security.Cryptography.X509Certificates;
using Orkestra.Kube.Connection;
using Orkestra.Kube.Tests.Support;

namespace Orkestra.Kube.Tests.Connection;

/// <summary>The transport checks the host name even with a custom CA (KubernetesClient's own callback does not).</summary>
public sealed class TlsVerificationTests
{
    static readonly GroupVersionResource Any = new("", "v1", "configmaps");

    static KubeConnection Connect(Uri server, X509Certificate2 ca, bool skipVerify = false) =>
        KubeConnection.Create(
            new KubeEndpoint(server, new X509Certificate2Collection(ca), null, StaticCredentials.None, "default", skipVerify, null, false, "test"),
            new KubeConnectionOptions { MaxRetries = 0, Qps = 0 });

    [Test]
    public async Task A_certificate_for_another_host_name_is_refused_with_a_clear_error()
    {
        var certificate = TinyTlsServer.IssueServerCertificate(out var ca, ["wrong.example"], []);
        await using var server = TinyTlsServer.Start(certificate);
        using var connection = Connect(server.Url, ca);

        var error = await Should.ThrowAsync<KubeConnectionException>(() => connection.CreateClient().GetAsync(Any, "ns", "x", Fakes.Timeout()));

        error.Message.ShouldContain($"TLS verification of https://127.0.0.1:{server.Url.Port} failed");
        error.Message.ShouldContain("not valid for host name \"127.0.0.1\"");
        error.Message.ShouldContain("wrong.example");
    }

    [Test]
    public async Task A_certificate_from_another_CA_is_refused_with_a_clear_error()
    {
        var certificate = TinyTlsServer.IssueServerCertificate(out _, [], [IPAddress.Loopback]);
        TinyTlsServer.IssueServerCertificate(out var otherCa, [], [IPAddress.Loopback]).Dispose();
        await using var server = TinyTlsServer.Start(certificate);
        using var connection = Connect(server.Url, otherCa);

        var error = await Should.ThrowAsync<KubeConnectionException>(() => connection.CreateClient().GetAsync(Any, "ns", "x", Fakes.Timeout()));

        error.Message.ShouldContain("not signed by the configured certificate authority");
    }

    [Test]
    public async Task The_right_CA_and_name_are_accepted()
    {
        var certificate = TinyTlsServer.IssueServerCertificate(out var ca, [], [IPAddress.Loopback]);
        await using var server = TinyTlsServer.Start(certificate);
        using var connection = Connect(server.Url, ca);

        var answer = await connection.CreateClient().GetAsync(Any, "ns", "x", Fakes.Timeout());

        answer.ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Object);
    }

    [Test]
    public async Task Insecure_skip_verify_accepts_any_certificate_because_the_user_asked()
    {
        var certificate = TinyTlsServer.IssueServerCertificate(out _, ["wrong.example"], []);
        TinyTlsServer.IssueServerCertificate(out var otherCa, [], []).Dispose();
        await using var server = TinyTlsServer.Start(certificate);
        using var connection = Connect(server.Url, otherCa, skipVerify: true);

        (await connection.CreateClient().GetAsync(Any, "ns", "x", Fakes.Timeout())).ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Object);
    }
}
