using Orkestra.Operators.Tests.Support;

namespace Orkestra.Operators.Tests;

/// <summary><c>normalize</c> and namespace protection through <c>ork run</c> against the sandbox, with kubectl as the client.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class NormalizeTests
{
    private const string Katalog = "test/Orkestra.Operators.Tests/Katalogs/normalize/katalog.yaml";

    [Test]
    public async Task Children_and_rules_see_the_normalized_spec_while_the_stored_CR_keeps_what_was_written()
    {
        await using var ork = await RunningOperators.StartAsync([Katalog]);
        await ork.WaitReadyAsync();
        await ork.OkAsync("apply -f -", """
            apiVersion: test.orkestra.io/v1
            kind: Item
            metadata: {name: shop, namespace: default}
            spec: {image: "MyOrg/Shop:1", size: "3"}
            """);
        await ork.OkAsync("wait --for=condition=Ready item/shop --timeout=60s");
        var data = (await ork.GetAsync("configmap", "shop"))!["data"]!;
        ((string?)data["image"]).ShouldBe("myorg/shop:1");
        ((string?)data["size"]).ShouldBe("3");
        ((string?)data["sizeType"]).ShouldBe("int", "types: {size: int} made the string a number before rendering");
        var stored = (await ork.GetAsync("item", "shop"))!["spec"]!;
        ((string?)stored["image"]).ShouldBe("MyOrg/Shop:1", "normalize never writes the CR");
        ((string?)stored["size"]).ShouldBe("3");
        var events = await ork.OkAsync(
            "get events --field-selector involvedObject.name=shop,reason=Normalized -o jsonpath={.items[*].message}");
        events.ShouldContain("spec.image: \"MyOrg/Shop:1\" -> \"myorg/shop:1\"");

        await ork.OkAsync("apply -f -", """
            apiVersion: test.orkestra.io/v1
            kind: Item
            metadata: {name: big, namespace: default}
            spec: {image: "a", size: "12"}
            """);
        await ork.EventuallyAsync(async () => (string?)(await ork.ReadyAsync("item", "big"))?["reason"] == "ValidationFailed",
            "validation to see the normalized size");
        ((string?)(await ork.ReadyAsync("item", "big"))!["message"]).ShouldBe("size 12 is more than 10");
    }

    [Test]
    public async Task A_CR_outside_the_allowed_namespaces_is_refused_at_reconcile_and_gets_no_children()
    {
        await using var ork = await RunningOperators.StartAsync([Katalog]);
        await ork.WaitReadyAsync();
        await ork.OkAsync("apply -f -", """
            apiVersion: v1
            kind: Namespace
            metadata: {name: sandbox-x}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: team-a}
            ---
            apiVersion: test.orkestra.io/v1
            kind: Item
            metadata: {name: stray, namespace: sandbox-x}
            spec: {image: "a", size: "1"}
            ---
            apiVersion: test.orkestra.io/v1
            kind: Item
            metadata: {name: fine, namespace: team-a}
            spec: {image: "a", size: "1"}
            """);
        await ork.OkAsync("wait --for=condition=Ready item/fine -n team-a --timeout=60s");
        await ork.EventuallyAsync(
            async () => (string?)(await ork.ReadyAsync("item", "stray", "sandbox-x"))?["reason"] == "NamespaceNotAllowed",
            "the CR in a namespace outside the allow list to be refused");
        ((string?)(await ork.ReadyAsync("item", "stray", "sandbox-x"))!["message"])
            .ShouldBe("namespace \"sandbox-x\" is not in the allowed namespaces of item (default, team-*); " +
                      "nothing is created for this Item");
        (await ork.GetAsync("configmap", "stray", "sandbox-x")).ShouldBeNull();
        (await ork.GetAsync("item", "stray", "sandbox-x"))!["metadata"]!["finalizers"].ShouldBeNull("a refused CR is not adopted");
        (await ork.MetricsAsync()).ShouldMatch(@"orkestra_namespace_protection_blocked_total\{resource=""items""\} [1-9]");
    }
}
