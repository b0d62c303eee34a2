using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Rendering;
using Orkestra.Katalog.Tests.Loading;
using Orkestra.Templating;

namespace Orkestra.Katalog.Tests.Compilation;

public class CompilerTests
{
    private static CompiledOperator CompileOne(string crdBody)
    {
        var result = KatalogCompiler.CompileText(TestKatalogs.WithCrd(crdBody), "katalog.yaml", TestKatalogs.TestData);
        result.Diagnostics.Where(d => d.Severity == Diagnostics.DiagnosticSeverity.Error).ShouldBeEmpty();
        return result.Katalogs.Single().Operators.Single();
    }

    private static RenderScope Scope(string crJson)
    {
        var doc = JsonDocument.Parse(crJson);
        return new RenderScope(TemplateData.ForObject(doc.RootElement));
    }

    [Test]
    public void Two_ungated_entries_with_the_same_static_name_are_a_located_error()
    {
        var result = KatalogCompiler.CompileText(TestKatalogs.WithCrd("""
            operatorBox:
              onCreate:
                deployments:
                  - image: nginx
              onReconcile:
                configMaps:
                  - name: fixed
                    data: {a: "1"}
                  - name: fixed
                    data: {a: "2"}
                  - name: fixed
                    namespace: elsewhere
                    data: {a: "3"}
                  - name: "{{ .metadata.name }}"
                    data: {a: "4"}
                  - name: fixed
                    when: [{field: spec.tier, operator: equals, value: gold}]
                    data: {a: "5"}
                deployments:
                  - image: nginx:2
            """), "katalog.yaml", TestKatalogs.TestData);
        var errors = result.Diagnostics.Where(d => d.Severity == Diagnostics.DiagnosticSeverity.Error).Select(d => d.ToString()).ToArray();
        errors.ShouldBe([
            "katalog.yaml:21:15: error: onReconcile.configMaps[1] and onReconcile.configMaps[0] always render the same name \"fixed\": " +
            "each would undo the other on every reconcile; give each entry a name of its own",
            "katalog.yaml:32:15: error: onReconcile.deployments[0] and onCreate.deployments[0] always render the same default name " +
            "(the CR's): each would undo the other on every reconcile; give each entry a name of its own",
        ], string.Join("\n", errors));
    }

    [Test]
    public void Samples_validate()
    {
        var samples = Directory.GetFiles(Path.Combine(TestKatalogs.RepositoryRoot, "samples"), "katalog.yaml", SearchOption.AllDirectories);
        samples.ShouldNotBeEmpty();
        foreach (var sample in samples)
        {
            var result = KatalogCompiler.CompileFiles([sample]);
            result.Diagnostics.Where(d => d.Severity == Diagnostics.DiagnosticSeverity.Error).Select(d => d.ToString()).ShouldBeEmpty(sample);
            result.Katalogs.Count.ShouldBe(1);
        }
    }

    [Test]
    public void A_child_entry_renders_typed_json()
    {
        var op = CompileOne("""
            operatorBox:
              onCreate:
                deployments:
                  - name: "{{ .metadata.name }}-web"
                    image: "{{ .spec.image }}"
                    replicas: "{{ .spec.replicas }}"
                    labels:
                      tier: "{{ .spec.tier }}"
                      fixed: 'true'
                      count: 3
                    reconcile: true
            """);
        var child = op.OnCreate!.Children.Single();
        child.Source.Reconcile.ShouldBeTrue();
        var rendered = child.Body.Render(Scope("""{"metadata":{"name":"w1"},"spec":{"image":"nginx","replicas":3,"tier":"gold"}}"""));
        JsonNode.DeepEquals(rendered, JsonNode.Parse("""{"name":"w1-web","image":"nginx","replicas":3,"labels":{"tier":"gold","fixed":"true","count":3}}""")).ShouldBeTrue(rendered!.ToJsonString());
        child.Body.IsStatic.ShouldBeFalse();
    }

    [Test]
    public void Render_errors_point_into_the_katalog()
    {
        var op = CompileOne("""
            operatorBox:
              status:
                fields:
                  - path: x
                    value: "{{ index .spec.list 5 }}"
            """);
        var field = op.Status.Fields.Single();
        var e = Should.Throw<KatalogRenderException>(() => field.Value.Render(Scope("""{"spec":{"list":[1]}}""")));
        e.Location.File.ShouldBe("katalog.yaml");
        e.Location.Line.ShouldBe(17);
        e.Template.ShouldBe("{{ index .spec.list 5 }}");
        e.ToDiagnostic().ToString().ShouldStartWith("katalog.yaml:17:");
    }

    [Test]
    public void Conditions_compile_to_paths_or_templates_and_evaluate()
    {
        var op = CompileOne("""
            operatorBox:
              onReconcile:
                configMaps:
                  - name: c
                    when:
                      - field: spec.environment
                        notEquals: production
                      - field: "{{ .spec.replicas }}"
                        operator: gte
                        value: "{{ .spec.min }}"
                    or:
                      - field: metadata.labels.team
                        exists: true
                      - field: spec.tier
                        in: "gold,silver"
                        negate: true
            """);
        var gate = op.OnReconcile!.Children.Single().Gate;
        gate.When[0].Path.ShouldBe(["spec", "environment"]);
        gate.When[1].FieldTemplate.ShouldNotBeNull();
        gate.When[1].Expected!.IsTemplate.ShouldBeTrue();
        gate.Evaluate(Scope("""{"metadata":{"labels":{"team":"a"}},"spec":{"environment":"dev","replicas":3,"min":2}}""")).ShouldBeTrue();
        gate.Evaluate(Scope("""{"metadata":{"labels":{"team":"a"}},"spec":{"environment":"production","replicas":3,"min":2}}""")).ShouldBeFalse();
        gate.Evaluate(Scope("""{"metadata":{},"spec":{"environment":"dev","replicas":3,"min":2,"tier":"gold"}}""")).ShouldBeFalse("or: no label and tier in the list (negated)");
        gate.Evaluate(Scope("""{"metadata":{},"spec":{"environment":"dev","replicas":3,"min":2,"tier":"bronze"}}""")).ShouldBeTrue();
    }

    [Test]
    public void User_functions_are_layered_over_the_standard_library()
    {
        var yaml = TestKatalogs.WithCrd("""
            operatorBox:
              status:
                fields:
                  - path: image
                    value: "{{ fullImage }}"
            """) + "\nnotes:\n  functions:\n    - name: fullImage\n      description: image with tag\n      expression: '{{ .spec.image }}:{{ .spec.tag | default \"latest\" }}'\n";
        var result = KatalogCompiler.CompileText(yaml, "katalog.yaml", TestKatalogs.TestData);
        result.Diagnostics.ShouldBeEmpty();
        var field = result.Katalogs.Single().Operators.Single().Status.Fields.Single();
        field.Value.Render(Scope("""{"spec":{"image":"nginx"}}"""))!.GetValue<string>().ShouldBe("nginx:latest");
    }

    [Test]
    public void User_function_errors_are_located_in_the_expression()
    {
        var yaml = TestKatalogs.WithCrd("operatorBox: {}") + "\nnotes:\n  functions:\n    - name: bad\n      expression: '{{ .spec.x | nosuch }}'\n    - name: default\n      expression: x\n";
        var lines = TestKatalogs.Diagnose(yaml);
        lines.ShouldContain(l => l.StartsWith("katalog.yaml:17:33: error: notes.functions 'bad': function \"nosuch\" not defined", StringComparison.Ordinal), string.Join("\n", lines));
        lines.ShouldContain(l => l.StartsWith("katalog.yaml:18:13: error: notes.functions 'default': ", StringComparison.Ordinal) && l.Contains("shadow", StringComparison.Ordinal));
    }

    [Test]
    public void Identical_template_texts_compile_once()
    {
        var op = CompileOne("""
            operatorBox:
              onCreate:
                configMaps:
                  - name: "{{ .metadata.name }}"
                  - name: "{{ .metadata.name }}"
            """);
        var a = (op.OnCreate!.Children[0].Body as CompiledMap)!.Entries[0].Value;
        var b = (op.OnCreate!.Children[1].Body as CompiledMap)!.Entries[0].Value;
        ((CompiledTemplateNode)a).Template.ShouldBeSameAs(((CompiledTemplateNode)b).Template);
    }

    [Test]
    public void Effective_settings_come_from_aliases_and_defaults()
    {
        var result = KatalogCompiler.CompileFiles([Path.Combine(TestKatalogs.TestData, "aliases", "katalog.yaml")]);
        result.HasErrors.ShouldBeFalse();
        var web = result.Katalogs.Single().Find("web")!;
        web.Reconciler.Workers.ShouldBe(4);
        web.Reconciler.Resync.ShouldBe(TimeSpan.FromMinutes(10));
        web.Reconciler.Queue.Type.ShouldBe(Model.QueueType.Delayed);
        web.Reconciler.Queue.RetryBackoff!.Initial.ShouldBe(TimeSpan.FromSeconds(5));
        web.Finalizers.ShouldBe(["demo.example.com/cleanup"]);
        web.Requeue!.Gate.Or.Single().Operator.ShouldBe(Orkestra.Katalog.Conditions.ConditionOperator.Equals);
        var watcher = result.Katalogs.Single().Find("watcher")!;
        watcher.ApiTypes.ApiVersion.ShouldBe("apps/v1");
        watcher.ApiTypes.Plural.ShouldBe("deployments");
        watcher.Settings.Namespaced.ShouldBeTrue();
        watcher.Reconciler.Queue.RetryBackoff.ShouldBe(new Model.RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), 2, 5));
    }

    [Test]
    public void Apitypes_are_inferred_from_the_crd_file()
    {
        var result = KatalogCompiler.CompileFiles([Path.Combine(TestKatalogs.TestData, "seed-shapes", "katalog.yaml")]);
        result.HasErrors.ShouldBeFalse(string.Join("\n", result.Diagnostics));
        var website = result.Katalogs.Single().Find("website")!;
        website.ApiTypes.ShouldBe(website.ApiTypes with { Group = "demo.orkestra.io", Version = "v1alpha1", Kind = "Website", Plural = "websites" });
        website.Reconciler.Workers.ShouldBe(3);
        website.Settings.CrFiles.Single().ShouldEndWith(Path.Combine("seed-shapes", "examples", "website-sample.yaml"));
        website.Settings.Setup.Single().ShouldEndWith(Path.Combine("seed-shapes", "rbac", "namespace.yaml"));
        result.Katalogs.Single().Find("app")!.Settings.DependsOn.Single().ShouldBe("database");
    }

    [Test]
    public void The_reconciler_switches_are_resolved_into_the_compiled_settings()
    {
        var op = CompileOne("""
            forceConflict: false
            removeFinalizers: true
            ignoreStatusPatch: true
            crossAccess: true
            namespace: team-a
            restrictedNamespaces: [kube-system]
            labelSelector:
              tier: web
            webhooks:
              validation: false
              operations: [CREATE]
            """);

        op.Settings.ShouldSatisfyAllConditions(
            s => s.ForceConflict.ShouldBeFalse(),
            s => s.RemoveFinalizers.ShouldBeTrue(),
            s => s.IgnoreStatusPatch.ShouldBeTrue(),
            s => s.CrossAccess.ShouldBeTrue(),
            s => s.IgnoreObservedGeneration.ShouldBeFalse(),
            s => s.Namespace.ShouldBe("team-a"),
            s => s.RestrictedNamespaces.ShouldBe(["kube-system"]),
            s => s.LabelSelector.ShouldBe(new Dictionary<string, string> { ["tier"] = "web" }),
            s => s.ValidationWebhook.ShouldBeFalse(),
            s => s.MutationWebhook.ShouldBeTrue(),
            s => s.WebhookOperations.ShouldBe(["CREATE"]),
            s => s.DefaultEndpoints.ShouldBeTrue());
        CompileOne("").Settings.ShouldSatisfyAllConditions( // Orkestra's defaults
            s => s.ForceConflict.ShouldBeTrue(),
            s => s.RemoveFinalizers.ShouldBeFalse(),
            s => s.IgnoreStatusPatch.ShouldBeFalse());
    }
}
