using Orkestra.ApiMachinery.Meta;

namespace Orkestra.ApiMachinery.Tests.Meta;

public sealed class ObjectKeyTests
{
    [Test]
    public void A_cluster_scoped_key_has_an_empty_namespace_whether_built_from_null_or_empty()
    {
        var fromNull = new ObjectKey(null, "n1");
        var fromEmpty = new ObjectKey("", "n1");
        fromNull.ShouldBe(fromEmpty);
        fromNull.GetHashCode().ShouldBe(fromEmpty.GetHashCode());
        fromNull.Namespace.ShouldBe("");
        fromNull.IsClusterScoped.ShouldBeTrue();
        fromNull.NamespaceOrNull.ShouldBeNull();
        fromNull.ToString().ShouldBe("n1");
    }

    [Test]
    public void A_namespaced_key_prints_namespace_slash_name()
    {
        var key = new ObjectKey("default", "web");
        key.IsClusterScoped.ShouldBeFalse();
        key.NamespaceOrNull.ShouldBe("default");
        key.ToString().ShouldBe("default/web");
        key.ShouldNotBe(new ObjectKey("other", "web"));
    }

    [Test]
    public void Keys_order_by_namespace_then_name_ordinally()
    {
        ObjectKey[] keys = [new("b", "a"), new("a", "b"), new(null, "z"), new("a", "B"), new("a", "a")];
        keys.Order().Select(k => k.ToString()).ShouldBe(["z", "a/B", "a/a", "a/b", "b/a"]);
    }

    [Test]
    public void A_null_name_is_refused() => Should.Throw<ArgumentNullException>(() => new ObjectKey("ns", null!));
}
