using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using Orkestra.Kube.Informers;

namespace Orkestra.Benchmarks.Informers;

/// <summary>
/// Informer cache entries (runtime/Orkestra.Kube/Informers/EntryCodec): the footprint workload's objects as the
/// sandbox serves them (test/Orkestra.Kube.Tests/Informers/testdata: Deployment, Service, ConfigMap and a Widget CR,
/// managedFields stripped), 250 of each kind with their own names, UIDs, timestamps and resourceVersions, each kind
/// in its own codec as in its own cache. The setup prints the bytes stored per object; the benchmarks time storing
/// and reading one object, before (the exact bytes) and after (the entry). Run:
/// dotnet run -c Release --project bench/Orkestra.Benchmarks -- --filter '*CacheEntryBenchmarks*' --job short --inProcess
/// </summary>
[MemoryDiagnoser]
public partial class CacheEntryBenchmarks
{
    public const int PerKind = 250;
    public const int Objects = 4 * PerKind;

    /// <summary>Estimated heap per interned string beyond its bytes: array header (24), table slot (8), dictionary
    /// entry and bucket (28).</summary>
    const int InternOverhead = 60;

    static readonly string[] Kinds = ["deployment", "service", "configmap", "widget"];

    JsonElement[] _objects = [];
    EntryCodec[] _codecs = [];        // per object: its kind's codec
    byte[][] _bytes = [];
    byte[][] _entries = [];

    [GlobalSetup]
    public void Setup()
    {
        _objects = new JsonElement[Objects];
        _codecs = new EntryCodec[Objects];
        _bytes = new byte[Objects][];
        _entries = new byte[Objects][];
        var report = new StringBuilder("| kind | text B/object | entry B/object | interned strings | table B (est.) | entry + table share B/object |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
        long totalText = 0, totalStored = 0;
        for (var k = 0; k < Kinds.Length; k++)
        {
            var template = File.ReadAllText(Path.Combine(Repository.Root, "test", "Orkestra.Kube.Tests", "Informers", "testdata", Kinds[k] + ".json"));
            var codec = new EntryCodec();
            long text = 0, stored = 0;
            for (var i = 0; i < PerKind; i++)
            {
                var at = k * PerKind + i;
                _objects[at] = JsonDocument.Parse(Variant(template, i, crKindOnly: Kinds[k] == "widget")).RootElement.Clone();
                _codecs[at] = codec;
                _bytes[at] = JsonMarshal.GetRawUtf8Value(_objects[at]).ToArray();
                _entries[at] = codec.Encode(_objects[at]);
                if (!codec.Decode(_entries[at]).AsSpan().SequenceEqual(_bytes[at])) throw new InvalidOperationException("entry does not round-trip");
                text += _bytes[at].Length;
                stored += _entries[at].Length;
            }
            var table = codec.Table.Bytes + (long)codec.Table.Count * InternOverhead;
            report.Append(CultureInfo.InvariantCulture,
                $"| {Kinds[k]} | {text / PerKind:N0} | {stored / PerKind:N0} | {codec.Table.Count} | {table:N0} | {(stored + table) / PerKind:N0} |\n");
            totalText += text;
            totalStored += stored + table;
        }
        report.Append(CultureInfo.InvariantCulture, $"| all ({Objects}) | {totalText / Objects:N0} | | | | {totalStored / Objects:N0} |\n");
        Console.WriteLine(report);
    }

    /// <summary>Object <paramref name="i"/> of the workload from the captured one: CR widgetTT-IIII of kind WidgetTT
    /// (15 kinds for children, one for CRs — one CRD per cache), fresh UIDs, timestamps a second apart, its own
    /// resourceVersion.</summary>
    static string Variant(string json, int i, bool crKindOnly)
    {
        var type = crKindOnly ? 0 : i % 15;
        var name = string.Create(CultureInfo.InvariantCulture, $"widget{type:00}-{i:0000}");
        var time = new DateTime(2026, 11, 30, 6, 0, 0, DateTimeKind.Utc).AddSeconds(i).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        json = json.Replace("widget00-0001", name, StringComparison.Ordinal).Replace("Widget00", $"Widget{type:00}", StringComparison.Ordinal);
        json = Uid().Replace(json, _ => Guid.NewGuid().ToString());
        json = Timestamp().Replace(json, time);
        return ResourceVersion().Replace(json, $"\"resourceVersion\":\"{1000 + i}\"");
    }

    /// <summary>Before: the exact bytes kept (ObjectCache until this change).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Objects)]
    public int StoreBytes()
    {
        var n = 0;
        foreach (var o in _objects) n += JsonMarshal.GetRawUtf8Value(o).ToArray().Length;
        return n;
    }

    /// <summary>After: encoding into an entry with a warm intern table (the steady state).</summary>
    [Benchmark(OperationsPerInvoke = Objects)]
    public int Encode()
    {
        var n = 0;
        for (var i = 0; i < _objects.Length; i++) n += _codecs[i].Encode(_objects[i]).Length;
        return n;
    }

    /// <summary>The floor for encoding: the <see cref="Utf8JsonReader"/> pass over the text alone.</summary>
    [Benchmark(OperationsPerInvoke = Objects)]
    public int ReadTokens()
    {
        var n = 0;
        foreach (var b in _bytes)
        {
            var reader = new Utf8JsonReader(b);
            while (reader.Read()) n += reader.ValueSpan.Length;
        }
        return n;
    }

    /// <summary>Before: a read parses the stored bytes.</summary>
    [Benchmark(OperationsPerInvoke = Objects)]
    public int ParseBytes()
    {
        var n = 0;
        foreach (var b in _bytes) n += JsonDocument.Parse(b).RootElement.ValueKind == JsonValueKind.Object ? 1 : 0;
        return n;
    }

    /// <summary>After: a read rebuilds the text and parses it.</summary>
    [Benchmark(OperationsPerInvoke = Objects)]
    public int DecodeAndParse()
    {
        var n = 0;
        for (var i = 0; i < _entries.Length; i++) n += _codecs[i].Parse(_entries[i]).ValueKind == JsonValueKind.Object ? 1 : 0;
        return n;
    }

    /// <summary>The rebuild alone.</summary>
    [Benchmark(OperationsPerInvoke = Objects)]
    public int Decode()
    {
        var n = 0;
        for (var i = 0; i < _entries.Length; i++) n += _codecs[i].Decode(_entries[i]).Length;
        return n;
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uid();

    [GeneratedRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")]
    private static partial Regex Timestamp();

    [GeneratedRegex("\"resourceVersion\":\"[0-9]+\"")]
    private static partial Regex ResourceVersion();
}
