using System.Text.Json.Nodes;
using Orkestra.Host;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Manifests;
using Orkestra.Operators.Tests.Support;

namespace Orkestra.Operators.Tests;

/// <summary>
/// `ork render` prints what the live operator writes: for every sample, each child render prints for the sample's CR
/// exists in the cluster after `ork run` reconciled it, and every field render gives it has the value the cluster
/// holds (the API server may add defaults of its own; render may not differ on anything it prints). The CRs are the
/// samples' own, plus a Website that leaves its port to the CRD's default (render used to print 80 where the live
/// operator wrote 8080).
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class RenderMatchesRunTests
{
    public static IEnumerable<TestCaseData> Samples() =>
        new[] { "hello-website", "conditional-resources", "status-fields", "secrets-config-env", "pipeline", "cross-database" }
            .Select(s => new TestCaseData(s, null).SetName($"render matches run: {s}"))
            .Append(new TestCaseData("hello-website", """
                apiVersion: demo.orkestra.io/v1alpha1
                kind: Website
                metadata: {name: defaulted, namespace: default}
                spec: {image: "nginx:1.27"}
                """).SetName("render matches run: hello-website with schema defaults"));

    [TestCaseSource(nameof(Samples))]
    public async Task Every_child_render_prints_is_what_the_live_operator_writes(string sample, string? crText)
    {
        using var dir = new TempDirectory("ork-render-run-");
        var crFile = crText is null ? Repo.Path($"samples/{sample}/cr.yaml") : dir.Write("cr.yaml", crText);
        var rendered = Render(Repo.Path($"samples/{sample}/katalog.yaml"), crFile);
        rendered.ShouldNotBeEmpty("render printed no child");

        await using var ork = await RunningOperators.StartAsync([$"samples/{sample}/katalog.yaml"]);
        await ork.WaitReadyAsync();
        await ork.OkAsync($"apply -f {crFile}");
        foreach (var child in rendered)
        {
            var kind = (string)child["kind"]!;
            var name = (string)child["metadata"]!["name"]!;
            var ns = (string?)child["metadata"]!["namespace"] ?? "default";
            var resource = $"{kind.ToLowerInvariant()}.{Group((string)child["apiVersion"]!)}".TrimEnd('.');
            JsonNode? live = null;
            await ork.EventuallyAsync(async () => (live = await ork.GetAsync(resource, name, ns)) is not null,
                $"{kind} {ns}/{name} that render prints");
            var differences = new List<string>();
            Compare(Comparable(child), live, kind, differences);
            differences.ShouldBeEmpty($"{kind} {ns}/{name}: render and the live object differ");
        }
    }

    private static List<JsonObject> Render(string katalog, string crFile)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Cli.Run(["render", "-k", katalog, "--cr", crFile, "--seed", "1"], stdout, stderr).ShouldBe(0, stderr.ToString());
        var bag = new DiagnosticBag();
        var documents = ManifestYaml.Parse(stdout.ToString(), "render", bag);
        bag.HasErrors.ShouldBeFalse();
        return documents.Select(d => d.Content).OfType<JsonObject>().Where(d => (string?)d["kind"] != "StatusPreview").ToList();
    }

    private static string Group(string apiVersion) => apiVersion.Contains('/') ? apiVersion.Split('/')[0] : "";

    /// <summary>What render cannot know: the owner's uid (no CR exists offline) and generated secret values
    /// (render's random seed is not the operator's).</summary>
    private static JsonObject Comparable(JsonObject child)
    {
        var copy = child.DeepClone().AsObject();
        foreach (var owner in (copy["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>()) owner.Remove("uid");
        if ((string?)copy["kind"] == "Secret")
        {
            copy.Remove("data");
            copy.Remove("stringData");
        }
        return copy;
    }

    /// <summary>Every member of <paramref name="expected"/> is in <paramref name="actual"/> with an equal value; lists
    /// compare element by element and must have the same length.</summary>
    private static void Compare(JsonNode? expected, JsonNode? actual, string path, List<string> differences)
    {
        switch (expected)
        {
            case JsonObject map when actual is JsonObject live:
                foreach (var (key, value) in map) Compare(value, live[key], $"{path}.{key}", differences);
                break;
            case JsonArray list when actual is JsonArray live && live.Count == list.Count:
                for (var i = 0; i < list.Count; i++) Compare(list[i], live[i], $"{path}[{i}]", differences);
                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual))
                    differences.Add($"{path}: render {expected?.ToJsonString() ?? "null"}, live {actual?.ToJsonString() ?? "absent"}");
                break;
        }
    }
}
