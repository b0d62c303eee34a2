using Orkestra.ApiMachinery.Meta;
using Orkestra.Operators.Tests.Support;

namespace Orkestra.Operators.Tests;

/// <summary>
/// A CR with a legal 100-character name gets children whose owner label is valid (the sandbox enforces label syntax as
/// kube-apiserver does), and the operator still finds those children by the label: a later change updates the child
/// instead of creating it again.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class LongNameTests
{
    private const string Items = "/apis/test.orkestra.io/v1/namespaces/default/items";

    [Test]
    public async Task A_CR_with_a_100_character_name_is_reconciled_and_its_children_found_by_label()
    {
        await using var ork = await RunningOperators.StartAsync(["test/Orkestra.Operators.Tests/Katalogs/resilience/katalog.yaml"]);
        await ork.WaitReadyAsync();
        var sandbox = ork.Sandbox;
        var name = "long-" + new string('n', 95);
        var (code, body, _) = await sandbox.PostAsync(Items,
            $$$"""{"apiVersion":"test.orkestra.io/v1","kind":"Item","metadata":{"name":"{{{name}}}"},"spec":{"value":"v1"}}""");
        code.ShouldBe(201, body?.ToJsonString());
        await ork.EventuallyAsync(async () => await ValueAsync(sandbox, name) == "v1", "the ConfigMap of the long-named Item");

        var (_, map, _) = await sandbox.GetAsync($"/api/v1/namespaces/default/configmaps/{name}");
        var owner = (string?)map!["metadata"]!["labels"]![WellKnownLabels.Owner];
        owner.ShouldBe(WellKnownLabels.OwnerValue(name));
        owner!.Length.ShouldBeLessThanOrEqualTo(63);

        (code, body, _) = await sandbox.SendAsync(HttpMethod.Patch, $"{Items}/{name}", """{"spec":{"value":"v2"}}""",
            "application/merge-patch+json");
        code.ShouldBe(200, body?.ToJsonString());
        await ork.EventuallyAsync(async () => await ValueAsync(sandbox, name) == "v2", "the ConfigMap to follow the change");
        // Found by its label: updated, not created twice. Events are written by a background pump, so the Event may
        // land after the ConfigMap.
        await ork.EventuallyAsync(async () => (await ReasonsAsync(sandbox, name)).Contains("Updated"), "an Updated event");
        (await ReasonsAsync(sandbox, name)).Count(r => r == "Created").ShouldBe(1);
    }

    private static async Task<List<string?>> ReasonsAsync(TestSandbox sandbox, string name)
    {
        var (_, events, _) = await sandbox.GetAsync("/api/v1/namespaces/default/events");
        return events!["items"]!.AsArray().Where(e => (string?)e!["involvedObject"]!["name"] == name)
            .Select(e => (string?)e!["reason"]).ToList();
    }

    private static async Task<string?> ValueAsync(TestSandbox sandbox, string name)
    {
        var (code, map, _) = await sandbox.GetAsync($"/api/v1/namespaces/default/configmaps/{name}");
        return code == 200 ? (string?)map?["data"]?["value"] : null;
    }
}
