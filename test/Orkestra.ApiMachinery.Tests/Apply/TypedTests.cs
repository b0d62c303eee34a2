using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Apply;
using Orkestra.ApiMachinery.FieldSets;
using Orkestra.ApiMachinery.Shapes;

namespace Orkestra.ApiMachinery.Tests.Apply;

public sealed class TypedTests
{
    static readonly Shape Pod = BuiltInShapes.For("", "Pod");

    static JsonObject O(string json) => JsonNode.Parse(json)!.AsObject();

    static string[] Paths(FieldSet set) => set.Members().Select(p => p.ToString()).ToArray();

    [Test]
    public void Compare_reports_added_modified_and_removed_leaves_and_items()
    {
        var before = O("""{"metadata":{"finalizers":["a","b"]},"spec":{"containers":[{"name":"c","image":"1","args":["x"]},{"name":"gone","image":"g"}]}}""");
        var after = O("""{"metadata":{"finalizers":["b","c"]},"spec":{"containers":[{"name":"c","image":"2","args":["y"],"tty":true}]}}""");
        var c = Typed.Compare(before, after, Pod);
        Paths(c.Added).ShouldBe([".metadata.finalizers[=\"c\"]", ".spec.containers[name=\"c\"].tty"]);
        Paths(c.Modified).ShouldBe([".spec.containers[name=\"c\"].args", ".spec.containers[name=\"c\"].image"]);
        Paths(c.Removed).ShouldBe([".metadata.finalizers[=\"a\"]", ".spec.containers[name=\"gone\"]", ".spec.containers[name=\"gone\"].image", ".spec.containers[name=\"gone\"].name"]);
        Typed.Compare(before, before.DeepClone(), Pod).IsSame.ShouldBeTrue();
    }

    [Test]
    public void Field_sets_treat_atomic_maps_and_empty_objects_as_leaves()
    {
        var set = Typed.ToFieldSet(O("""{"spec":{"nodeSelector":{"a":"b"},"securityContext":{},"containers":[{"name":"c"}]}}"""), Pod);
        Paths(set).ShouldBe([".spec.nodeSelector", ".spec.securityContext", ".spec.containers[name=\"c\"]", ".spec.containers[name=\"c\"].name"]);
    }

    [Test]
    public void Prune_removes_what_only_the_last_set_reaches_and_keeps_what_others_own()
    {
        var obj = O("""{"spec":{"containers":[{"name":"a","image":"1"},{"name":"b","image":"2"}],"hostname":"h"}}""");
        var last = Typed.ToFieldSet(obj, Pod);
        var keep = Typed.ToFieldSet(O("""{"spec":{"containers":[{"name":"b","image":"2"}]}}"""), Pod);
        Typed.Prune(obj, last, keep, Pod, new FieldPath([]));
        PathElement.ToJson(obj).ShouldBe("""{"spec":{"containers":[{"name":"b","image":"2"}]}}""");
    }
}
