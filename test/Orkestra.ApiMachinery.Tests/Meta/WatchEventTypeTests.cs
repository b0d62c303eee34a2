using Orkestra.ApiMachinery.Meta;

namespace Orkestra.ApiMachinery.Tests.Meta;

public sealed class WatchEventTypeTests
{
    [TestCase(WatchEventType.Added, "ADDED")]
    [TestCase(WatchEventType.Modified, "MODIFIED")]
    [TestCase(WatchEventType.Deleted, "DELETED")]
    [TestCase(WatchEventType.Bookmark, "BOOKMARK")]
    [TestCase(WatchEventType.Error, "ERROR")]
    public void Each_type_has_kube_s_wire_name_and_reads_back(WatchEventType type, string wire)
    {
        type.WireName().ShouldBe(wire);
        WatchEventTypes.TryParse(wire, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(type);
    }

    [TestCase("added")]
    [TestCase("Added")]
    [TestCase("")]
    [TestCase(null)]
    public void Other_texts_are_not_event_types(string? text) => WatchEventTypes.TryParse(text, out _).ShouldBeFalse();
}
