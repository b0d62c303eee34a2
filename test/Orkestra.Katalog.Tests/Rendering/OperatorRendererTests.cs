using System.Text.Json;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Rendering;

namespace Orkestra.Katalog.Tests.Rendering;

/// <summary>The render pipeline shared by `ork render` and the reconciler: gates, forEach, status projection.</summary>
public class OperatorRendererTests
{
    private static CompiledOperator Compile(string operatorBox)
    {
        var text = $"""
            apiVersion: orkestra.orkspace.io/v1
            kind: Katalog
            metadata:
              name: t
            spec:
              crds:
                app:
                  apiTypes: {"{"}group: demo.io, version: v1, kind: App, plural: apps{"}"}
                  operatorBox:
            {string.Join("\n", operatorBox.Split('\n').Select(l => "        " + l))}
            """;
        var result = KatalogCompiler.CompileText(text, "k.yaml");
        result.Diagnostics.Where(d => d.Severity == Diagnostics.DiagnosticSeverity.Error).ShouldBeEmpty();
        return result.Katalogs[0].Operators[0];
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static readonly JsonElement Cr = Json("""
        {"apiVersion":"demo.io/v1","kind":"App","metadata":{"name":"a","namespace":"ns","uid":"u","generation":4},
         "spec":{"env":"prod","zones":["x","y"],"ports":{"http":80,"metrics":9090},"replicas":"3"},"status":{"phase":"Old"}}
        """);

    [Test]
    public void Two_entries_that_render_the_same_object_are_both_held_back_with_an_error_naming_both()
    {
        var op = Compile("""
            onReconcile:
              configMaps:
                - name: "{{ .metadata.name }}-cfg"
                  data: {a: "1"}
                - name: "{{ .metadata.name }}-cfg"
                  data: {a: "2"}
                - name: "{{ .metadata.name }}-other"
                  data: {a: "3"}
              deployments:
                - name: "{{ .metadata.name }}-cfg"
                  image: nginx
            """);
        var result = OperatorRenderer.Render(new RenderRequest(op, Cr, []));
        result.Children.Select(c => $"{c.Manifest["kind"]} {c.Name}").ShouldBe(["ConfigMap a-other", "Deployment a-cfg"]);
        var error = result.Errors.ShouldHaveSingleItem();
        error.Message.ShouldBe("onReconcile.configMaps[0] and onReconcile.configMaps[1] render the same ConfigMap \"a-cfg\": " +
                               "give each a name of its own (neither is applied while they collide)");
    }

    [Test]
    public void Literal_scalars_mean_what_they_mean_to_kubectl()
    {
        var op = Compile("""
            onReconcile:
              custom:
                - apiVersion: demo.io/v1
                  kind: Thing
                  metadata: {name: t}
                  spec: {a: yes, b: n, c: 007, d: 0x1F, e: 1_000, f: 'yes', g: "007", h: 1.5}
            """);
        var result = OperatorRenderer.Render(new RenderRequest(op, Cr, []));
        result.Errors.ShouldBeEmpty();
        result.Children.Single().Manifest["spec"]!.ToJsonString()
            .ShouldBe("""{"a":true,"b":false,"c":7,"d":31,"e":1000,"f":"yes","g":"007","h":1.5}""");
    }

    [TestCase("{limit: .inf}", ".inf is a YAML float JSON cannot hold")]
    [TestCase("{limit: !!int 5}", "YAML tag 'tag:yaml.org,2002:int' is not supported in a Katalog")]
    public void A_literal_kube_would_type_otherwise_or_refuse_is_a_located_error(string spec, string message)
    {
        var result = KatalogCompiler.CompileText($$"""
            apiVersion: orkestra.orkspace.io/v1
            kind: Katalog
            metadata:
              name: t
            spec:
              crds:
                app:
                  apiTypes: {group: demo.io, version: v1, kind: App, plural: apps}
                  operatorBox:
                    onReconcile:
                      custom:
                        - apiVersion: demo.io/v1
                          kind: Thing
                          metadata: {name: t}
                          spec: {{spec}}
            """, "k.yaml");
        var error = result.Diagnostics.Where(d => d.Severity == Diagnostics.DiagnosticSeverity.Error).ShouldHaveSingleItem();
        error.Location.Line.ShouldBe(15);
        error.Message.ShouldContain(message);
    }

    [Test]
    public void ForEach_expands_one_entry_per_list_item_and_per_map_key()
    {
        var op = Compile("""
            onReconcile:
              configMaps:
                - name: "{{ .metadata.name }}-{{ .zone }}"
                  data: {zone: "{{ .item }}"}
                  forEach: {field: spec.zones, as: zone}
                - name: "{{ .metadata.name }}-port-{{ .item }}"
                  data: {port: "{{ .value }}"}
                  forEach: {field: spec.ports, as: port}
            """);
        var result = OperatorRenderer.Render(new RenderRequest(op, Cr, []));
        result.Errors.ShouldBeEmpty();
        result.Children.Select(c => c.Name).ShouldBe(["a-x", "a-y", "a-port-http", "a-port-metrics"]);
        ((string)result.Children[3].Manifest["data"]!["port"]!).ShouldBe("9090");
    }

    [Test]
    public void Gated_entries_are_reported_with_the_condition_that_failed()
    {
        var op = Compile("""
            onReconcile:
              configMaps:
                - name: prod-only
                  when: [{field: spec.env, equals: prod}]
                - name: dev-only
                  when: [{field: spec.env, equals: dev}]
                - name: either
                  or: [{field: spec.env, equals: staging}, {field: spec.env, equals: qa}]
            """);
        var result = OperatorRenderer.Render(new RenderRequest(op, Cr, []));
        result.Children.Select(c => c.Name).ShouldBe(["prod-only"]);
        result.Skipped.Select(s => s.Reason).ShouldBe([
            "when: spec.env equals dev is false",
            "or: none of spec.env equals staging, spec.env equals qa is true",
        ]);
    }

    [Test]
    public void Status_fields_apply_in_order_later_wins_with_types_and_clearOnFalse()
    {
        var op = Compile("""
            status:
              fields:
                - path: phase
                  value: Pending
                - path: phase
                  value: Running
                  when: [{field: spec.env, equals: prod}]
                - path: db.replicas
                  value: "{{ .spec.replicas }}"
                  type: int
                - path: stale
                  value: x
                  when: [{field: spec.env, equals: dev}]
                  clearOnFalse: true
                - path: ready
                  value: "true"
                  type: bool
            """);
        var status = OperatorRenderer.Render(new RenderRequest(op, Cr, [])).Status;
        status.Errors.ShouldBeEmpty();
        status.Status.ToJsonString().ShouldBe(
            """{"observedGeneration":4,"conditions":[{"type":"Ready","status":"True","reason":"ReconcileSucceeded","message":""}],"phase":"Running","db":{"replicas":3},"stale":"","ready":true}""");
    }

    [Test]
    public void A_value_that_cannot_take_its_type_is_a_status_error_at_the_field()
    {
        var op = Compile("""
            status:
              fields:
                - path: count
                  value: "{{ .spec.env }}"
                  type: int
            """);
        var error = OperatorRenderer.Render(new RenderRequest(op, Cr, [])).Status.Errors.ShouldHaveSingleItem();
        error.Message.ShouldContain("\"prod\" is not an integer");
        error.Location.Line.ShouldBeGreaterThan(1);
    }

    [Test]
    public void A_failing_child_makes_Ready_false_with_the_message_and_skips_unconditional_status_fields()
    {
        var op = Compile("""
            onReconcile:
              deployments:
                - name: web
                  image: "{{ .spec.env }}"
                  replicas: "{{ .spec.env }}"
            status:
              fields:
                - path: always
                  value: x
                - path: conditional
                  value: z
                  when: [{field: spec.env, equals: prod}]
            """);
        var result = OperatorRenderer.Render(new RenderRequest(op, Cr, []));
        var error = result.Errors.ShouldHaveSingleItem();
        error.Message.ShouldBe("onReconcile.deployments[0]: replicas: \"prod\" is not a number");
        error.Location.File.ShouldBe("k.yaml");
        var condition = result.Status.Status["conditions"]![0]!;
        ((string)condition["status"]!).ShouldBe("False");
        ((string)condition["reason"]!).ShouldBe("ReconcileError");
        ((string)condition["message"]!).ShouldContain("replicas");
        result.Status.Status["always"].ShouldBeNull();
        ((string)result.Status.Status["conditional"]!).ShouldBe("z");
    }

    [Test]
    public void Children_feed_templates_through_singular_and_plural_keys()
    {
        var op = Compile("""
            onReconcile:
              deployments:
                - name: web
                  image: nginx
            status:
              fields:
                - path: ready
                  value: "{{ readyReplicas .children.deployment }}/{{ len .children.deployments }}"
            """);
        var observed = Json("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"ns"},"status":{"readyReplicas":2}}""");
        var status = OperatorRenderer.Render(new RenderRequest(op, Cr, [observed])).Status;
        ((string)status.Status["ready"]!).ShouldBe("2/1");
    }

    [Test]
    public void Only_the_requested_hooks_render()
    {
        var op = Compile("""
            onCreate:
              configMaps: [{name: created}]
            onReconcile:
              configMaps: [{name: reconciled}]
            onDelete:
              configMaps: [{name: deleting}]
            """);
        OperatorRenderer.Render(new RenderRequest(op, Cr, [])).Children.Select(c => c.Name).ShouldBe(["created", "reconciled"]);
        OperatorRenderer.Render(new RenderRequest(op, Cr, []) { Hooks = new HashSet<HookKind> { HookKind.OnDelete } })
            .Children.Select(c => c.Name).ShouldBe(["deleting"]);
    }
}
