using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Binding;

/// <summary>
/// Reads the keys of one YAML map for a binder. Every key the binder asks about (read, aliased, or declared
/// "not supported yet") becomes a known key; <see cref="Finish"/> reports every other key as unknown, with a
/// did-you-mean suggestion among the known ones. This is what guarantees no key is ever silently ignored.
/// Per map; not thread-safe.
/// </summary>
internal sealed class MapReader
{
    private readonly LoadContext _ctx;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly HashSet<string> _consumed = new(StringComparer.Ordinal);

    public MapReader(LoadContext ctx, YamlMap map, string context)
    {
        _ctx = ctx;
        Map = map;
        Context = context;
    }

    public YamlMap Map { get; }

    /// <summary>Where the map is, in the user's words (e.g. <c>spec.crds.website.operatorBox</c>).</summary>
    public string Context { get; }

    public LoadContext Ctx => _ctx;

    /// <summary>Takes a key (and any aliases of it); two spellings present at once is an error.</summary>
    public YamlEntry? Entry(string key, params string[] aliases)
    {
        _known.Add(key);
        YamlEntry? found = Map.Find(key);
        if (found is not null) _consumed.Add(key);
        foreach (var alias in aliases)
        {
            _known.Add(alias);
            var other = Map.Find(alias);
            if (other is null) continue;
            _consumed.Add(alias);
            if (found is null) found = other;
            else _ctx.Error(other.Key, $"'{alias}' and '{found.Key.Value}' mean the same in {Context}; use one of them");
        }
        return found;
    }

    public YamlNode? Node(string key, params string[] aliases) => Entry(key, aliases)?.Value;

    public bool Has(string key) => Map.Find(key) is not null;

    /// <summary>The path of a key in messages: <c>context.key</c>.</summary>
    public string PathOf(string key) => Context.Length == 0 ? key : $"{Context}.{key}";

    public YamlScalar? Scalar(string key, params string[] aliases) =>
        Node(key, aliases) is { } n ? _ctx.AsScalar(n, PathOf(key)) : null;

    public string? String(string key, params string[] aliases) =>
        Node(key, aliases) is { } n ? _ctx.AsString(n, PathOf(key)) : null;

    public bool? Bool(string key, params string[] aliases) =>
        Node(key, aliases) is { } n ? _ctx.AsBool(n, PathOf(key)) : null;

    public int? Int(string key, int min, int max, params string[] aliases) =>
        Node(key, aliases) is { } n ? _ctx.AsInt(n, PathOf(key), min, max) : null;

    public TimeSpan? Duration(string key, bool extended = false) =>
        Node(key) is { } n ? _ctx.AsDuration(n, PathOf(key), extended) : null;

    public IReadOnlyList<YamlScalar> StringList(string key, bool allowSingle = false) =>
        Node(key) is { } n ? _ctx.AsStringList(n, PathOf(key), allowSingle) : [];

    public IReadOnlyList<KeyValuePair<string, YamlScalar>> StringMap(string key) =>
        Node(key) is { } n ? _ctx.AsStringMap(n, PathOf(key)) : [];

    /// <summary>A nested map (null when absent or <c>null</c>; an error when it is another shape).</summary>
    public YamlMap? MapNode(string key, params string[] aliases)
    {
        var node = Node(key, aliases);
        if (node is null or YamlScalar { IsNull: true }) return null;
        if (node is YamlMap map) return map;
        _ctx.Error(node, $"{PathOf(key)} must be a map, not {node.Describe()}");
        return null;
    }

    /// <summary>A nested list (empty when absent or <c>null</c>).</summary>
    public IReadOnlyList<YamlNode> List(string key, params string[] aliases)
    {
        var node = Node(key, aliases);
        if (node is null or YamlScalar { IsNull: true }) return [];
        if (node is YamlList list) return list.Items;
        _ctx.Error(node, $"{PathOf(key)} must be a list, not {node.Describe()}");
        return [];
    }

    /// <summary>Keys Orkestra has but this runtime does not run: present → "not supported yet: key".</summary>
    public void NotSupported(params string[] keys)
    {
        foreach (var key in keys)
        {
            _known.Add(key);
            if (Map.Find(key) is { } entry)
            {
                _consumed.Add(key);
                _ctx.NotSupported(entry.Key);
            }
        }
    }

    /// <summary>Marks keys as known and handled by the caller directly.</summary>
    public void Known(params string[] keys)
    {
        foreach (var key in keys)
        {
            _known.Add(key);
            if (Map.Find(key) is not null) _consumed.Add(key);
        }
    }

    /// <summary>Reports every key nobody asked for.</summary>
    public void Finish(IEnumerable<string>? moreCandidates = null)
    {
        foreach (var entry in Map.Entries)
        {
            if (_consumed.Contains(entry.Key.Value)) continue;
            var candidates = moreCandidates is null ? _known : _known.Concat(moreCandidates);
            _ctx.Error(entry.Key, $"unknown key '{entry.Key.Value}' in {Context}{Suggestions.Hint(entry.Key.Value, candidates)}");
        }
    }
}
