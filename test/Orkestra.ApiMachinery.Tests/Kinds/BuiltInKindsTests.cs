using Orkestra.ApiMachinery.Kinds;

namespace Orkestra.ApiMachinery.Tests.Kinds;

public sealed class BuiltInKindsTests
{
    [Test]
    public void Each_group_kind_and_each_group_plural_appears_once()
    {
        BuiltInKinds.All.GroupBy(k => (k.Group, k.Kind)).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty();
        BuiltInKinds.All.GroupBy(k => (k.Group, k.Plural)).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty();
    }

    [Test]
    public void Plurals_are_lowercase_and_short_names_unique()
    {
        BuiltInKinds.All.Where(k => k.Plural != k.Plural.ToLowerInvariant()).ShouldBeEmpty();
        var shortNames = BuiltInKinds.All.Where(k => k.Group != "events.k8s.io").SelectMany(k => k.ShortNames).ToList();
        shortNames.Distinct().Count().ShouldBe(shortNames.Count);
    }

    [Test]
    public void A_bare_kind_name_means_the_first_of_that_name()
    {
        BuiltInKinds.TryGet("Event", out var ev).ShouldBeTrue();
        ev.ApiVersion.ShouldBe("v1");
        BuiltInKinds.TryGet("events.k8s.io", "Event", out var newer).ShouldBeTrue();
        newer.ApiVersion.ShouldBe("events.k8s.io/v1");
        BuiltInKinds.TryGet("Widget", out _).ShouldBeFalse();
    }

    [Test]
    public void Identity_matches_the_kubernetes_api()
    {
        var deployment = BuiltInKinds.Get("apps", "Deployment");
        (deployment.ApiVersion, deployment.Plural, deployment.Namespaced, deployment.HasStatus)
            .ShouldBe(("apps/v1", "deployments", true, true));
        deployment.ShortNames.ShouldBe(["deploy"]);
        deployment.Categories.ShouldBe(["all"]);
        var ns = BuiltInKinds.Get("", "Namespace");
        (ns.ApiVersion, ns.Plural, ns.Namespaced).ShouldBe(("v1", "namespaces", false));
        BuiltInKinds.Get("autoscaling", "HorizontalPodAutoscaler").ApiVersion.ShouldBe("autoscaling/v2");
    }

    [Test]
    public void Get_of_a_kind_not_in_the_table_names_it() =>
        Should.Throw<KeyNotFoundException>(() => BuiltInKinds.Get("apps", "Widget")).Message.ShouldContain("Widget");
}
