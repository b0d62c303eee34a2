using System.Text.Json;
using Fluid.Values;
using Orkestra.Katalog.Rendering;
using Orkestra.Templating.Values;

namespace Orkestra.Katalog.Tests.Rendering;

public class TemplateDataTests
{
    [Test]
    public void Exposes_the_cr_keys_and_the_reconcile_inputs_at_the_root()
    {
        using var doc = JsonDocument.Parse("""{"apiVersion":"demo/v1","kind":"W","metadata":{"name":"w1"},"spec":{"image":"nginx"}}""");
        var children = new MapValue(new Dictionary<string, FluidValue> { ["deployment"] = GoValues.String("d") });
        var data = TemplateData.ForObject(doc.RootElement, children);
        GoValues.TryGetMember(data, "spec", out var spec).ShouldBeTrue();
        GoValues.TryGetMember(spec, "image", out var image).ShouldBeTrue();
        GoValues.Format(image).ShouldBe("nginx");
        GoValues.TryGetMember(data, "children", out var c).ShouldBeTrue();
        GoValues.Format(c).ShouldBe("map[deployment:d]");
        GoValues.TryGetMember(data, "cross", out var cross).ShouldBeTrue();
        GoValues.Count(cross).ShouldBe(0);
        GoValues.TryGetMember(data, "status", out _).ShouldBeFalse();

        var looped = TemplateData.WithLoopVariables(data, new Dictionary<string, FluidValue> { ["item"] = GoValues.String("a") });
        GoValues.TryGetMember(looped, "item", out var item).ShouldBeTrue();
        GoValues.Format(item).ShouldBe("a");
        GoValues.TryGetMember(data, "item", out _).ShouldBeFalse("the original data is not changed");
    }
}
