using System.Text.Json.Nodes;
using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Protocol;

/// <summary>Which handler a method, URL and subresource reach, and the codes kube answers for them.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class VerbRoutingTests
{
    const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    const string Deployments = "/apis/apps/v1/namespaces/default/deployments";
    const string Cm = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"v"}}""";
    const string Web = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2,
         "selector":{"matchLabels":{"app":"web"}},
         "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}
        """;

    [Test]
    public async Task A_dry_run_create_answers_201_Created_like_a_real_one_and_stores_nothing()
    {
        await using var sb = await TestSandbox.StartAsync();

        var (code, body, _) = await sb.PostAsync(ConfigMaps + "?dryRun=All", Cm);

        code.ShouldBe(201);
        body!["metadata"]!["name"]!.GetValue<string>().ShouldBe("a");
        body["data"]!["k"]!.GetValue<string>().ShouldBe("v");
        (await sb.GetAsync(ConfigMaps + "/a")).Code.ShouldBe(404);
        (await sb.PostAsync(ConfigMaps, Cm)).Code.ShouldBe(201);
    }

    [Test]
    public async Task Dry_run_update_and_delete_answer_as_real_ones_and_change_nothing()
    {
        await using var sb = await TestSandbox.StartAsync();
        (await sb.PostAsync(ConfigMaps, Cm)).Code.ShouldBe(201);

        var changed = Cm.Replace("\"v\"", "\"changed\"", StringComparison.Ordinal);
        var (update, updated, _) = await sb.SendAsync(HttpMethod.Put, ConfigMaps + "/a?dryRun=All", changed);
        var (delete, _, _) = await sb.SendAsync(HttpMethod.Delete, ConfigMaps + "/a?dryRun=All");

        update.ShouldBe(200);
        updated!["data"]!["k"]!.GetValue<string>().ShouldBe("changed");
        delete.ShouldBe(200);
        var (get, stored, _) = await sb.GetAsync(ConfigMaps + "/a");
        get.ShouldBe(200);
        stored!["data"]!["k"]!.GetValue<string>().ShouldBe("v");
    }

    [TestCase("POST", ConfigMaps + "/a")]
    [TestCase("DELETE", Deployments + "/web/status")]
    [TestCase("DELETE", Deployments + "/web/scale")]
    [TestCase("GET", "/api/v1/namespaces/default/finalize")]
    public async Task A_verb_the_url_does_not_serve_answers_405_MethodNotAllowed(string method, string path)
    {
        await using var sb = await TestSandbox.StartAsync();
        (await sb.PostAsync(ConfigMaps, Cm)).Code.ShouldBe(201);
        (await sb.PostAsync(Deployments, Web)).Code.ShouldBe(201);

        var (code, body, _) = await sb.SendAsync(new HttpMethod(method), path, method == "POST" ? Cm : null);

        code.ShouldBe(405);
        body!["reason"]!.GetValue<string>().ShouldBe("MethodNotAllowed");
        body["message"]!.GetValue<string>().ShouldBe("the server does not allow this method on the requested resource");
    }

    [TestCase(ConfigMaps + "/a/status")]
    [TestCase(ConfigMaps + "/a/scale")]
    [TestCase(Deployments + "/web/nope")]
    public async Task A_subresource_the_kind_does_not_have_is_404(string path)
    {
        await using var sb = await TestSandbox.StartAsync();
        (await sb.PostAsync(ConfigMaps, Cm)).Code.ShouldBe(201);
        (await sb.PostAsync(Deployments, Web)).Code.ShouldBe(201);

        var (code, body, _) = await sb.GetAsync(path);

        code.ShouldBe(404);
        body!["message"]!.GetValue<string>().ShouldBe("the server could not find the requested resource");
    }

    [Test]
    public async Task The_scale_subresource_reads_replaces_and_patches_a_Scale()
    {
        await using var sb = await TestSandbox.StartAsync();
        (await sb.PostAsync(Deployments, Web)).Code.ShouldBe(201);

        var (get, scale, _) = await sb.GetAsync(Deployments + "/web/scale");
        get.ShouldBe(200);
        scale!["kind"]!.GetValue<string>().ShouldBe("Scale");
        scale["apiVersion"]!.GetValue<string>().ShouldBe("autoscaling/v1");
        scale["spec"]!["replicas"]!.GetValue<long>().ShouldBe(2);

        scale["spec"]!["replicas"] = 3;
        // Unconditional: the Deployment simulator may write status (a new RV) between the GET and the PUT.
        scale["metadata"]!.AsObject().Remove("resourceVersion");
        var (put, replaced, _) = await sb.SendAsync(HttpMethod.Put, Deployments + "/web/scale", scale.ToJsonString());
        put.ShouldBe(200);
        replaced!["kind"]!.GetValue<string>().ShouldBe("Scale");
        replaced["spec"]!["replicas"]!.GetValue<long>().ShouldBe(3);

        var (patch, patched, _) = await sb.SendAsync(HttpMethod.Patch, Deployments + "/web/scale",
            """{"spec":{"replicas":4}}""", "application/merge-patch+json");
        patch.ShouldBe(200);
        patched!["kind"]!.GetValue<string>().ShouldBe("Scale");
        patched["spec"]!["replicas"]!.GetValue<long>().ShouldBe(4);

        var (_, deployment, _) = await sb.GetAsync(Deployments + "/web");
        deployment!["spec"]!["replicas"]!.GetValue<long>().ShouldBe(4);
    }
}
