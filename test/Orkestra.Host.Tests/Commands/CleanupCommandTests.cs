using Orkestra.Testing;
using Orkestra.Host.Commands;

namespace Orkestra.Host.Tests.Commands;

/// <summary><c>ork cleanup</c> before it reaches a cluster (the removal itself is tested against the sandbox in
/// Orkestra.Operators.Tests/WebhookTests).</summary>
public sealed class CleanupCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        return (CleanupCommand.Run(args, stdout, stderr), stdout.ToString(), stderr.ToString());
    }

    [Test]
    public void An_unknown_flag_is_a_usage_error() => Run("--everything").ShouldSatisfyAllConditions(
        r => r.Code.ShouldBe(2),
        r => r.Err.ShouldStartWith("ork cleanup: unknown flag --everything"));

    [Test]
    public void An_invalid_Katalog_removes_nothing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ork-cleanup-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "apiVersion: orkestra.orkspace.io/v1\nkind: Katalog\nmetadata: {name: x}\nspec: {crds: {Bad_Name: {}}}\n");
        try
        {
            var (code, output, err) = Run("-k", path, "--kubeconfig", "/nonexistent");
            code.ShouldBe(1);
            output.ShouldBeEmpty();
            err.ShouldContain($"{path}:4:");
            err.ShouldContain("nothing was removed");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void An_unreachable_configuration_is_one_line_without_a_stack_trace()
    {
        var katalog = Repo.Combine("samples", "hello-website", "katalog.yaml");
        var (code, _, err) = Run("-k", katalog, "--kubeconfig", "/nonexistent/kubeconfig");
        code.ShouldBe(1);
        err.ShouldStartWith("ork cleanup: ");
        err.ShouldContain("/nonexistent/kubeconfig");
        err.ShouldNotContain("   at ");
    }
}
