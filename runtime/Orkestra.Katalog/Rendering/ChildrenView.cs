using System.Text.Json;
using Orkestra.Katalog.Children;
using Orkestra.Templating.Values;

namespace Orkestra.Katalog.Rendering;

/// <summary>
/// Builds <c>.children</c> from the observed children of one CR: for every declared kind
/// a singular key (the first object: the one named by the kind's first declared entry when it exists, else the
/// first by name) and a plural key (name → object). A declared kind with nothing observed has an empty plural map
/// and no singular key (which renders as ""). Objects not matching a declared kind are ignored.
/// </summary>
public static class ChildrenView
{
    /// <param name="declared">Declared kinds in declaration order, each with the rendered name of its first entry (if known).</param>
    /// <param name="observed">Observed child objects (any order).</param>
    public static TemplateValue Build(IReadOnlyList<(IChildKind Kind, string? FirstName)> declared, IEnumerable<JsonElement> observed)
    {
        var byKind = new Dictionary<string, SortedDictionary<string, JsonElement>>(StringComparer.Ordinal);
        var kindsByType = new Dictionary<(string ApiVersion, string Kind), IChildKind>();
        IChildKind? custom = null;
        foreach (var (kind, _) in declared)
        {
            byKind.TryAdd(kind.YamlKey, new SortedDictionary<string, JsonElement>(StringComparer.Ordinal));
            if (kind.Kind.Length == 0) custom = kind;
            else kindsByType.TryAdd((kind.ApiVersion, kind.Kind), kind);
        }

        foreach (var obj in observed)
        {
            if (obj.ValueKind != JsonValueKind.Object) continue;
            var apiVersion = obj.TryGetProperty("apiVersion", out var av) && av.ValueKind == JsonValueKind.String ? av.GetString()! : "";
            var kindName = obj.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : "";
            var name = obj.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object
                && md.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
            var kind = kindsByType.TryGetValue((apiVersion, kindName), out var match) ? match : custom;
            if (kind is null || name.Length == 0) continue;
            byKind[kind.YamlKey][name] = obj;
        }

        var entries = new TemplateMapBuilder();
        foreach (var (kind, firstName) in declared)
        {
            if (entries.ContainsKey(kind.PluralChildKey)) continue;
            var objects = byKind[kind.YamlKey];
            var plural = new TemplateMapBuilder(objects.Count);
            foreach (var (name, obj) in objects) plural[name] = TemplateValue.FromJson(obj);
            if (firstName is not null && plural.TryGetValue(firstName, out var first)) entries[kind.SingularChildKey] = first;
            else if (plural.Count > 0) entries[kind.SingularChildKey] = plural[objects.Keys.First()];
            entries[kind.PluralChildKey] = plural.Build();
        }
        return entries.Build();
    }
}
