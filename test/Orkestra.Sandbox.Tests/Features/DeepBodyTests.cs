using System.Text;

namespace Orkestra.Sandbox.Tests.Features;

/// <summary>
/// Request bodies are decoded with kube-apiserver's limits (DecodeLimits: 10,000 levels): a CR as deep as the API
/// server accepts is stored and read back; anything deeper, and pathological JSON or YAML nesting, is a 400 answered
/// quickly — never a crash of the server.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class DeepBodyTests
{
    private const string Crd = """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"deeps.test.orkestra.io"},
         "spec":{"group":"test.orkestra.io","scope":"Namespaced","names":{"plural":"deeps","singular":"deep","kind":"Deep"},
         "versions":[{"name":"v1","served":true,"storage":true,
           "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
        """;

    private const string Deeps = "/apis/test.orkestra.io/v1/namespaces/default/deeps";

    /// <summary>A Deep whose spec nests objects until the whole body is <paramref name="depth"/> levels deep.</summary>
    private static string Deep(string name, int depth) =>
        $$"""{"apiVersion":"test.orkestra.io/v1","kind":"Deep","metadata":{"name":"{{name}}"},"spec":""" +
        new StringBuilder().Insert(0, "{\"a\":", depth - 1).Append('1').Append('}', depth).ToString();

    [Test, CancelAfter(120_000)]
    public async Task A_CR_as_deep_as_kube_apiserver_accepts_is_stored_and_one_level_more_is_a_bad_request()
    {
        await using var sb = await TestSandbox.StartAsync();
        var (code, body, _) = await sb.PostAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);
        code.ShouldBe(201, body?.ToJsonString());

        var started = System.Diagnostics.Stopwatch.StartNew();
        (code, body, _) = await sb.PostAsync(Deeps, Deep("deepest", 10_000));
        code.ShouldBe(201, (string?)body?["message"]);
        (code, body, _) = await sb.GetAsync($"{Deeps}/deepest");
        code.ShouldBe(200);
        body!["spec"]!["a"].ShouldNotBeNull();
        TestContext.Out.WriteLine($"10,000 levels: stored and read back in {started.ElapsedMilliseconds} ms");

        (code, _, _) = await sb.PostAsync(Deeps, Deep("too-deep", 10_001));
        code.ShouldBe(400);
    }

    [TestCase("application/json", "[", 32_000)]
    [TestCase("application/json", "{\"a\":", 20_000)]
    [TestCase("application/apply-patch+yaml", "[", 32_000)]
    [TestCase("application/apply-patch+yaml", "{a: ", 20_000)]
    [CancelAfter(30_000)]
    public async Task Pathological_nesting_in_a_body_is_a_quick_bad_request(string contentType, string opening, int depth)
    {
        await using var sb = await TestSandbox.StartAsync();
        var text = string.Concat(Enumerable.Repeat(opening, depth)) + "1";
        var (code, body, _) = contentType == "application/json"
            ? await sb.PostAsync("/api/v1/namespaces/default/configmaps", text)
            : await sb.SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/x?fieldManager=t", text, contentType);
        code.ShouldBe(400, body?.ToJsonString());
    }
}
