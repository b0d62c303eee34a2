using System.Text.Json.Nodes;
using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Schema;

/// <summary>Pruning, defaulting and validation of custom resources against their CRD schema (spec §7.3), seen by kubectl and over HTTP.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class CustomResourceSchemaTests
{
    const string WebsiteCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: websites.example.com
        spec:
          group: example.com
          scope: Namespaced
          names: {plural: websites, singular: website, kind: Website}
          versions:
          - name: v1
            served: true
            storage: true
            subresources: {status: {}}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [url]
                    properties:
                      url: {type: string, pattern: '^https?://'}
                      replicas: {type: integer, minimum: 1, maximum: 10, default: 2}
                      mode: {type: string, enum: [static, dynamic], default: static}
                      tags: {type: array, x-kubernetes-list-type: set, items: {type: string}}
                      extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
                  status:
                    type: object
                    properties:
                      phase: {type: string, enum: [Pending, Ready]}
        """;

    const string Collection = "/apis/example.com/v1/namespaces/default/websites";

    static async Task<TestSandbox> StartWithCrdAsync()
    {
        var sb = await TestSandbox.StartAsync();
        var result = await sb.KubectlAsync($"apply -f {sb.WriteFile("crd.yaml", WebsiteCrd)}");
        result.ExitCode.ShouldBe(0, result.ToString());
        return sb;
    }

    static string Site(string name, string spec) => $"apiVersion: example.com/v1\nkind: Website\nmetadata: {{name: {name}}}\nspec: {spec}\n";

    [Test]
    public async Task Kubectl_strict_validation_rejects_unknown_fields_with_the_exact_error()
    {
        await using var sb = await StartWithCrdAsync();
        var file = sb.WriteFile("w.yaml", Site("w1", "{url: 'https://a.example', foo: 1, extra: {free: 1}}"));
        var strict = await sb.KubectlAsync($"apply -f {file}");
        strict.ExitCode.ShouldBe(1);
        strict.Stderr.Trim().ShouldBe($"Error from server (BadRequest): error when creating \"{file}\": Website in version \"v1\" cannot be handled as a Website: strict decoding error: unknown field \"spec.foo\"");
        (await sb.KubectlAsync("get website w1")).Stderr.ShouldContain("NotFound");

        // an existing object: kubectl apply sends a merge patch, strictly validated the same way
        var valid = await sb.KubectlAsync($"apply -f {sb.WriteFile("ok.yaml", Site("w1", "{url: 'https://a.example'}"))}");
        valid.ExitCode.ShouldBe(0, valid.ToString());
        var patched = await sb.KubectlAsync($"apply -f {file}");
        patched.ExitCode.ShouldBe(1);
        patched.Stderr.ShouldContain($"error when patching \"{file}\": Website in version \"v1\" cannot be handled as a Website: strict decoding error: unknown field \"spec.foo\"");
    }

    [Test]
    public async Task Kubectl_without_validation_prunes_silently_and_warn_reports_each_field()
    {
        await using var sb = await StartWithCrdAsync();
        var quiet = await sb.KubectlAsync($"apply --validate=false -f {sb.WriteFile("a.yaml", Site("quiet", "{url: 'https://a.example', foo: 1, extra: {free: 1}}"))}");
        quiet.ExitCode.ShouldBe(0, quiet.ToString());
        quiet.Stderr.ShouldBeEmpty();
        var json = JsonNode.Parse((await sb.KubectlAsync("get website quiet -o json")).Stdout)!;
        json["spec"]!["foo"].ShouldBeNull();
        json["spec"]!["extra"]!["free"]!.GetValue<int>().ShouldBe(1);

        var warned = await sb.KubectlAsync($"apply --validate=warn -f {sb.WriteFile("b.yaml", Site("loud", "{url: 'https://a.example', foo: 1, bar: {x: 1}}"))}");
        warned.ExitCode.ShouldBe(0, warned.ToString());
        warned.Stderr.ShouldContain("Warning: unknown field \"spec.bar\"");
        warned.Stderr.ShouldContain("Warning: unknown field \"spec.foo\"");
    }

    [Test]
    public async Task Kubectl_prints_the_exact_invalid_text_for_bounds_and_required_fields()
    {
        await using var sb = await StartWithCrdAsync();
        var tooMany = await sb.KubectlAsync($"apply -f {sb.WriteFile("x.yaml", Site("x", "{url: 'https://a.example', replicas: 15}"))}");
        tooMany.ExitCode.ShouldBe(1);
        tooMany.Stderr.Trim().ShouldBe("The Website \"x\" is invalid: spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to 10");

        var several = await sb.KubectlAsync($"create -f {sb.WriteFile("y.yaml", Site("bad", "{replicas: 0, mode: fancy, tags: [a, a]}"))}");
        several.ExitCode.ShouldBe(1);
        several.Stderr.Trim().ShouldBe("""
            The Website "bad" is invalid: 
            * spec.mode: Unsupported value: "fancy": supported values: "static", "dynamic"
            * spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1
            * spec.url: Required value
            * spec.tags[1]: Duplicate value: "a"
            """.Replace("\r\n", "\n"));
    }

    [Test]
    public async Task Defaults_are_stored_and_visible_in_kubectl_get()
    {
        await using var sb = await StartWithCrdAsync();
        var created = await sb.KubectlAsync($"apply -f {sb.WriteFile("w.yaml", Site("d", "{url: 'https://a.example', replicas: null}"))}");
        created.ExitCode.ShouldBe(0, created.ToString());
        var spec = JsonNode.Parse((await sb.KubectlAsync("get website d -o json")).Stdout)!["spec"]!;
        spec["replicas"]!.GetValue<int>().ShouldBe(2);
        spec["mode"]!.GetValue<string>().ShouldBe("static");
    }

    [Test]
    public async Task Every_write_path_is_checked_and_status_against_the_status_schema()
    {
        await using var sb = await StartWithCrdAsync();
        var (code, body, _) = await sb.PostAsync(Collection, """{"apiVersion":"example.com/v1","kind":"Website","metadata":{"name":"w"},"spec":{"url":"https://a.example"}}""");
        code.ShouldBe(201, body?.ToJsonString());
        var rv = body!["metadata"]!["resourceVersion"]!.GetValue<string>();

        // PUT
        (code, body, _) = await sb.SendAsync(HttpMethod.Put, $"{Collection}/w",
            """{"apiVersion":"example.com/v1","kind":"Website","metadata":{"name":"w","resourceVersion":"RV"},"spec":{"url":"ftp://nope"}}""".Replace("RV", rv, StringComparison.Ordinal));
        code.ShouldBe(422);
        body!["message"]!.GetValue<string>().ShouldBe("Website.example.com \"w\" is invalid: spec.url: Invalid value: \"ftp://nope\": spec.url in body should match '^https?://'");
        var cause = body["details"]!["causes"]![0]!;
        cause["reason"]!.GetValue<string>().ShouldBe("FieldValueInvalid");
        cause["field"]!.GetValue<string>().ShouldBe("spec.url");
        body["details"]!["kind"]!.GetValue<string>().ShouldBe("Website");

        // merge patch and JSON patch
        (code, body, _) = await sb.SendAsync(HttpMethod.Patch, $"{Collection}/w", """{"spec":{"replicas":"many"}}""", "application/merge-patch+json");
        code.ShouldBe(422);
        body!["details"]!["causes"]![0]!["reason"]!.GetValue<string>().ShouldBe("FieldValueTypeInvalid");
        (code, body, _) = await sb.SendAsync(HttpMethod.Patch, $"{Collection}/w", """[{"op":"remove","path":"/spec/url"}]""", "application/json-patch+json");
        code.ShouldBe(422);
        body!["message"]!.GetValue<string>().ShouldBe("Website.example.com \"w\" is invalid: spec.url: Required value");

        // /status: validated against the status schema; a valid phase is accepted
        (code, body, _) = await sb.SendAsync(HttpMethod.Patch, $"{Collection}/w/status", """{"status":{"phase":"Lost"}}""", "application/merge-patch+json");
        code.ShouldBe(422);
        body!["message"]!.GetValue<string>().ShouldBe("Website.example.com \"w\" is invalid: status.phase: Unsupported value: \"Lost\": supported values: \"Pending\", \"Ready\"");
        (code, body, _) = await sb.SendAsync(HttpMethod.Patch, $"{Collection}/w/status?fieldValidation=Strict", """{"status":{"phase":"Ready","color":"red"}}""", "application/merge-patch+json");
        code.ShouldBe(400);
        body!["message"]!.GetValue<string>().ShouldBe("Website in version \"v1\" cannot be handled as a Website: strict decoding error: unknown field \"status.color\"");
        (code, body, _) = await sb.SendAsync(HttpMethod.Patch, $"{Collection}/w/status", """{"status":{"phase":"Ready"}}""", "application/merge-patch+json");
        code.ShouldBe(200, body?.ToJsonString());
        body!["status"]!["phase"]!.GetValue<string>().ShouldBe("Ready");
    }

    [Test]
    public async Task Warn_is_the_default_and_sends_one_warning_header_per_pruned_field()
    {
        await using var sb = await StartWithCrdAsync();
        var (code, body, response) = await sb.PostAsync(Collection, """{"apiVersion":"example.com/v1","kind":"Website","metadata":{"name":"w","bogus":true},"spec":{"url":"https://a.example","zz":1,"aa":2}}""");
        code.ShouldBe(201);
        response.Headers.GetValues("Warning").ShouldBe(["299 - \"unknown field \\\"metadata.bogus\\\"\"", "299 - \"unknown field \\\"spec.aa\\\"\"", "299 - \"unknown field \\\"spec.zz\\\"\""]);
        JsonNode.DeepEquals(body!["spec"], JsonNode.Parse("""{"url":"https://a.example","replicas":2,"mode":"static"}""")).ShouldBeTrue(body["spec"]!.ToJsonString());
        body["metadata"]!["bogus"].ShouldBeNull();

        (code, _, response) = await sb.PostAsync($"{Collection}?fieldValidation=Ignore", """{"apiVersion":"example.com/v1","kind":"Website","metadata":{"name":"v"},"spec":{"url":"https://a.example","zz":1}}""");
        code.ShouldBe(201);
        response.Headers.Contains("Warning").ShouldBeFalse();
    }

    [Test]
    public async Task After_a_schema_change_stored_objects_are_read_back_pruned_and_defaulted()
    {
        await using var sb = await StartWithCrdAsync();
        var (code, _, _) = await sb.PostAsync(Collection, """{"apiVersion":"example.com/v1","kind":"Website","metadata":{"name":"old"},"spec":{"url":"https://a.example","tags":["x"]}}""");
        code.ShouldBe(201);
        var changed = WebsiteCrd
            .Replace("tags: {type: array, x-kubernetes-list-type: set, items: {type: string}}", "tier: {type: string, default: gold}", StringComparison.Ordinal);
        var apply = await sb.KubectlAsync($"apply -f {sb.WriteFile("crd2.yaml", changed)}");
        apply.ExitCode.ShouldBe(0, apply.ToString());

        var (_, got, _) = await sb.GetAsync($"{Collection}/old");
        var spec = got!["spec"]!.AsObject();
        spec.Select(p => p.Key).Order(StringComparer.Ordinal).ShouldBe(["mode", "replicas", "tier", "url"]); // tags pruned
        spec["tier"]!.GetValue<string>().ShouldBe("gold");
        var (_, list, _) = await sb.GetAsync(Collection);
        list!["items"]![0]!["spec"]!["tier"]!.GetValue<string>().ShouldBe("gold");
    }

    [Test]
    public async Task A_crd_with_an_invalid_pattern_or_default_is_rejected()
    {
        await using var sb = await TestSandbox.StartAsync();
        var result = await sb.KubectlAsync($"apply -f {sb.WriteFile("crd.yaml", WebsiteCrd.Replace("'^https?://'", "'(unclosed'", StringComparison.Ordinal))}");
        result.ExitCode.ShouldBe(1);
        result.Stderr.ShouldStartWith("The CustomResourceDefinition \"websites.example.com\" is invalid: spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[url].pattern: Invalid value: \"(unclosed\": must be a valid regular expression, but isn't: ");

        var badDefault = await sb.KubectlAsync($"apply -f {sb.WriteFile("crd2.yaml", WebsiteCrd.Replace("maximum: 10, default: 2", "maximum: 10, default: 20", StringComparison.Ordinal))}");
        badDefault.ExitCode.ShouldBe(1);
        badDefault.Stderr.Trim().ShouldBe("The CustomResourceDefinition \"websites.example.com\" is invalid: spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[replicas].default: Invalid value: 20: in body should be less than or equal to 10");
    }
}
