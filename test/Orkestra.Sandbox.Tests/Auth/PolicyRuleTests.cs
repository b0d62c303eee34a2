using Orkestra.Sandbox.Auth;
using static Orkestra.Sandbox.Tests.Auth.Rules;

namespace Orkestra.Sandbox.Tests.Auth;

/// <summary>Matching one RBAC rule against a request, with kube's wildcard, subresource, name and URL rules.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class PolicyRuleTests
{
    static AuthorizationAttributes Req(string verb, string group, string resource, string sub = "", string name = "") =>
        new("u", verb, group, resource, sub, "default", name, null);

    [Test]
    public void Verb_group_and_resource_must_all_match()
    {
        var rule = Rule(["get", "list"], ["apps"], ["deployments"]);
        rule.Allows(Req("list", "apps", "deployments")).ShouldBeTrue();
        rule.Allows(Req("watch", "apps", "deployments")).ShouldBeFalse();
        rule.Allows(Req("list", "", "deployments")).ShouldBeFalse();
        rule.Allows(Req("list", "apps", "statefulsets")).ShouldBeFalse();
    }

    [Test]
    public void Subresource_needs_its_own_entry_or_star_slash_sub()
    {
        Rule(["update"], ["apps"], ["deployments"]).Allows(Req("update", "apps", "deployments", "scale")).ShouldBeFalse();
        Rule(["update"], ["apps"], ["deployments/scale"]).Allows(Req("update", "apps", "deployments", "scale")).ShouldBeTrue();
        Rule(["update"], ["apps"], ["*/scale"]).Allows(Req("update", "apps", "statefulsets", "scale")).ShouldBeTrue();
        Rule(["update"], ["apps"], ["*/scale"]).Allows(Req("update", "apps", "statefulsets")).ShouldBeFalse();
        Rule(["*"], ["*"], ["*"]).Allows(Req("patch", "x.io", "widgets", "status")).ShouldBeTrue();
    }

    [Test]
    public void Resource_names_restrict_when_present()
    {
        var rule = Rule(["get"], [""], ["configmaps"], names: ["a"]);
        rule.Allows(Req("get", "", "configmaps", name: "a")).ShouldBeTrue();
        rule.Allows(Req("get", "", "configmaps", name: "b")).ShouldBeFalse();
        rule.Allows(Req("get", "", "configmaps")).ShouldBeFalse();
    }

    [Test]
    public void Non_resource_urls_match_exactly_or_by_trailing_star_prefix()
    {
        static AuthorizationAttributes Path(string p) => new("u", "get", "", "", "", "", "", p);
        var rule = Rule(["get"], [], [], urls: ["/healthz", "/apis/*"]);
        rule.Allows(Path("/healthz")).ShouldBeTrue();
        rule.Allows(Path("/healthz/ready")).ShouldBeFalse();
        rule.Allows(Path("/apis/apps/v1")).ShouldBeTrue();
        rule.Allows(Path("/api")).ShouldBeFalse();
        Rule(["get"], ["*"], ["*"]).Allows(Path("/metrics")).ShouldBeFalse();
    }
}
