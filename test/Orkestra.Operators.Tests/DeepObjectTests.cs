using System.Text;
using System.Text.Json.Nodes;
using Orkestra.Operators.Tests.Support;

namespace Orkestra.Operators.Tests;

/// <summary>
/// A CR nested far deeper than System.Text.Json's default of 64 levels is legal (kube-apiserver decodes JSON up to
/// 10,000 levels). It must not stop the informer of its kind: every other CR of that kind is still reconciled, also
/// after a relist, and the deep CR itself is reconciled or reported on itself.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class DeepObjectTests
{
    private const string Items = "/apis/test.orkestra.io/v1/namespaces/default/items";

    [Test]
    public async Task A_CR_nested_200_levels_deep_does_not_stop_the_informer_of_its_kind()
    {
        await using var ork = await RunningOperators.StartAsync(["test/Orkestra.Operators.Tests/Katalogs/resilience/katalog.yaml"]);
        await ork.WaitReadyAsync();
        var sandbox = ork.Sandbox;

        var (code, body, _) = await sandbox.SendAsync(HttpMethod.Post, Items, Item("deep", Nested(200)));
        code.ShouldBe(201, body?.ToJsonString());
        (code, body, _) = await sandbox.SendAsync(HttpMethod.Post, Items, Item("normal", "1"));
        code.ShouldBe(201, body?.ToJsonString());
        await ork.EventuallyAsync(async () => await ReadyAsync(ork, "normal"), "the normal Item next to the deep one to be Ready");
        await ork.EventuallyAsync(async () => await ReadyAsync(ork, "deep"), "the deep Item itself to be Ready");

        // A relist (history expired, watches dropped) lists the deep CR again: the kind keeps being reconciled.
        sandbox.Server.Faults.ExpireHistory();
        sandbox.Server.Faults.CloseWatches();
        (code, body, _) = await sandbox.SendAsync(HttpMethod.Post, Items, Item("after-relist", "2"));
        code.ShouldBe(201, body?.ToJsonString());
        await ork.EventuallyAsync(async () => await ReadyAsync(ork, "after-relist"), "an Item created after the relist to be Ready");
    }

    private static string Item(string name, string nested) =>
        $$"""{"apiVersion":"test.orkestra.io/v1","kind":"Item","metadata":{"name":"{{name}}","namespace":"default"},""" +
        $$$"""  "spec":{"value":"{{{name}}}","nested":{{{nested}}}}}""";

    /// <summary><c>{"a":{"a":…1…}}</c>, <paramref name="depth"/> objects deep.</summary>
    private static string Nested(int depth) =>
        new StringBuilder().Insert(0, "{\"a\":", depth).Append('1').Append('}', depth).ToString();

    private static async Task<bool> ReadyAsync(RunningOperators ork, string name)
    {
        var (code, cr, _) = await ork.Sandbox.GetAsync($"{Items}/{name}");
        var (mapCode, map, _) = await ork.Sandbox.GetAsync($"/api/v1/namespaces/default/configmaps/{name}");
        var ready = cr?["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == "Ready");
        return code == 200 && mapCode == 200 && (string?)ready?["status"] == "True" && (string?)map?["data"]?["value"] == name;
    }
}
