using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.Runtime.Webhooks;
using static Orkestra.Runtime.Tests.Webhooks.WebhookKatalog;

namespace Orkestra.Runtime.Tests.Webhooks;

/// <summary><c>conversion.paths</c> applied to objects, and which endpoints a Katalog gets.</summary>
public sealed class ConverterAndPlanTests
{
    private static readonly Orkestra.Katalog.Compilation.CompiledOperator Op = Compile().Operators[0];

    private static Conversion Convert(string obj, string desired) =>
        Converter.Convert(Op, Op.Conversion!, JsonDocument.Parse(obj).RootElement.Clone(), desired, TimeProvider.System);

    [Test]
    public void Both_directions_render_the_declared_spec_and_keep_metadata_and_status()
    {
        var v1 = """
            {"apiVersion":"demo.orkestra.io/v1","kind":"Website","metadata":{"name":"web","namespace":"default","uid":"u"},
             "spec":{"image":"a","replicas":3,"old":1},"status":{"ready":true}}
            """;
        var up = Convert(v1, "demo.orkestra.io/v2");
        up.Failure.ShouldBeNull();
        (up.From, up.To).ShouldBe(("v1", "v2"));
        JsonNode.DeepEquals(up.Result, JsonNode.Parse("""
            {"apiVersion":"demo.orkestra.io/v2","kind":"Website","metadata":{"name":"web","namespace":"default","uid":"u"},
             "spec":{"image":"a","scale":{"replicas":3}},"status":{"ready":true}}
            """)).ShouldBeTrue(up.Result!.ToJsonString());

        var sparse = Convert("""{"apiVersion":"demo.orkestra.io/v1","kind":"Website","metadata":{"name":"web"},"spec":{"image":"a"}}""",
            "demo.orkestra.io/v2");
        sparse.Result!["spec"]!.ToJsonString().ShouldBe("""{"image":"a","scale":{}}""", "a template that finds nothing writes no null");

        var down = Convert(up.Result!.ToJsonString(), "demo.orkestra.io/v1");
        down.Result!["spec"]!.ToJsonString().ShouldBe("""{"image":"a","replicas":3}""", "what no path declares is not carried over");
        ((string?)down.Result["apiVersion"]).ShouldBe("demo.orkestra.io/v1");
    }

    [Test]
    public void Without_a_direct_path_the_storage_version_is_the_hub_and_the_same_version_is_unchanged()
    {
        var v2 = """
            {"apiVersion":"demo.orkestra.io/v2","kind":"Website","metadata":{"name":"web"},"spec":{"image":"a","scale":{"replicas":4}}}
            """;
        Convert(v2, "demo.orkestra.io/v2").Result!.ToJsonString().ShouldBe(JsonNode.Parse(v2)!.ToJsonString());
        var viaHub = Convert(v2, "demo.orkestra.io/v4");
        viaHub.Failure.ShouldBeNull("v2 → v1 (storageVersion) → v4");
        viaHub.Result!["spec"]!.ToJsonString().ShouldBe("""{"image":"a","total":4}""");
        Convert("""{"apiVersion":"demo.orkestra.io/v3","kind":"Website","metadata":{"name":"web"},"spec":{}}""", "demo.orkestra.io/v1")
            .Failure.ShouldBe("spec.crds.website.conversion declares no path from v3 to v1");
        Convert("""{"apiVersion":"demo.orkestra.io/v3","kind":"Website","metadata":{"name":"web"},"spec":{}}""", "demo.orkestra.io/v2")
            .Failure.ShouldBe("spec.crds.website.conversion declares no path from v3 to v2 (nor through v1)");
    }

    /// <summary>The converter writes the spec as it walks it (plain field paths copied from the object); the oracle is
    /// the render of the same path, entries without a value removed through maps.</summary>
    [TestCase("""{"n":2,"f":2.0,"g":1.5,"big":1e3,"s":"x","b":true,"list":[1,2.0,null,{"a":null}],"map":{"a":null,"b":{"c":null,"d":1}},"z":null}""")]
    [TestCase("""{"s":"only"}""")]
    [TestCase("""{"map":"not a map","list":{"a":1},"n":null}""")]
    public void The_written_conversion_equals_the_rendered_one(string spec)
    {
        var katalog = Compile(Text.Replace("""
                  - from: v1
                    to: v9
        """, """
                  - from: v1
                    to: v8
                    spec:
                      n: "{{ .spec.n }}"
                      f: "{{ .spec.f }}"
                      g: "{{ .spec.g }}"
                      big: "{{ .spec.big }}"
                      text: "n={{ .spec.n }} f={{ .spec.f }}"
                      s: "{{ $.spec.s }}"
                      b: "{{ .spec.b }}"
                      list: "{{ .spec.list }}"
                      map: "{{ .spec.map }}"
                      z: "{{ .spec.z }}"
                      missing: "{{ .spec.nothing.deeper }}"
                      external: "{{ .external.x }}"
                      literal: {one: 1, none: null, items: [1, null]}
                      nested: {copy: "{{ .spec.map }}", inList: ["{{ .spec.z }}", "{{ .spec.n }}"]}
                  - from: v1
                    to: v9
        """, StringComparison.Ordinal));
        var op = katalog.Operators[0];
        var obj = JsonDocument.Parse("""{"apiVersion":"demo.orkestra.io/v1","kind":"Website","metadata":{"name":"web"},"spec":"""
            + spec + ""","status":{"x":1}}""").RootElement;

        var written = Converter.Convert(op, op.Conversion!, obj, "demo.orkestra.io/v8", TimeProvider.System);

        written.Failure.ShouldBeNull();
        var path = op.Conversion!.Paths.Single(p => p.To == "v8");
        var rendered = path.Spec.Render(new Orkestra.Templating.RenderScope(
            Orkestra.Katalog.Rendering.TemplateData.ForObject(obj), TimeProvider.System))!.AsObject();
        WithoutNulls(rendered);
        JsonNode.DeepEquals(written.Result!["spec"], rendered).ShouldBeTrue($"written {written.Result!["spec"]!.ToJsonString()}\n" +
            $"rendered {rendered.ToJsonString()}");
        written.Result["status"]!.ToJsonString().ShouldBe("""{"x":1}""");
        ((string?)written.Result["apiVersion"]).ShouldBe("demo.orkestra.io/v8");
    }

    /// <summary>What the converter did before it wrote as it walked: null entries removed from maps, through maps only.</summary>
    private static void WithoutNulls(JsonObject map)
    {
        foreach (var key in map.Where(p => p.Value is null).Select(p => p.Key).ToArray()) map.Remove(key);
        foreach (var (_, value) in map)
        {
            if (value is JsonObject nested) WithoutNulls(nested);
        }
    }

    [Test]
    public void A_failing_template_and_a_wrong_group_fail_with_a_message_naming_the_path()
    {
        var failing = Convert("""
            {"apiVersion":"demo.orkestra.io/v1","kind":"Website","metadata":{"name":"web","namespace":"default"},"spec":{"tags":[]}}
            """, "demo.orkestra.io/v9");
        failing.Result.ShouldBeNull();
        failing.Failure!.ShouldStartWith("converting Website default/web from v1 to v9: spec.crds.website.conversion.paths (katalog.yaml:");
        failing.Failure.ShouldContain("index out of range: 5");

        Convert("""{"apiVersion":"other.io/v1","kind":"Website","metadata":{"name":"web"},"spec":{}}""", "demo.orkestra.io/v2")
            .Failure.ShouldBe("spec.crds.website converts Website.demo.orkestra.io, not Website other.io/v1");
        Convert("""{"apiVersion":"demo.orkestra.io/v1","kind":"Website","metadata":{"name":"web"},"spec":{}}""", "other.io/v2")
            .Failure.ShouldBe("spec.crds.website converts group demo.orkestra.io, not other.io");
    }

    [Test]
    public void Only_what_is_declared_and_switched_on_is_served()
    {
        Plan().Routes.Keys.Order(StringComparer.Ordinal).ShouldBe(
            ["/convert/website", "/deletion-protection/shop", "/mutate/website", "/namespace-protection/website", "/validate/website"]);

        var off = Text[..Text.IndexOf("security:", StringComparison.Ordinal)];
        var plan = Plan(off);
        plan.IsEmpty.ShouldBeTrue("no switch, no endpoint");
        plan.Notes.ShouldContain("spec.crds.website.validation runs at reconcile only (admission webhooks are off)");
        plan.Notes.ShouldContain("spec.crds.website.conversion is not served (security.conversion.enabled / ENABLE_CONVERSION is off)");

        Plan(off, new WebhookOptions { EnableAdmission = true, EnableConversion = true }).Routes.Keys.Order(StringComparer.Ordinal)
            .ShouldBe(["/convert/website", "/mutate/website", "/namespace-protection/website", "/validate/website"]);
    }

    [Test]
    public void Per_CRD_webhook_switches_and_operations_narrow_the_routes()
    {
        var plan = Plan(Text.Replace("restrictedNamespaces: [\"kube-*\"]",
            "restrictedNamespaces: [\"kube-*\"]\n      webhooks: {mutation: false, operations: [CREATE, UPDATE, DELETE]}",
            StringComparison.Ordinal));
        plan.Routes.ContainsKey("/mutate/website").ShouldBeFalse();
        plan.Routes["/validate/website"].Operations.ShouldBe(["CREATE", "UPDATE", "DELETE"]);
        plan.Routes["/validate/website"].WebhookName.ShouldBe("website.validate.orkestra.io");
    }

    [Test]
    public void Environment_switches_are_read_strictly()
    {
        var env = new Dictionary<string, string>
        {
            ["ENABLE_ADMISSION_WEBHOOK"] = "true", ["ENABLE_CONVERSION"] = "yes", ["TLS_CERT"] = "/c.pem",
        };
        var options = WebhookOptions.FromEnvironment(k => env.GetValueOrDefault(k), out var errors);
        options.EnableAdmission.ShouldBeTrue();
        errors.ShouldBe(["ENABLE_CONVERSION must be true or false, got \"yes\"", "TLS_CERT and TLS_KEY must be given together"]);
    }
}
