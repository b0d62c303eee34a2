using Orkestra.Host.Commands;

namespace Orkestra.Host.Tests.Commands;

/// <summary><c>ork sandbox</c> refuses bad flags before it listens (the server itself is tested in Orkestra.Sandbox.Tests).</summary>
public sealed class SandboxCommandTests
{
    [TestCase("hook.ns.svc:443")]
    [TestCase("hook.ns.svc=127.0.0.1:9443")]
    [TestCase("hook.ns.svc:443=127.0.0.1")]
    [TestCase("=127.0.0.1:9443")]
    public void A_malformed_webhook_service_mapping_is_a_usage_error(string mapping)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = SandboxCommand.Run(["--webhook-service", mapping], stdout, stderr);

        code.ShouldBe(2);
        stderr.ToString().Trim().ShouldBe($"ork sandbox: --webhook-service must look like hook.ns.svc:443=127.0.0.1:9443, got '{mapping}'");
    }

    [Test]
    public void Help_names_the_webhook_service_flag()
    {
        var stdout = new StringWriter();

        SandboxCommand.Run(["--help"], stdout, new StringWriter()).ShouldBe(0);

        stdout.ToString().ShouldContain("--webhook-service NAME.NAMESPACE.svc:PORT=HOST:PORT");
    }
}
