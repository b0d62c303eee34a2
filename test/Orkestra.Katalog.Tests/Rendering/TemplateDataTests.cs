using System.Text.Json;
using Orkestra.Katalog.Rendering;
using Orkestra.Templating.Values;

namespace Orkestra.Katalog.Tests.Rendering;

public class TemplateDataTests
{
    [Test]
    public void Exposes_the_cr_keys_and_the_reconcile_inputs_at_the_root()
    {
        using var doc = JsonDocument.Parse("""{"apiVersion":"demo/v1","kind":"W","metadata":{"name":"w1"},"spec":{"image":"nginx"}}""");
        var children = TemplateValue.Map([KeyValuePair.Create("deployment", TemplateValue.String("d"))]);
        var data = TemplateData.ForObject(doc.RootElement, children);
        data.TryGetMember("spec", out var spec).ShouldBeTrue();
        spec.TryGetMember("image", out var image).ShouldBeTrue();
        image.ToString().ShouldBe("nginx");
        data.TryGetMember("children", out var c).ShouldBeTrue();
        c.ToString().ShouldBe("map[deployment:d]");
        data.TryGetMember("cross", out var cross).ShouldBeTrue();
        cross.Count.ShouldBe(0);
        data.TryGetMember("status", out _).ShouldBeFalse();

        var looped = TemplateData.WithLoopVariables(data, new Dictionary<string, TemplateValue> { ["item"] = TemplateValue.String("a") });
        looped.TryGetMember("item", out var item).ShouldBeTrue();
        item.ToString().ShouldBe("a");
        data.TryGetMember("item", out _).ShouldBeFalse("the original data is not changed");
    }
}
