using System.Text.Json.Nodes;
using Orkestra.Operators.Tests.Support;

namespace Orkestra.Operators.Tests;

/// <summary>A Komposer run as <c>ork run</c> runs it: two samples imported as files, one field overridden, every
/// imported operator reconciling its CRs, and /katalog showing each source with its digest.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class KomposerTests
{
    [Test]
    public async Task Operators_of_imported_katalogs_reconcile_their_crs_with_the_komposers_override()
    {
        await using var ork = await RunningOperators.StartAsync(["test/Orkestra.Operators.Tests/Katalogs/komposer/komposer.yaml"]);
        await ork.WaitReadyAsync();
        await ork.OkAsync($"apply -f {Repo.Path("samples/hello-website/cr.yaml")}");
        await ork.OkAsync($"apply -f {Repo.Path("samples/status-fields/cr.yaml")}");
        await ork.OkAsync("wait --for=condition=Ready website/hello database/orders --timeout=60s");

        (await ork.GetAsync("deployment", "hello")).ShouldNotBeNull("hello-website's operator created its Deployment");
        var website = (await ork.GetAsync("website", "hello"))!;
        ((string?)website["metadata"]!["labels"]!["team"]).ShouldBe("platform", "the Komposer's override of spec.crds.website.labels");

        var katalog = JsonNode.Parse(await ork.Http.GetStringAsync("/katalog"))!;
        var sources = katalog["sources"]!.AsArray();
        sources.Select(s => (string?)s!["katalog"]).ShouldBe(["website-operator", "status-fields"]);
        sources.ShouldAllBe(s => ((string)s!["digest"]!).StartsWith("sha256:") && (string)s["komposer"]! == "platform");
        ((string)sources[0]!["reference"]!).ShouldEndWith("samples/hello-website/katalog.yaml");
        ork.Logs.ShouldContain("Komposer platform imported Katalog website-operator from ");
    }
}
