using System.Text.Json.Nodes;
using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Kubectl;

/// <summary>Server-side apply and managed fields with real kubectl and raw HTTP (spec §5.4).</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ServerSideApplyTests
{
    const string ConfigMap = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          labels: {app: demo}
        data:
          color: blue
          size: large
        """;

    const string Deployment = Manifests.Deployment + "\n        ports:\n        - containerPort: 80";

    static async Task<KubectlResult> Ok(TestSandbox sb, string args)
    {
        var result = await sb.KubectlAsync(args);
        result.ExitCode.ShouldBe(0, result.ToString());
        return result;
    }

    static async Task<JsonObject> GetJson(TestSandbox sb, string what) =>
        JsonNode.Parse((await Ok(sb, $"get {what} -o json --show-managed-fields")).Stdout)!.AsObject();

    [Test]
    public async Task Kubectl_server_side_apply_creates_changes_and_removes_fields_it_stopped_applying()
    {
        await using var sb = await TestSandbox.StartAsync();
        var file = sb.WriteFile("cm.yaml", ConfigMap);
        (await Ok(sb, $"apply --server-side -f {file}")).Stdout.Trim().ShouldBe("configmap/settings serverside-applied");
        sb.WriteFile("cm.yaml", ConfigMap.Replace("blue", "green", StringComparison.Ordinal).Replace("\n  size: large", "", StringComparison.Ordinal));
        (await Ok(sb, $"apply --server-side -f {file}")).Stdout.Trim().ShouldBe("configmap/settings serverside-applied");
        var cm = await GetJson(sb, "cm settings");
        cm["data"]!.ToJsonString().ShouldBe("""{"color":"green"}""");
        var entry = cm["metadata"]!["managedFields"]!.AsArray().Single()!.AsObject();
        entry["manager"]!.GetValue<string>().ShouldBe("kubectl");
        entry["operation"]!.GetValue<string>().ShouldBe("Apply");
        entry["apiVersion"]!.GetValue<string>().ShouldBe("v1");
        entry["fieldsType"]!.GetValue<string>().ShouldBe("FieldsV1");
        entry["time"]!.GetValue<string>().ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$");
        entry["fieldsV1"]!.ToJsonString().ShouldBe("""{"f:data":{"f:color":{}},"f:metadata":{"f:labels":{"f:app":{}}}}""");
    }

    [Test]
    public async Task Conflicting_field_manager_gets_kubes_error_and_force_conflicts_takes_the_field()
    {
        await using var sb = await TestSandbox.StartAsync();
        var file = sb.WriteFile("cm.yaml", ConfigMap);
        await Ok(sb, $"apply --server-side -f {file}");
        var other = sb.WriteFile("other.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {color: red}\n");
        var conflict = await sb.KubectlAsync($"apply --server-side --field-manager=ops -f {other}");
        conflict.ExitCode.ShouldBe(1, conflict.ToString());
        conflict.Stderr.ShouldStartWith("error: Apply failed with 1 conflict: conflict with \"kubectl\": .data.color\nPlease review the fields above--they currently have other managers.");
        (await Ok(sb, "get cm settings -o jsonpath={.data.color}")).Stdout.ShouldBe("blue");

        (await Ok(sb, $"apply --server-side --field-manager=ops --force-conflicts -f {other}")).Stdout.Trim().ShouldBe("configmap/settings serverside-applied");
        var cm = await GetJson(sb, "cm settings");
        cm["data"]!["color"]!.GetValue<string>().ShouldBe("red");
        var managers = cm["metadata"]!["managedFields"]!.AsArray().ToDictionary(e => e!["manager"]!.GetValue<string>(), e => e!["fieldsV1"]!.ToJsonString());
        managers["ops"].ShouldBe("""{"f:data":{"f:color":{}}}""");
        managers["kubectl"].ShouldBe("""{"f:data":{"f:size":{}},"f:metadata":{"f:labels":{"f:app":{}}}}""");
    }

    [Test]
    public async Task No_op_apply_keeps_the_resource_version_and_emits_no_watch_event()
    {
        await using var sb = await TestSandbox.StartAsync();
        var file = sb.WriteFile("d.yaml", Deployment);
        await Ok(sb, $"apply --server-side -f {file}");
        var before = await GetJson(sb, "deploy web");
        var rv = before["metadata"]!["resourceVersion"]!.GetValue<string>();
        // The simulator writes status after the create; wait until it is done so only our apply could change the RV.
        await TestSandbox.EventuallyAsync(async () => (await sb.KubectlAsync("get deploy web -o jsonpath={.status.availableReplicas}")).Stdout == "2", "deployment available");
        rv = (await GetJson(sb, "deploy web"))["metadata"]!["resourceVersion"]!.GetValue<string>();
        await Ok(sb, $"apply --server-side -f {file}");
        var after = await GetJson(sb, "deploy web");
        after["metadata"]!["resourceVersion"]!.GetValue<string>().ShouldBe(rv);
        var (code, watch, _) = await sb.GetAsync($"/apis/apps/v1/namespaces/default/deployments?watch=true&resourceVersion={rv}&timeoutSeconds=1");
        code.ShouldBe(200);
        watch.ShouldBeNull();
    }

    [Test]
    public async Task Deployment_apply_owns_containers_by_name_and_ports_by_port_and_protocol()
    {
        await using var sb = await TestSandbox.StartAsync();
        var file = sb.WriteFile("d.yaml", Deployment);
        (await Ok(sb, $"apply --server-side -f {file}")).Stdout.Trim().ShouldBe("deployment.apps/web serverside-applied");
        var d = await GetJson(sb, "deploy web");
        var apply = d["metadata"]!["managedFields"]!.AsArray().Single(e => e!["operation"]!.GetValue<string>() == "Apply")!;
        apply["fieldsV1"]!["f:spec"]!["f:template"]!["f:spec"]!["f:containers"]!.ToJsonString()
            .ShouldBe("""{"k:{\u0022name\u0022:\u0022web\u0022}":{".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\u0022containerPort\u0022:80,\u0022protocol\u0022:\u0022TCP\u0022}":{".":{},"f:containerPort":{}}}}}""");
        // The simulator's status writes are recorded as an Update on the status subresource.
        await TestSandbox.EventuallyAsync(async () => (await GetJson(sb, "deploy web"))["metadata"]!["managedFields"]!.AsArray()
            .Any(e => e!["subresource"]?.GetValue<string>() == "status"), "status manager entry");
    }

    [Test]
    public async Task Raw_apply_validates_manager_force_body_and_creates_with_201()
    {
        await using var sb = await TestSandbox.StartAsync();
        const string path = "/api/v1/namespaces/default/configmaps/c1";
        const string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\ndata:\n  a: \"1\"\n  b: yes\n";
        var (noManager, status, _) = await sb.SendAsync(HttpMethod.Patch, path, yaml, "application/apply-patch+yaml");
        noManager.ShouldBe(422);
        status!["message"]!.GetValue<string>().ShouldBe("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");

        var (created, obj, _) = await sb.SendAsync(HttpMethod.Patch, path + "?fieldManager=orkestra&force=true", yaml, "application/apply-patch+yaml");
        created.ShouldBe(201, obj?.ToJsonString());
        obj!["data"]!.ToJsonString().ShouldBe("""{"a":"1","b":true}""");
        // The C# client appends a charset parameter.
        using var again = new HttpRequestMessage(HttpMethod.Patch, path + "?fieldManager=orkestra&force=true") { Content = new StringContent(yaml) };
        again.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/apply-patch+yaml; charset=utf-8");
        (await sb.Http.SendAsync(again)).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);

        var (withManaged, bad, _) = await sb.SendAsync(HttpMethod.Patch, path + "?fieldManager=x",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1","managedFields":[]}}""", "application/apply-patch+yaml");
        withManaged.ShouldBe(400);
        bad!["message"]!.GetValue<string>().ShouldBe("metadata.managedFields must be nil");
        var (wrongVersion, bad2, _) = await sb.SendAsync(HttpMethod.Patch, path + "?fieldManager=x",
            """{"apiVersion":"v2","kind":"ConfigMap","metadata":{"name":"c1"}}""", "application/apply-patch+yaml");
        wrongVersion.ShouldBe(400);
        bad2!["message"]!.GetValue<string>().ShouldBe("Incorrect version specified in apply patch. Specified patch version: v2, expected: v1");
        var (wrongName, bad3, _) = await sb.SendAsync(HttpMethod.Patch, path + "?fieldManager=x",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c2"}}""", "application/apply-patch+yaml");
        wrongName.ShouldBe(400);
        bad3!["message"]!.GetValue<string>().ShouldBe("the name of the object (c2) does not match the name on the URL (c1)");
        var (force, bad4, _) = await sb.SendAsync(HttpMethod.Patch, path + "?force=true", """{"data":{"a":"2"}}""", "application/merge-patch+json");
        force.ShouldBe(422);
        bad4!["message"]!.GetValue<string>().ShouldContain("force: Forbidden: may not be specified for non-apply patch");
        var (missingNs, _, _) = await sb.SendAsync(HttpMethod.Patch, "/api/v1/namespaces/nope/configmaps/c1?fieldManager=x",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1"}}""", "application/apply-patch+yaml");
        missingNs.ShouldBe(404);
    }

    [Test]
    public async Task Raw_conflict_status_has_FieldManagerConflict_causes_and_dry_run_writes_nothing()
    {
        await using var sb = await TestSandbox.StartAsync();
        const string path = "/api/v1/namespaces/default/configmaps/c1";
        (await sb.SendAsync(HttpMethod.Patch, path + "?fieldManager=a", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1"},"data":{"x":"1","y":"1"}}""", "application/apply-patch+yaml")).Code.ShouldBe(201);
        var (code, status, _) = await sb.SendAsync(HttpMethod.Patch, path + "?fieldManager=b", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1"},"data":{"x":"2","y":"2"}}""", "application/apply-patch+yaml");
        code.ShouldBe(409);
        status!["reason"]!.GetValue<string>().ShouldBe("Conflict");
        status["message"]!.GetValue<string>().ShouldBe("Apply failed with 2 conflicts: conflicts with \"a\":\n- .data.x\n- .data.y");
        status["details"]!.ToJsonString().ShouldBe("""{"causes":[{"reason":"FieldManagerConflict","message":"conflict with \u0022a\u0022","field":".data.x"},{"reason":"FieldManagerConflict","message":"conflict with \u0022a\u0022","field":".data.y"}]}""");

        var (dry, result, _) = await sb.SendAsync(HttpMethod.Patch, path + "?fieldManager=a&dryRun=All", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1"},"data":{"x":"9"}}""", "application/apply-patch+yaml");
        dry.ShouldBe(200);
        result!["data"]!.ToJsonString().ShouldBe("""{"x":"9"}""");
        (await sb.GetAsync(path)).Body!["data"]!.ToJsonString().ShouldBe("""{"x":"1","y":"1"}""");
    }

    [Test]
    public async Task Non_apply_writes_record_Update_ownership_with_manager_from_query_or_user_agent()
    {
        await using var sb = await TestSandbox.StartAsync();
        var file = sb.WriteFile("cm.yaml", ConfigMap);
        await Ok(sb, $"create -f {file}");
        await Ok(sb, """patch cm settings --type=merge -p '{"data":{"color":"red"}}'""");
        var cm = await GetJson(sb, "cm settings");
        var managers = cm["metadata"]!["managedFields"]!.AsArray().ToDictionary(e => e!["manager"]!.GetValue<string>(), e => e!.AsObject());
        managers["kubectl-create"]["operation"]!.GetValue<string>().ShouldBe("Update");
        managers["kubectl-create"]["fieldsV1"]!.ToJsonString().ShouldBe("""{"f:data":{"f:size":{}},"f:metadata":{"f:labels":{"f:app":{}}}}""");
        managers["kubectl-patch"]["fieldsV1"]!.ToJsonString().ShouldBe("""{"f:data":{"f:color":{}}}""");

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/namespaces/default/configmaps") { Content = new StringContent("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ua"},"data":{"k":"v"}}""", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.UserAgent.ParseAdd("my-operator/1.2 (linux)");
        (await sb.Http.SendAsync(request)).StatusCode.ShouldBe(System.Net.HttpStatusCode.Created);
        var ua = (await sb.GetAsync("/api/v1/namespaces/default/configmaps/ua")).Body!;
        ua["metadata"]!["managedFields"]![0]!["manager"]!.GetValue<string>().ShouldBe("my-operator");
    }
}
