using Orkestra.Sandbox.Auth;

namespace Orkestra.Sandbox.Tests.Auth;

/// <summary>The 403 message text of a denied request, in each of kube's shapes.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ForbiddenMessageTests
{
    const string Sa = "system:serviceaccount:ns1:bot";

    [Test]
    public void Namespaced_list_names_resource_group_and_namespace() =>
        ForbiddenMessage.For(new(Sa, "list", "apps", "deployments", "", "default", "", null)).ShouldBe(
            "deployments.apps is forbidden: User \"system:serviceaccount:ns1:bot\" cannot list resource \"deployments\" " +
            "in API group \"apps\" in the namespace \"default\"");

    [Test]
    public void Cluster_scope_core_group_named_object() =>
        ForbiddenMessage.For(new(Sa, "get", "", "nodes", "", "", "n1", null)).ShouldBe(
            "nodes \"n1\" is forbidden: User \"system:serviceaccount:ns1:bot\" cannot get resource \"nodes\" " +
            "in API group \"\" at the cluster scope");

    [Test]
    public void Subresource_is_in_the_sentence_not_in_the_qualified_resource() =>
        ForbiddenMessage.For(new("alice", "update", "apps", "deployments", "scale", "d", "web", null)).ShouldBe(
            "deployments.apps \"web\" is forbidden: User \"alice\" cannot update resource \"deployments/scale\" " +
            "in API group \"apps\" in the namespace \"d\"");

    [Test]
    public void Non_resource_path_and_reason() =>
        ForbiddenMessage.For(new("bob", "get", "", "", "", "", "", "/metrics<x>"), "no RBAC policy matched").ShouldBe(
            "forbidden: User \"bob\" cannot get path \"/metrics&lt;x&gt;\": no RBAC policy matched");
}
