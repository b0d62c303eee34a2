using System.Net;
using Orkestra.Kube.Client;
using Orkestra.Kube.Tests.Support;

namespace Orkestra.Kube.Tests.Client;

public sealed class RestMapperTests
{
    const string AppsV1 = """
        {"kind":"APIResourceList","groupVersion":"apps/v1","resources":[
          {"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment","verbs":["get","list"]},
          {"name":"deployments/status","singularName":"","namespaced":true,"kind":"Deployment","verbs":["get"]},
          {"name":"deployments/scale","singularName":"","namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale","verbs":["get"]}]}
        """;
    const string CoreV1 = """{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"namespaces","namespaced":false,"kind":"Namespace"}]}""";
    const string WidgetsEmpty = """{"kind":"APIResourceList","groupVersion":"example.com/v1","resources":[]}""";
    const string Widgets = """{"kind":"APIResourceList","groupVersion":"example.com/v1","resources":[{"name":"widgets","namespaced":true,"kind":"Widget"}]}""";

    [Test]
    public async Task Maps_kinds_from_the_group_versions_discovery_and_caches_them()
    {
        var network = new ScriptedHandler().Then(HttpStatusCode.OK, AppsV1).Then(HttpStatusCode.OK, CoreV1);
        var mapper = Fakes.Connection(network).CreateRestMapper();

        var deployment = await mapper.MapAsync(new GroupVersionKind("apps", "v1", "Deployment"), Fakes.Timeout());
        var again = await mapper.MapAsync(new GroupVersionKind("apps", "v1", "Deployment"), Fakes.Timeout());
        var ns = await mapper.MapAsync(new GroupVersionKind("", "v1", "Namespace"), Fakes.Timeout());

        deployment.Resource.ShouldBe(new GroupVersionResource("apps", "v1", "deployments"));
        deployment.Namespaced.ShouldBeTrue();
        again.ShouldBeSameAs(deployment);
        ns.Resource.ShouldBe(new GroupVersionResource("", "v1", "namespaces"));
        ns.Namespaced.ShouldBeFalse();
        network.Requests.Select(r => r.PathAndQuery).ShouldBe(["/apis/apps/v1", "/api/v1"]);
    }

    [Test]
    public async Task A_kind_missing_from_the_cache_refreshes_its_group_version_so_a_late_CRD_is_found()
    {
        var network = new ScriptedHandler()
            .Then(HttpStatusCode.NotFound, ScriptedHandler.Status(404, "NotFound", "the server could not find the requested resource"))
            .Then(HttpStatusCode.OK, WidgetsEmpty)
            .Then(HttpStatusCode.OK, Widgets);
        var mapper = Fakes.Connection(network).CreateRestMapper();
        var widget = new GroupVersionKind("example.com", "v1", "Widget");

        var absent = await Should.ThrowAsync<KubeApiException>(() => mapper.MapAsync(widget, Fakes.Timeout()));
        absent.IsNotFound.ShouldBeTrue();
        absent.Message.ShouldContain("is its CustomResourceDefinition installed?");
        (await Should.ThrowAsync<KubeApiException>(() => mapper.MapAsync(widget, Fakes.Timeout()))).IsNotFound.ShouldBeTrue();

        (await mapper.MapAsync(widget, Fakes.Timeout())).Resource.Resource.ShouldBe("widgets");
        network.Requests.Count.ShouldBe(3);
    }
}
