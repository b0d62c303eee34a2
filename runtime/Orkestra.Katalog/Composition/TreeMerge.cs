using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Composition;

/// <summary>
/// Merges located trees without losing positions: every node of the result is a node of one of the inputs (or a map
/// built at a base map's position), so a later error still points into the file the value came from. Stateless.
/// </summary>
internal static class TreeMerge
{
    /// <summary>
    /// <paramref name="over"/> onto <paramref name="base"/>, field by field: maps merge key by key (recursively), any
    /// other value of <paramref name="over"/> (scalar, list, or a map replacing a non-map) replaces the base value.
    /// Keys keep the base order; new keys follow in <paramref name="over"/>'s order.
    /// </summary>
    public static YamlMap Overlay(YamlMap @base, YamlMap over)
    {
        var entries = new List<YamlEntry>(@base.Entries);
        foreach (var entry in over.Entries)
        {
            var at = entries.FindIndex(e => e.Key.Value == entry.Key.Value);
            if (at < 0) entries.Add(entry);
            else if (entries[at].Value is YamlMap b && entry.Value is YamlMap o) entries[at] = entries[at] with { Value = Overlay(b, o) };
            else entries[at] = entry;
        }
        return With(@base, entries);
    }

    /// <summary>A map at <paramref name="at"/>'s position holding <paramref name="entries"/>.</summary>
    public static YamlMap With(YamlMap at, IReadOnlyList<YamlEntry> entries) => new(at.Source, at.Start, at.End, entries);

    /// <summary>A plain scalar standing at <paramref name="at"/>'s position (a key the user did not write).</summary>
    public static YamlScalar Scalar(YamlNode at, string value) =>
        new(at.Source, at.Start, Math.Max(at.Start, at.End), value, YamlScalarStyle.Plain);

    /// <summary>The node at a dotted path, or null; a scalar or list on the way ends the walk with that node.</summary>
    public static YamlNode? Find(YamlMap root, string path)
    {
        YamlNode node = root;
        foreach (var segment in path.Split('.'))
        {
            if (node is not YamlMap map) return node;
            if (map.Find(segment) is not { } entry) return null;
            node = entry.Value;
        }
        return node;
    }
}
