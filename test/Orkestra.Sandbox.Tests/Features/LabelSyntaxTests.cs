namespace Orkestra.Sandbox.Tests.Features;

/// <summary>Label keys and values are checked on create and update as kube-apiserver checks them, with its texts.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class LabelSyntaxTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Test]
    public async Task A_label_value_over_63_characters_is_refused_on_create_and_update()
    {
        await using var sb = await TestSandbox.StartAsync();
        var value = new string('v', 64);
        var (code, body, _) = await sb.PostAsync(ConfigMaps,
            """{"metadata":{"name":"c","labels":{"owner":"VALUE"}}}""".Replace("VALUE", value));
        code.ShouldBe(422);
        ((string?)body!["message"]).ShouldBe(
            $"ConfigMap \"c\" is invalid: metadata.labels: Invalid value: \"{value}\": must be no more than 63 characters");

        (code, _, _) = await sb.PostAsync(ConfigMaps, """{"metadata":{"name":"c","labels":{"owner":"ok"}}}""");
        code.ShouldBe(201);
        (code, body, _) = await sb.SendAsync(HttpMethod.Patch, $"{ConfigMaps}/c", """{"metadata":{"labels":{"Bad.Prefix/x":"ok"}}}""",
            "application/merge-patch+json");
        code.ShouldBe(422);
        ((string)body!["message"]!).ShouldContain(
            "metadata.labels: Invalid value: \"Bad.Prefix/x\": prefix part a lowercase RFC 1123 subdomain");
    }
}
