using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.FieldSets;
using Orkestra.ApiMachinery.Patches;

namespace Orkestra.ApiMachinery.Tests.Patches;

public sealed class JsonPatchTests
{
    static string Merge(string target, string patch) => PathElement.ToJson(JsonMergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch)));

    static string Patch(string doc, string ops) => PathElement.ToJson(JsonPatch.Apply(JsonNode.Parse(doc), JsonNode.Parse(ops)!.AsArray()));

    [Test]
    public void Merge_patch_merges_objects_deletes_with_null_and_replaces_lists()
    {
        Merge("""{"a":{"b":1,"c":2},"l":[1,2]}""", """{"a":{"b":null,"d":3},"l":[3]}""").ShouldBe("""{"a":{"c":2,"d":3},"l":[3]}""");
        Merge("""{"a":1}""", """[1]""").ShouldBe("[1]");
    }

    [Test]
    public void Json_patch_operations_and_pointer_escapes()
    {
        Patch("""{"m":{"a/b":1},"l":[1,2]}""", """[{"op":"add","path":"/l/-","value":3},{"op":"remove","path":"/m/a~1b"},{"op":"copy","from":"/l/0","path":"/m/x"},{"op":"move","from":"/m/x","path":"/y"},{"op":"replace","path":"/l/1","value":9},{"op":"test","path":"/y","value":1}]""")
            .ShouldBe("""{"m":{},"l":[1,9,3],"y":1}""");
    }

    [TestCase("""[{"op":"test","path":"/a","value":2}]""", "testing value /a failed: test failed")]
    [TestCase("""[{"op":"remove","path":"/nope"}]""", "remove operation does not apply: doc is missing path: \"/nope\": missing value")]
    [TestCase("""[{"op":"replace","path":"/nope","value":1}]""", "replace operation does not apply: doc is missing key: /nope")]
    [TestCase("""[{"op":"jump","path":"/a"}]""", "Unexpected kind: jump")]
    public void Failing_operations_carry_the_reason(string ops, string message)
    {
        Should.Throw<JsonPatchException>(() => Patch("""{"a":1}""", ops)).Message.ShouldBe(message);
    }
}
