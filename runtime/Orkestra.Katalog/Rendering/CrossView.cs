using System.Text.Json;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Model;
using Orkestra.Templating;
using Orkestra.Templating.Values;

namespace Orkestra.Katalog.Rendering;

/// <summary>Where <c>cross:</c> reads come from: the custom resources another operator of the same process caches.</summary>
public interface ICrossSource
{
    /// <summary>The CRs of CRD <paramref name="crd"/> (its key under <c>spec.crds</c>) in <paramref name="namespace"/>;
    /// empty when that CRD is unknown, not started yet, or refuses cross access (<c>crossAccess: false</c>).</summary>
    IReadOnlyList<JsonElement> List(string crd, string @namespace);
}

/// <summary>
/// Builds <c>.cross</c> for one CR: for every <c>cross</c> entry, the selector's templates
/// are rendered against the CR (name; namespace defaulting to the CR's; matchLabels overriding the name) and the
/// first match is exposed under <c>.cross.&lt;as&gt;</c> as the whole object plus <c>found: "true"</c>; no match is
/// <c>{found: "false"}</c>. With <c>strategy: all</c>, <c>.cross.&lt;as&gt;</c> is <c>{found, items: [objects]}</c>.
/// Pure given its source; safe to call concurrently.
/// </summary>
public static class CrossView
{
    public static TemplateValue Build(CompiledOperator op, JsonElement cr, ICrossSource source, TimeProvider time, Random random)
    {
        if (op.Cross.Count == 0) return TemplateValue.EmptyMap;
        var scope = new RenderScope(TemplateData.ForObject(cr), time, random);
        var ownNamespace = cr.TryGetProperty("metadata", out var md) && md.TryGetProperty("namespace",
            out var ns) && ns.ValueKind == JsonValueKind.String
            ? ns.GetString()!
            : "";
        var entries = new TemplateMapBuilder();
        foreach (var read in op.Cross)
        {
            var target = read.Source.Crd!;
            var namespaceText = read.Namespace?.Render(scope).Trim();
            var candidates = source.List(target, string.IsNullOrEmpty(namespaceText) ? ownNamespace : namespaceText);
            var labels = read.MatchLabels.Select(l => (l.Name, Value: l.Value.Render(scope))).ToArray();
            var name = labels.Length == 0 ? read.Name?.Render(scope).Trim() : null;
            var matches = candidates.Where(c => Matches(c, name, labels));
            entries[read.Source.As] = read.Source.Strategy == CrossStrategy.All ? All(matches.ToArray()) : First(matches.FirstOrDefault());
        }
        return entries.Build();
    }

    private static bool Matches(JsonElement candidate, string? name, (string Name, string Value)[] labels)
    {
        var md = candidate.GetProperty("metadata");
        if (!string.IsNullOrEmpty(name)) return md.TryGetProperty("name", out var n) && n.GetString() == name;
        if (labels.Length == 0) return true;
        if (!md.TryGetProperty("labels", out var have) || have.ValueKind != JsonValueKind.Object) return false;
        foreach (var (key, value) in labels)
        {
            if (!have.TryGetProperty(key, out var v) || v.ValueKind != JsonValueKind.String || v.GetString() != value) return false;
        }
        return true;
    }

    private static TemplateValue First(JsonElement match)
    {
        if (match.ValueKind != JsonValueKind.Object) return NotFound();
        var entries = new TemplateMapBuilder().AddProperties(match);
        entries["found"] = TemplateValue.String("true");
        return entries.Build();
    }

    private static TemplateValue All(JsonElement[] matches) => new TemplateMapBuilder
    {
        ["found"] = TemplateValue.String(matches.Length > 0 ? "true" : "false"),
        ["items"] = TemplateValue.List(matches.Select(TemplateValue.FromJson)),
    }.Build();

    private static TemplateValue NotFound() => new TemplateMapBuilder { ["found"] = TemplateValue.String("false") }.Build();
}
