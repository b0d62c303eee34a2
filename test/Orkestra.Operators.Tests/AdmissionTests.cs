using Orkestra.Operators.Tests.Support;

namespace Orkestra.Operators.Tests;

/// <summary>Validation and mutation rules run on every reconcile: a denied CR gets Ready=False and no children until it
/// changes; a defaulted field is written back to the CR.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class AdmissionTests
{
    [Test]
    public async Task A_denied_CR_fails_until_fixed_and_mutation_defaults_are_written_back()
    {
        await using var ork = await RunningOperators.StartAsync(["test/Orkestra.Operators.Tests/Katalogs/admission/katalog.yaml"]);
        await ork.WaitReadyAsync();
        await ork.OkAsync("apply -f -", """
            apiVersion: test.orkestra.io/v1
            kind: Item
            metadata: {name: web, namespace: default}
            spec: {image: "docker.io/web:1"}
            """);
        await ork.EventuallyAsync(async () => (string?)(await ork.ReadyAsync("item", "web"))?["reason"] == "ValidationFailed", "the CR to be denied");
        ((string?)(await ork.ReadyAsync("item", "web"))!["message"]).ShouldBe("images must come from myorg/, not docker.io/web:1");
        ((string?)(await ork.GetAsync("item", "web"))!["spec"]!["tier"]).ShouldBe("standard", "mutation runs first and defaults the tier");
        (await ork.GetAsync("configmap", "web")).ShouldBeNull();

        await ork.OkAsync("patch item web --type=merge -p '{\"spec\":{\"image\":\"myorg/web:1\"}}'");
        await ork.OkAsync("wait --for=condition=Ready item/web --timeout=60s");
        var data = (await ork.GetAsync("configmap", "web"))!["data"]!;
        ((string?)data["image"]).ShouldBe("myorg/web:1");
        ((string?)data["tier"]).ShouldBe("standard");
    }
}
