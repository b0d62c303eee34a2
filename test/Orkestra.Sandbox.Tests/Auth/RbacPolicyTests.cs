using Orkestra.Sandbox.Auth;

namespace Orkestra.Sandbox.Tests.Auth;

/// <summary>Which bindings grant which roles where.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class RbacPolicyTests
{
    static readonly PolicyRule ReadDeployments = new(["get", "list"], ["apps"], ["deployments"], [], []);
    static readonly UserInfo Bot = UserInfo.ServiceAccount("ns1", "bot");
    static readonly Subject BotSubject = new("ServiceAccount", "bot", "ns1");

    static AuthorizationAttributes List(string ns) => new(Bot.Name, "list", "apps", "deployments", "", ns, "", null);

    [Test]
    public void Role_binding_grants_only_in_its_namespace()
    {
        var policy = new RbacPolicy([new("ns1", "reader", [ReadDeployments])], [new("ns1", "Role", "reader", [BotSubject])]);
        policy.Allows(Bot, List("ns1")).ShouldBeTrue();
        policy.Allows(Bot, List("ns2")).ShouldBeFalse();
        policy.Allows(Bot, List("")).ShouldBeFalse();
    }

    [Test]
    public void Role_binding_to_a_cluster_role_grants_in_the_binding_namespace_only()
    {
        var policy = new RbacPolicy([new("", "reader", [ReadDeployments])], [new("ns2", "ClusterRole", "reader", [BotSubject])]);
        policy.Allows(Bot, List("ns2")).ShouldBeTrue();
        policy.Allows(Bot, List("ns1")).ShouldBeFalse();
    }

    [Test]
    public void Cluster_role_binding_grants_everywhere_and_a_missing_role_grants_nothing()
    {
        var group = new Subject("Group", "system:serviceaccounts", "");
        new RbacPolicy([new("", "reader", [ReadDeployments])], [new("", "ClusterRole", "reader", [group])])
            .Allows(Bot, List("any")).ShouldBeTrue();
        new RbacPolicy([new("ns1", "reader", [ReadDeployments])], [new("", "ClusterRole", "reader", [group])])
            .Allows(Bot, List("ns1")).ShouldBeFalse();
    }
}
