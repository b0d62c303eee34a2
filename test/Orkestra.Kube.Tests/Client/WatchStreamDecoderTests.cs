using System.Text;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Kube.Client;
using Orkestra.Kube.Tests.Support;

namespace Orkestra.Kube.Tests.Client;

public sealed class WatchStreamDecoderTests
{
    const string Added = """{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns","resourceVersion":"11","managedFields":[{"manager":"kubectl"}]},"data":{"k":"v"}}}""";
    const string Modified = """{"type":"MODIFIED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns","resourceVersion":"12"},"data":{"k":"w"}}}""";
    const string Bookmark = """{"type":"BOOKMARK","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"resourceVersion":"20"}}}""";
    const string Expired = """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (9)","reason":"Expired","code":410}}""";

    static async Task<List<WatchEvent>> Decode(string body, int chunk, bool strip = false)
    {
        var events = new List<WatchEvent>();
        await foreach (var evt in WatchStreamDecoder.ReadAsync(new ChunkedStream(Encoding.UTF8.GetBytes(body), chunk), strip, Fakes.Timeout()))
            events.Add(evt);
        return events;
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(64)]
    [TestCase(1 << 20)]
    public async Task Lines_split_anywhere_decode_to_the_same_events(int chunk)
    {
        var events = await Decode(Added + "\n" + Modified + "\n" + Bookmark + "\n", chunk);

        events.Select(e => e.Type).ShouldBe([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Bookmark]);
        events.Select(e => e.ResourceVersion).ShouldBe(["11", "12", "20"]);
        events[1].Object.GetProperty("data").GetProperty("k").GetString().ShouldBe("w");
    }

    [Test]
    public async Task Documents_back_to_back_without_newlines_and_with_blank_lines_decode()
    {
        var events = await Decode("\r\n" + Added + Modified + "  \n\n" + Bookmark, 5);

        events.Select(e => e.Type).ShouldBe([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Bookmark]);
    }

    [Test]
    public async Task Error_event_carries_the_status_as_an_exception()
    {
        var events = await Decode(Added + "\n" + Expired + "\n", 3);

        var error = events[1];
        error.Type.ShouldBe(WatchEventType.Error);
        error.ResourceVersion.ShouldBeNull();
        error.Error.ShouldNotBeNull();
        error.Error.Code.ShouldBe(410);
        error.Error.Reason.ShouldBe("Expired");
        error.Error.IsExpired.ShouldBeTrue();
        error.Error.ServerMessage.ShouldBe("too old resource version: 5 (9)");
    }

    [Test]
    public async Task Managed_fields_are_stripped_on_request_and_kept_otherwise()
    {
        (await Decode(Added + "\n", 16, strip: true))[0].Object.GetProperty("metadata").TryGetProperty("managedFields", out _).ShouldBeFalse();
        (await Decode(Added + "\n", 16, strip: true))[0].Object.GetProperty("metadata").GetProperty("resourceVersion").GetString().ShouldBe("11");
        (await Decode(Added + "\n", 16, strip: false))[0].Object.GetProperty("metadata").TryGetProperty("managedFields", out _).ShouldBeTrue();
    }

    [Test]
    public async Task A_large_object_split_into_many_small_reads_decodes_whole()
    {
        var big = new string('x', 200_000);
        var body = "{\"type\":\"ADDED\",\"object\":{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\",\"resourceVersion\":\"3\"},\"data\":{\"k\":\"" + big + "\"}}}\n";
        var events = await Decode(body, 100);

        events.Count.ShouldBe(1);
        events[0].Object.GetProperty("data").GetProperty("k").GetString()!.Length.ShouldBe(200_000);
    }

    [Test]
    public async Task Stream_ending_inside_an_event_is_a_clear_error()
    {
        var error = await Should.ThrowAsync<InvalidDataException>(() => Decode(Added + "\n" + Modified[..40], 8));
        error.Message.ShouldContain("ended inside an event");
    }

    [Test]
    public async Task Malformed_json_and_unknown_types_are_clear_errors()
    {
        (await Should.ThrowAsync<InvalidDataException>(() => Decode("{\"type\":\"ADDED\",\"object\":{]}\n", 4))).Message.ShouldContain("malformed event");
        (await Should.ThrowAsync<InvalidDataException>(() => Decode("""{"type":"SURPRISE","object":{}}""" + "\n", 4))).Message.ShouldContain("SURPRISE");
        (await Should.ThrowAsync<InvalidDataException>(() => Decode("""{"object":{}}""" + "\n", 4))).Message.ShouldContain("type");
    }

    [Test]
    public async Task Final_event_without_trailing_newline_is_delivered()
    {
        var events = await Decode(Added + "\n" + Modified, 10);
        events.Count.ShouldBe(2);
    }
}
