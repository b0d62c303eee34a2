using System.Text;
using System.Text.Json;
using Orkestra.Kube.Informers;
using Orkestra.Kube.Tests.Support;

namespace Orkestra.Kube.Tests.Informers;

public sealed class EntryCodecTests
{
    static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>Encodes <paramref name="json"/> and checks that decoding and parsing give back the same text.</summary>
    static byte[] RoundTrip(EntryCodec codec, string json)
    {
        var element = Element(json);
        var entry = codec.Encode(element);
        var raw = Encoding.UTF8.GetString(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element));
        Encoding.UTF8.GetString(codec.Decode(entry)).ShouldBe(raw);
        codec.Parse(entry).GetRawText().ShouldBe(raw);
        return entry;
    }

    static string Minified(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);

    static string TestData(string name) =>
        File.ReadAllText(Path.Combine(Repo.Root, "test", "Orkestra.Kube.Tests", "Informers", "testdata", name));

    /// <summary><paramref name="json"/> with every occurrence of its name and uid replaced: another object of the same kind.</summary>
    static string Sibling(string json, int i) => json
        .Replace("widget00-0001", $"widget00-{i:0000}", StringComparison.Ordinal)
        .Replace("-4dd4-", $"-{i:0000}-", StringComparison.Ordinal).Replace("-442c-", $"-{i:0000}-", StringComparison.Ordinal)
        .Replace("-5cfc-", $"-{i:0000}-", StringComparison.Ordinal).Replace("-4e94-", $"-{i:0000}-", StringComparison.Ordinal);

    [Test]
    public void Every_json_and_yaml_document_in_the_repository_comes_back_byte_for_byte()
    {
        var codec = new EntryCodec();
        var documents = RepoCorpus.Documents().ToList();
        documents.Count.ShouldBeGreaterThan(60);
        long text = 0, stored = 0;
        foreach (var (file, index, json) in documents)
        {
            try
            {
                // As written, then minified twice: the second time hits strings the first one interned.
                RoundTrip(codec, json);
                RoundTrip(codec, Minified(json));
                var minified = Minified(json);
                text += Encoding.UTF8.GetByteCount(minified);
                stored += RoundTrip(codec, minified).Length;
            }
            catch (Exception e)
            {
                throw new AssertionException($"{file} document {index}: {e.Message}", e);
            }
        }
        codec.Table.Count.ShouldBeGreaterThan(100);
        stored.ShouldBeLessThan(text / 2);
        TestContext.Out.WriteLine($"{documents.Count} documents, {text:N0} B of text, {stored:N0} B stored, {codec.Table.Count} strings interned");
    }

    [TestCase("""{"a":"quote \" backslash \\ slash \/ newline \n tab \t","b":"\u00e9\u0000\uD83D\uDE00"}""")]
    [TestCase("""{"unicode":"héllo 日本語 😀","héllo":"日本語","😀":["😀","😀"]}""")]
    [TestCase("""{"n":[0,-0,1e400,-1E-400,123456789012345678901234567890,1.0000000000000000000001,1E+2,-0.5e-10,12345678901234567]}""")]
    [TestCase("""{"empty":{},"list":[],"nested":[{},[],[[]],{"a":{}}],"s":"","t":true,"f":false,"z":null}""")]
    [TestCase("""[1,"two",3.0,[true,false,null],{"k":"v"}]""")]
    [TestCase("""  "just a string"  """)]
    [TestCase("""12345""")]
    [TestCase("""null""")]
    [TestCase("{\"with\":  \"whitespace\",\n  \"kept\": [ 1 , 2 ] }")]
    public void Edge_cases_come_back_byte_for_byte(string json)
    {
        var codec = new EntryCodec();
        RoundTrip(codec, json);
        RoundTrip(codec, json);
    }

    [Test]
    public void Text_a_lenient_parser_accepted_is_kept_verbatim()
    {
        var lenient = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 400 };
        var codec = new EntryCodec();
        foreach (var json in new[] { "{\"a\":[1,2,],/* note */\"b\":{}}", new string('[', 300) + new string(']', 300) })
        {
            var element = JsonDocument.Parse(json, lenient).RootElement;
            Encoding.UTF8.GetString(codec.Decode(codec.Encode(element))).ShouldBe(json);
        }
    }

    [Test]
    public void Deep_nesting_comes_back_byte_for_byte()
    {
        var json = string.Concat(Enumerable.Repeat("{\"level\":[", 31)) + "\"bottom\"" + string.Concat(Enumerable.Repeat("]}", 31));
        var codec = new EntryCodec();
        RoundTrip(codec, json);
        RoundTrip(codec, json);
    }

    [TestCase(2), TestCase(3), TestCase(15), TestCase(16), TestCase(17), TestCase(31), TestCase(32), TestCase(33),
     TestCase(63), TestCase(64), TestCase(65), TestCase(127), TestCase(128), TestCase(300)]
    public void Strings_and_numbers_at_every_length_boundary_come_back(int length)
    {
        var s = new string('x', length);
        var digits = "9" + new string('0', length - 1);
        var codec = new EntryCodec();
        for (var i = 0; i < 3; i++)
            RoundTrip(codec, $$"""{"metadata":{"name":"o{{i}}"},"{{s}}":"{{s}}","again":"{{s}}","n":{{digits}},"d":"{{digits}}"}""");
        codec.Table.TryGetId(Encoding.UTF8.GetBytes(s), out _).ShouldBe(length is >= EntryCodec.MinSharedLength and <= EntryCodec.MaxInternLength);
    }

    [Test]
    public void Many_repeats_and_more_strings_than_an_entry_can_refer_back_to_come_back()
    {
        var values = Enumerable.Range(0, 100).Select(i => $"\"local-value-{i:000}\"").ToList();
        var json = "{\"metadata\":{\"name\":\"one\"},\"first\":[" + string.Join(",", values) + "],\"again\":[" + string.Join(",", values) + "]}";
        var codec = new EntryCodec();
        var entry = RoundTrip(codec, json);
        codec.Table.TryGetId("local-value-000"u8, out _).ShouldBeFalse();     // repeats inside one object are not shared
        entry.Length.ShouldBeLessThan(json.Length * 3 / 4);                      // but referred back to
    }

    [Test]
    public void Only_strings_seen_in_two_different_objects_are_interned_and_never_unique_shapes()
    {
        const string a = """{"metadata":{"name":"a","uid":"0e4a83c7-1a2b-442c-ae84-a93b36fe74aa","resourceVersion":"1234","creationTimestamp":"2026-11-30T06:59:07Z"},"spec":{"own":"only-in-a","shared":"in-a-and-b"}}""";
        const string b = """{"metadata":{"name":"b","uid":"0e4a83c7-1a2b-442c-ae84-a93b36fe74aa","resourceVersion":"1234","creationTimestamp":"2026-11-30T06:59:07Z"},"spec":{"own":"only-in-b","shared":"in-a-and-b"}}""";
        var codec = new EntryCodec();
        RoundTrip(codec, a);
        RoundTrip(codec, a.Replace("1234", "1235", StringComparison.Ordinal));   // a's next version: still one object
        codec.Table.Count.ShouldBe(0);
        RoundTrip(codec, b);
        Interned(codec, "metadata", "spec", "shared", "in-a-and-b").ShouldBeTrue();
        Interned(codec, "only-in-a").ShouldBeFalse();
        Interned(codec, "only-in-b").ShouldBeFalse();
        Interned(codec, "0e4a83c7-1a2b-442c-ae84-a93b36fe74aa").ShouldBeFalse();
        Interned(codec, "2026-11-30T06:59:07Z").ShouldBeFalse();
        Interned(codec, "1234").ShouldBeFalse();
    }

    static bool Interned(EntryCodec codec, params string[] strings) =>
        strings.All(s => codec.Table.TryGetId(Encoding.UTF8.GetBytes(s), out _));

    [Test]
    public void The_intern_table_stops_at_its_cap_and_later_strings_stay_inline()
    {
        var codec = new EntryCodec(maxInterned: 4);
        for (var i = 0; i < 50; i++)
            RoundTrip(codec, $$"""{"metadata":{"name":"o{{i}}"},"k{{i / 2}}":"v{{i / 2}}-shared","always":"the same value"}""");
        codec.Table.Count.ShouldBe(4);
        codec.Table.IsFull.ShouldBeTrue();
        // Entries written before and after the cap still decode.
        RoundTrip(codec, """{"metadata":{"name":"late"},"k24":"v24-shared","new":"never seen"}""");
        codec.Table.Count.ShouldBe(4);
    }

    [Test]
    public void A_second_object_of_a_kind_costs_a_fraction_of_its_text()
    {
        var codec = new EntryCodec();
        foreach (var file in new[] { "deployment.json", "service.json", "configmap.json", "widget.json" })
        {
            var json = TestData(file);
            RoundTrip(codec, json);
            var second = Sibling(json, 2);
            RoundTrip(codec, second).Length.ShouldBeLessThan(second.Length / 2, file);
        }
    }

    [Test]
    public void Readers_decode_while_a_writer_interns_new_strings()
    {
        const int Objects = 2_000;
        var codec = new EntryCodec(maxInterned: 3 * Objects);
        var texts = new string[Objects];
        var entries = new byte[]?[Objects];
        var published = -1;
        var failures = new List<string>();
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            while (Volatile.Read(ref published) < Objects - 1)
            {
                var last = Volatile.Read(ref published);
                for (var i = Math.Max(0, last - 20); i <= last; i++)
                {
                    var entry = Volatile.Read(ref entries[i])!;
                    var text = Encoding.UTF8.GetString(codec.Decode(entry));
                    if (text != texts[i]) lock (failures) failures.Add($"{i}: {text}");
                }
            }
        })).ToArray();
        for (var i = 0; i < Objects; i++)
        {
            // Every object brings strings shared with the next one, so the table grows throughout.
            texts[i] = $$$"""{"metadata":{"name":"o{{{i}}}"},"spec":{"mine":"value-{{{i}}}","next":"value-{{{i + 1}}}","k{{{i}}}":1,"k{{{i + 1}}}":2}}""";
            Volatile.Write(ref entries[i], codec.Encode(Element(texts[i])));
            Volatile.Write(ref published, i);
        }
        Task.WaitAll(readers, TimeSpan.FromSeconds(60)).ShouldBeTrue();
        failures.ShouldBeEmpty();
        codec.Table.Count.ShouldBeGreaterThan(Objects);
    }
}
