using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Apply;
using Orkestra.ApiMachinery.Shapes;

namespace Orkestra.ApiMachinery.Tests.Apply;

public sealed class FieldManagerTests
{
    static readonly DateTimeOffset T0 = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    static FieldManagerContext Context(Shape? shape = null, FieldScope scope = FieldScope.Whole, string subresource = "", string apiVersion = "apps/v1", DateTimeOffset? now = null) =>
        new() { Shape = shape ?? BuiltInShapes.For("apps", "Deployment"), ApiVersion = apiVersion, Scope = scope, Subresource = subresource, Now = now ?? T0 };

    static string J(JsonNode node) => Orkestra.ApiMachinery.FieldSets.PathElement.ToJson(node);

    static JsonObject O(string json) => JsonNode.Parse(json)!.AsObject();

    static JsonObject Deployment(int replicas, string image = "nginx:1", string extraContainer = "") => O(
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},"spec":{"replicas":""" + replicas +
        ""","selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":""" +
        "\"" + image + "\"}" + extraContainer + "]}}}}");

    static JsonArray Managed(JsonObject obj) => (JsonArray)obj["metadata"]!["managedFields"]!;

    static JsonObject Entry(JsonObject obj, string manager, string operation = "Apply") =>
        Managed(obj).OfType<JsonObject>().Single(e => e["manager"]!.GetValue<string>() == manager && e["operation"]!.GetValue<string>() == operation);

    [Test]
    public void Apply_to_nothing_creates_the_intent_and_records_a_well_formed_Apply_entry()
    {
        var result = FieldManager.Apply(null, Deployment(2), "orkestra", force: false, Context());
        result["spec"]!["replicas"]!.GetValue<int>().ShouldBe(2);
        var entry = Entry(result, "orkestra");
        J(entry).ShouldBe("""{"manager":"orkestra","operation":"Apply","apiVersion":"apps/v1","time":"2025-01-02T03:04:05Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:name":{}}}}}}}}""");
    }

    [Test]
    public void Same_intent_again_is_a_no_op_that_keeps_the_entry_time()
    {
        var first = FieldManager.Apply(null, Deployment(2), "orkestra", false, Context());
        var second = FieldManager.Apply(first, Deployment(2), "orkestra", false, Context(now: T0.AddHours(1)));
        JsonNode.DeepEquals(first, second).ShouldBeTrue();
    }

    [Test]
    public void A_changed_value_by_the_same_manager_updates_it_and_the_time()
    {
        var first = FieldManager.Apply(null, Deployment(2), "orkestra", false, Context());
        var second = FieldManager.Apply(first, Deployment(3), "orkestra", false, Context(now: T0.AddHours(1)));
        second["spec"]!["replicas"]!.GetValue<int>().ShouldBe(3);
        Entry(second, "orkestra")["time"]!.GetValue<string>().ShouldBe("2025-01-02T04:04:05Z");
    }

    [Test]
    public void Fields_a_manager_stops_applying_are_removed_unless_someone_else_owns_them()
    {
        var sidecar = ",{\"name\":\"sidecar\",\"image\":\"busybox\"}";
        var first = FieldManager.Apply(null, Deployment(2, extraContainer: sidecar), "orkestra", false, Context());
        var intent = Deployment(2, extraContainer: sidecar);
        intent["metadata"]!["labels"] = new JsonObject { ["team"] = "a" };
        first = FieldManager.Apply(first, intent, "orkestra", false, Context());
        // Another manager shares the label (same value: no conflict).
        var shared = O("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"team":"a"}}}""");
        first = FieldManager.Apply(first, shared, "other", false, Context());
        var smaller = Deployment(2);
        smaller["spec"]!.AsObject().Remove("replicas");
        var result = FieldManager.Apply(first, smaller, "orkestra", false, Context());
        result["spec"]!.AsObject().ContainsKey("replicas").ShouldBeFalse();
        ((JsonArray)result["spec"]!["template"]!["spec"]!["containers"]!).Select(c => c!["name"]!.GetValue<string>()).ShouldBe(["web"]);
        result["metadata"]!["labels"]!["team"]!.GetValue<string>().ShouldBe("a");
        J(Entry(result, "other")["fieldsV1"]!).ShouldBe("""{"f:metadata":{"f:labels":{"f:team":{}}}}""");
    }

    [Test]
    public void A_different_value_for_a_field_another_applier_owns_conflicts_with_kubes_message()
    {
        var first = FieldManager.Apply(null, Deployment(2), "orkestra", false, Context());
        var conflict = Should.Throw<ApplyConflictException>(() => FieldManager.Apply(first, Deployment(5), "kubectl", false, Context()));
        conflict.Message.ShouldBe("Apply failed with 1 conflict: conflict with \"orkestra\": .spec.replicas");
        conflict.Conflicts.Single().Path.ToString().ShouldBe(".spec.replicas");
    }

    [Test]
    public void Several_conflicts_are_grouped_by_manager_and_Update_owners_show_their_version()
    {
        var created = Deployment(2);
        FieldManager.Update(null, created, "kubectl-create", Context());
        var intent = Deployment(5, image: "nginx:2");
        var conflict = Should.Throw<ApplyConflictException>(() => FieldManager.Apply(created, intent, "orkestra", false, Context()));
        conflict.Message.ShouldBe("Apply failed with 2 conflicts: conflicts with \"kubectl-create\" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name=\"web\"].image");
    }

    [Test]
    public void Same_value_shares_ownership_and_force_moves_it()
    {
        var first = FieldManager.Apply(null, Deployment(2), "orkestra", false, Context());
        var replicasOnly = O("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2}}""");
        var shared = FieldManager.Apply(first, replicasOnly, "hpa", false, Context());
        J(Entry(shared, "hpa")["fieldsV1"]!).ShouldBe("""{"f:spec":{"f:replicas":{}}}""");
        Entry(shared, "orkestra")["fieldsV1"]!["f:spec"]!["f:replicas"].ShouldNotBeNull();

        replicasOnly["spec"]!["replicas"] = 7;
        var forced = FieldManager.Apply(shared, replicasOnly, "hpa", force: true, Context());
        forced["spec"]!["replicas"]!.GetValue<int>().ShouldBe(7);
        Entry(forced, "orkestra")["fieldsV1"]!["f:spec"]!.AsObject().ContainsKey("f:replicas").ShouldBeFalse();
        J(Entry(forced, "hpa")["fieldsV1"]!).ShouldBe("""{"f:spec":{"f:replicas":{}}}""");
    }

    [Test]
    public void Update_records_what_a_write_changed_and_takes_it_from_others()
    {
        var applied = FieldManager.Apply(null, Deployment(2), "orkestra", false, Context());
        var edited = (JsonObject)applied.DeepClone();
        edited["spec"]!["replicas"] = 4;
        edited["metadata"]!["annotations"] = new JsonObject { ["note"] = "x" };
        FieldManager.Update(applied, edited, "kubectl-edit", Context(now: T0.AddMinutes(1)));
        var entry = Entry(edited, "kubectl-edit", "Update");
        J(entry["fieldsV1"]!).ShouldBe("""{"f:metadata":{"f:annotations":{"f:note":{}}},"f:spec":{"f:replicas":{}}}""");
        entry["time"]!.GetValue<string>().ShouldBe("2025-01-02T03:05:05Z");
        Entry(edited, "orkestra")["fieldsV1"]!["f:spec"]!.AsObject().ContainsKey("f:replicas").ShouldBeFalse();
        // Managed fields are listed Apply first, then Update.
        Managed(edited).Select(e => e!["operation"]!.GetValue<string>()).ShouldBe(["Apply", "Update"]);
    }

    [Test]
    public void Update_that_changes_nothing_leaves_managed_fields_alone_and_an_empty_list_resets_them()
    {
        var applied = FieldManager.Apply(null, Deployment(2), "orkestra", false, Context());
        var same = (JsonObject)applied.DeepClone();
        FieldManager.Update(applied, same, "kubectl", Context(now: T0.AddHours(2)));
        JsonNode.DeepEquals(same, applied).ShouldBeTrue();

        var reset = (JsonObject)applied.DeepClone();
        reset["metadata"]!["managedFields"] = new JsonArray();
        FieldManager.Update(applied, reset, "kubectl", Context());
        reset["metadata"]!.AsObject().ContainsKey("managedFields").ShouldBeFalse();
    }

    [Test]
    public void Status_is_ignored_on_the_main_endpoint_and_only_status_counts_on_the_status_subresource()
    {
        var intent = Deployment(1);
        intent["status"] = new JsonObject { ["replicas"] = 9 };
        var main = FieldManager.Apply(null, intent, "orkestra", false, Context(scope: FieldScope.AllButStatus));
        main.ContainsKey("status").ShouldBeFalse();

        var statusIntent = O("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"x":"y"}},"spec":{"replicas":50},"status":{"replicas":1}}""");
        var status = FieldManager.Apply(main, statusIntent, "ctrl", false, Context(scope: FieldScope.StatusOnly, subresource: "status"));
        status["spec"]!["replicas"]!.GetValue<int>().ShouldBe(1);
        status["status"]!["replicas"]!.GetValue<int>().ShouldBe(1);
        var entry = Entry(status, "ctrl");
        entry["subresource"]!.GetValue<string>().ShouldBe("status");
        J(entry["fieldsV1"]!).ShouldBe("""{"f:status":{"f:replicas":{}}}""");
    }

    [Test]
    public void Container_ports_are_keyed_by_port_and_protocol_with_TCP_default_and_sets_by_value()
    {
        var intent = O("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","finalizers":["a","b"]},
             "spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":80},{"containerPort":53,"protocol":"UDP"}]}]}}
            """);
        var result = FieldManager.Apply(null, intent, "m", false, Context(BuiltInShapes.For("", "Pod"), apiVersion: "v1"));
        var fields = Entry(result, "m")["fieldsV1"]!;
        J(fields["f:metadata"]!["f:finalizers"]!).ShouldBe("""{"v:\"a\"":{},"v:\"b\"":{}}""");
        var ports = fields["f:spec"]!["f:containers"]!["k:{\"name\":\"c\"}"]!["f:ports"]!.AsObject();
        ports.Select(p => p.Key).ShouldBe(["k:{\"containerPort\":53,\"protocol\":\"UDP\"}", "k:{\"containerPort\":80,\"protocol\":\"TCP\"}"]);
    }

    [Test]
    public void Two_appliers_of_one_list_map_merge_items_and_each_removes_only_its_own()
    {
        var shape = BuiltInShapes.For("apps", "Deployment");
        var a = Deployment(1);
        var withB = FieldManager.Apply(FieldManager.Apply(null, a, "a", false, Context(shape)),
            O("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"template":{"spec":{"containers":[{"name":"b","image":"busybox"}]}}}}"""),
            "b", false, Context(shape));
        ((JsonArray)withB["spec"]!["template"]!["spec"]!["containers"]!).Select(c => c!["name"]!.GetValue<string>()).ShouldBe(["web", "b"]);
        var bGone = FieldManager.Apply(withB, O("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"}}"""), "b", false, Context(shape));
        ((JsonArray)bGone["spec"]!["template"]!["spec"]!["containers"]!).Select(c => c!["name"]!.GetValue<string>()).ShouldBe(["web"]);
        Managed(bGone).Select(e => e!["manager"]!.GetValue<string>()).ShouldBe(["a"]);
    }

    [Test]
    public void Custom_resource_lists_follow_the_schema_markers_and_are_atomic_when_unmarked()
    {
        var schema = JsonNode.Parse("""
            {"type":"object","properties":{"spec":{"type":"object","properties":{
              "hosts":{"type":"array","items":{"type":"string"}},
              "tags":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}},
              "rules":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["id"],"items":{"type":"object","properties":{"id":{"type":"string"},"port":{"type":"integer"}}}},
              "limits":{"type":"object","x-kubernetes-map-type":"atomic","additionalProperties":{"type":"string"}}}}}}
            """);
        var shape = BuiltInShapes.ForCustomResource(schema);
        var cr = O("""{"apiVersion":"ex.com/v1","kind":"W","metadata":{"name":"w"},"spec":{"hosts":["a","b"],"tags":["x"],"rules":[{"id":"r1","port":1}],"limits":{"cpu":"1"}}}""");
        var result = FieldManager.Apply(null, cr, "m", false, Context(shape, apiVersion: "ex.com/v1"));
        J(Entry(result, "m")["fieldsV1"]!).ShouldBe("""{"f:spec":{"f:hosts":{},"f:limits":{},"f:rules":{"k:{\"id\":\"r1\"}":{".":{},"f:id":{},"f:port":{}}},"f:tags":{"v:\"x\"":{}}}}""");
    }

    [Test]
    public void A_list_map_item_without_its_key_is_an_invalid_structure()
    {
        var intent = O("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}""");
        Should.Throw<InvalidStructureException>(() => FieldManager.Apply(null, intent, "m", false, Context()))
            .Message.ShouldBe(".spec.template.spec.containers: associative list with keys has an element that omits key field \"name\" (and doesn't have default value)");
    }
}
