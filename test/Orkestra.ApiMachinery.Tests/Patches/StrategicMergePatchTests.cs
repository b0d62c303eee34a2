using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.FieldSets;
using Orkestra.ApiMachinery.Patches;
using Orkestra.ApiMachinery.Shapes;

namespace Orkestra.ApiMachinery.Tests.Patches;

public sealed class StrategicMergePatchTests
{
    static readonly Shape Deployment = BuiltInShapes.For("apps", "Deployment");

    const string Live = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"a":"1","b":"2"},"finalizers":["x","y"]},
         "spec":{"replicas":2,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},
           "template":{"spec":{
             "containers":[{"name":"web","image":"nginx:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],"args":["-a","-b"]},
                           {"name":"sidecar","image":"busybox"}],
             "volumes":[{"name":"data","emptyDir":{}}]}}}}
        """;

    static string Patch(string patch) =>
        PathElement.ToJson(StrategicMergePatch.Apply(JsonNode.Parse(Live)!.AsObject(), JsonNode.Parse(patch)!.AsObject(), Deployment));

    static JsonNode? At(string json, string path)
    {
        JsonNode? node = JsonNode.Parse(json);
        foreach (var part in path.Split('.'))
        {
            node = int.TryParse(part, out var i) ? node![i] : node![part];
        }
        return node;
    }

    [Test]
    public void Maps_merge_null_deletes_and_containers_merge_by_name()
    {
        var result = Patch("""{"metadata":{"labels":{"b":null,"c":"3"}},"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:2"}]}}}}""");
        PathElement.ToJson(At(result, "metadata.labels")).ShouldBe("""{"a":"1","c":"3"}""");
        At(result, "spec.template.spec.containers.0.image")!.GetValue<string>().ShouldBe("nginx:2");
        At(result, "spec.template.spec.containers.0.env.1.name")!.GetValue<string>().ShouldBe("B");
        At(result, "spec.template.spec.containers.1.name")!.GetValue<string>().ShouldBe("sidecar");
    }

    [Test]
    public void Lists_without_merge_strategy_are_replaced_and_env_merges_by_name()
    {
        var result = Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"web","args":["-c"],"env":[{"name":"B","value":"9"},{"name":"C","value":"3"}]}]}}}}""");
        PathElement.ToJson(At(result, "spec.template.spec.containers.0.args")).ShouldBe("""["-c"]""");
        PathElement.ToJson(At(result, "spec.template.spec.containers.0.env")).ShouldBe("""[{"name":"A","value":"1"},{"name":"B","value":"9"},{"name":"C","value":"3"}]""");
    }

    [Test]
    public void Finalizers_take_the_union_and_deleteFromPrimitiveList_removes()
    {
        PathElement.ToJson(At(Patch("""{"metadata":{"finalizers":["y","z"]}}"""), "metadata.finalizers")).ShouldBe("""["x","y","z"]""");
        PathElement.ToJson(At(Patch("""{"metadata":{"$deleteFromPrimitiveList/finalizers":["x"]}}"""), "metadata.finalizers")).ShouldBe("""["y"]""");
    }

    [Test]
    public void Patch_delete_replace_and_merge_directives()
    {
        var deleted = Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}""");
        ((JsonArray)At(deleted, "spec.template.spec.containers")!).Count.ShouldBe(1);
        var replaced = Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"only","image":"i"},{"$patch":"replace"}]}}}}""");
        PathElement.ToJson(At(replaced, "spec.template.spec.containers")).ShouldBe("""[{"name":"only","image":"i"}]""");
        var mapReplaced = Patch("""{"metadata":{"labels":{"$patch":"replace","z":"1"}}}""");
        PathElement.ToJson(At(mapReplaced, "metadata.labels")).ShouldBe("""{"z":"1"}""");
        var mapDeleted = Patch("""{"spec":{"strategy":{"$patch":"delete"}}}""");
        JsonNode.Parse(mapDeleted)!["spec"]!.AsObject().ContainsKey("strategy").ShouldBeFalse();
        var merged = Patch("""{"metadata":{"labels":{"$patch":"merge","z":"1"}}}""");
        PathElement.ToJson(At(merged, "metadata.labels")).ShouldBe("""{"a":"1","b":"2","z":"1"}""");
        merged.ShouldNotContain("$patch");
    }

    [Test]
    public void RetainKeys_clears_fields_not_listed()
    {
        var result = Patch("""{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate","rollingUpdate":null}}}""");
        PathElement.ToJson(At(result, "spec.strategy")).ShouldBe("""{"type":"Recreate"}""");
        var volumes = Patch("""{"spec":{"template":{"spec":{"volumes":[{"name":"data","$retainKeys":["name","configMap"],"configMap":{"name":"cm"}}]}}}}""");
        PathElement.ToJson(At(volumes, "spec.template.spec.volumes")).ShouldBe("""[{"name":"data","configMap":{"name":"cm"}}]""");
    }

    [Test]
    public void SetElementOrder_orders_the_merged_list_as_kubectl_asks()
    {
        var result = Patch("""{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"web"}],"containers":[{"name":"web","image":"nginx:3"}]}}}}""");
        var names = ((JsonArray)At(result, "spec.template.spec.containers")!).Select(c => c!["name"]!.GetValue<string>());
        names.ShouldBe(["sidecar", "web"]);
        result.ShouldNotContain("$setElementOrder");

        // Items the order does not list (server-only) stay behind the listed items they followed in the live list.
        var added = Patch("""{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"new"},{"name":"web"}],"containers":[{"name":"new","image":"n"}]}}}}""");
        ((JsonArray)At(added, "spec.template.spec.containers")!).Select(c => c!["name"]!.GetValue<string>()).ShouldBe(["new", "web", "sidecar"]);
        var primitives = Patch("""{"metadata":{"$setElementOrder/finalizers":["y","z","x"],"finalizers":["z"]}}""");
        PathElement.ToJson(At(primitives, "metadata.finalizers")).ShouldBe("""["y","z","x"]""");
    }

    [Test]
    public void New_values_are_stored_without_directives()
    {
        var result = Patch("""{"spec":{"template":{"spec":{"initContainers":[{"name":"init","image":"i","$patch":"merge"}]}}},"data":{"$patch":"replace","k":"v"}}""");
        result.ShouldNotContain("$patch");
        PathElement.ToJson(At(result, "spec.template.spec.initContainers")).ShouldBe("""[{"name":"init","image":"i"}]""");
    }

    [TestCase("""{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}""", "map: {\"image\":\"x\"} does not contain declared merge key: name")]
    [TestCase("""{"metadata":{"labels":{"$patch":"explode"}}}""", "Unknown patch type: explode")]
    [TestCase("""{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{"maxSurge":2}}}}""", "patch content doesn't match retainKeys list: rollingUpdate is not listed")]
    public void Malformed_patches_are_rejected_with_a_reason(string patch, string message)
    {
        Should.Throw<InvalidPatchException>(() => Patch(patch)).Message.ShouldBe(message);
    }
}
