using Orkestra.Sandbox.Auth;
using static Orkestra.Sandbox.Tests.Auth.Rules;

namespace Orkestra.Sandbox.Tests.Auth;

/// <summary>The escalation check: held rules must cover every piece of a requested rule.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class RuleCoverageTests
{
    [Test]
    public void Every_verb_and_resource_must_be_held()
    {
        PolicyRule[] owned = [Rule(["get", "list"], ["apps"], ["deployments"])];
        RuleCoverage.Covers(owned, Rule(["get"], ["apps"], ["deployments"])).ShouldBeTrue();
        RuleCoverage.Covers(owned, Rule(["get", "delete"], ["apps"], ["deployments"])).ShouldBeFalse();
        RuleCoverage.Covers(owned, Rule(["get"], ["apps"], ["*"])).ShouldBeFalse();
    }

    [Test]
    public void Wildcards_subresources_names_and_urls()
    {
        RuleCoverage.Covers([Rule(["*"], ["*"], ["*"])], Rule(["update"], ["apps"], ["deployments/scale"])).ShouldBeTrue();
        RuleCoverage.Covers([Rule(["update"], ["apps"], ["*/scale"])], Rule(["update"], ["apps"], ["deployments/scale"])).ShouldBeTrue();
        RuleCoverage.Covers([Rule(["update"], ["apps"], ["*/scale"])], Rule(["update"], ["apps"], ["deployments"])).ShouldBeFalse();
        RuleCoverage.Covers([Rule(["get"], [""], ["secrets"], ["a"])], Rule(["get"], [""], ["secrets"], ["a"])).ShouldBeTrue();
        RuleCoverage.Covers([Rule(["get"], [""], ["secrets"], ["a"])], Rule(["get"], [""], ["secrets"])).ShouldBeFalse();
        RuleCoverage.Covers([Rule(["get"], [], [], urls: ["/apis/*"])], Rule(["get"], [], [], urls: ["/apis/x*"])).ShouldBeTrue();
        RuleCoverage.Covers([Rule(["get"], [], [], urls: ["/apis"])], Rule(["get"], [], [], urls: ["/apis/*"])).ShouldBeFalse();
    }
}
