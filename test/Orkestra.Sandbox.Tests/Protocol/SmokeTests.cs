using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Protocol;

public sealed class SmokeTests
{
    [Test]
    public async Task Version_and_kubectl_get_namespaces()
    {
        await using var sb = await TestSandbox.StartAsync();
        var (code, body, _) = await sb.GetAsync("/version");
        code.ShouldBe(200);
        body!["minor"]!.GetValue<string>().ShouldBe("32");
        var result = await sb.KubectlAsync("get namespaces");
        result.ExitCode.ShouldBe(0, result.ToString());
        result.Stdout.ShouldContain("kube-system");
    }
}
