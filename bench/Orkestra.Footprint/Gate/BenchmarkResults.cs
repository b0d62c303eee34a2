using System.Text.Json.Nodes;

namespace Orkestra.Footprint.Gate;

/// <summary>One benchmark from a BenchmarkDotNet JSON report: mean time and bytes allocated per operation.</summary>
internal sealed record BenchmarkFigure(string Type, string Method, double MeanNs, double? AllocatedBytes)
{
    public string Key => $"micro.{Type}.{Method}";
}

/// <summary>Reads BenchmarkDotNet's JSON exporter output (<c>Benchmarks[].Type/Method/Statistics.Mean/Memory.BytesAllocatedPerOperation</c>).</summary>
internal static class BenchmarkResults
{
    public static IReadOnlyList<BenchmarkFigure> Parse(string json)
    {
        var root = JsonNode.Parse(json) ?? throw new FormatException("empty BenchmarkDotNet report");
        var list = new List<BenchmarkFigure>();
        foreach (var b in root["Benchmarks"] as JsonArray ?? throw new FormatException("BenchmarkDotNet report lacks Benchmarks[]"))
        {
            var type = b?["Type"]?.GetValue<string>() ?? throw new FormatException("benchmark lacks Type");
            var method = b["Method"]?.GetValue<string>() ?? throw new FormatException("benchmark lacks Method");
            if (b["Statistics"]?["Mean"] is not JsonValue mean) continue; // a benchmark that failed has no statistics
            var allocated = b["Memory"]?["BytesAllocatedPerOperation"] is JsonValue a ? a.GetValue<double>() : (double?)null;
            list.Add(new BenchmarkFigure(type, method, mean.GetValue<double>(), allocated));
        }
        return list;
    }
}
