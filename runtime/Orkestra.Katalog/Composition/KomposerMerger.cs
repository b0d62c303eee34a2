using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Orkestra.Katalog.Binding;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Composition;

/// <summary>
/// <c>kind: Komposer</c> → one located Katalog tree, by the merge rules of Orkestra's Komposer (schema reference §7):
/// <c>imports.registry</c>, then <c>imports.files</c> (<c>sources:</c> is an alias of <c>imports:</c>), then the
/// Komposer's own keys. The same CRD from two imports, a field set by two imports, an override naming no imported CRD,
/// an imported Komposer and an import cycle are errors naming both places. Inline <c>spec.crds</c> entries are
/// overrides only, merged field by field (<see cref="TreeMerge.Overlay"/>). Each import's Katalog-wide defaults
/// (<c>crossAccess</c>, <c>spec.finalizers</c>) are moved into its own CRD entries so they keep applying to those CRDs
/// only. Diagnostics inside an imported file keep their own location and are attributed to the import (
/// <see cref="DiagnosticBag.Attribute"/>). Per load; not thread-safe.
/// </summary>
internal sealed partial class KomposerMerger(LoadContext ctx, KatalogLoadOptions options)
{
    /// <summary>Top-level keys that are not merged from imports: identity and the import block itself.</summary>
    private static readonly string[] s_ownKeys = ["apiVersion", "kind", "metadata", "imports", "sources", "spec"];

    private readonly List<KatalogSource> _sources = [];
    private readonly Dictionary<string, SourceLocation> _imported = new(StringComparer.Ordinal);

    public static bool IsKomposer(YamlNode root) => root is YamlMap map && map.Find("kind")?.Value is YamlScalar { Value: "Komposer" };

    /// <summary>The merged tree (a <c>kind: Katalog</c> document at the Komposer's positions) and the imports, or null
    /// when nothing could be merged.</summary>
    public (YamlMap Root, IReadOnlyList<KatalogSource> Sources)? Merge(YamlMap komposer, string fullPath)
    {
        var kind = (YamlScalar)komposer.Find("kind")!.Value;
        var imports = ImportsBlock(komposer);
        var katalogs = new List<(YamlMap Root, string Origin)>();
        if (imports is not null)
        {
            var r = new MapReader(ctx, imports, "imports");
            var registry = r.Node("registry");
            var files = r.Node("files");
            if (r.Entry("helm") is { } helm)
                ctx.Error(helm.Key,
                    "not supported yet: imports.helm (render the chart to a Katalog file and import it under imports.files)");
            r.Finish();
            foreach (var (item, i) in Items(registry, "imports.registry")) Add(katalogs, FromRegistry(item, $"imports.registry[{i}]"));
            foreach (var (item, i) in Items(files, "imports.files")) Add(katalogs, FromFile(item, $"imports.files[{i}]", [fullPath]));
        }
        else ctx.Error(kind, "a Komposer imports Katalogs: add imports.files or imports.registry (or use kind: Katalog)");

        var crds = new List<YamlEntry>();
        YamlMap? top = null;
        YamlMap? spec = null;
        foreach (var (root, origin) in katalogs)
        {
            var (katalogTop, katalogSpec, katalogCrds) = Split(root);
            top = top is null ? katalogTop : MergeImported(top, katalogTop, "", komposer);
            spec = spec is null ? katalogSpec : MergeImported(spec, katalogSpec, "spec", komposer);
            foreach (var crd in katalogCrds)
            {
                if (crds.Find(c => c.Key.Value == crd.Key.Value) is { } first)
                    ctx.Error(crd.Key, $"CRD '{crd.Key.Value}' is imported twice: by {origin} and, first, at {first.Key.Location}");
                else crds.Add(crd);
            }
        }

        var own = komposer.Find("spec")?.Value as YamlMap;
        if (komposer.Find("spec") is { Value: not (YamlMap or YamlScalar { IsNull: true }) } badSpec)
            ctx.Error(badSpec.Value, $"spec must be a map, not {badSpec.Value.Describe()}");
        if (own?.Find("crds") is { } overrides) crds = Overrides(crds, overrides);

        // The Komposer's own keys win (security, notes, …): field by field over what the imports set.
        var rootEntries = new List<YamlEntry>();
        foreach (var key in new[] { "apiVersion", "kind", "metadata" })
        {
            if (komposer.Find(key) is not { } entry) continue;
            rootEntries.Add(key == "kind" ? entry with { Value = TreeMerge.Scalar(entry.Value, "Katalog") } : entry);
        }
        var ownTop = TreeMerge.With(komposer, komposer.Entries.Where(e => !s_ownKeys.Contains(e.Key.Value)).ToArray());
        var mergedTop = top is null ? ownTop : OverlayOwn(top, ownTop);
        rootEntries.AddRange(mergedTop.Entries);

        var ownSpec = own is null ? null : TreeMerge.With(own, own.Entries.Where(e => e.Key.Value != "crds").ToArray());
        var mergedSpec = (spec, ownSpec) switch
        {
            (null, null) => null,
            (null, _) => ownSpec,
            (_, null) => spec,
            _ => TreeMerge.Overlay(spec, ownSpec),
        };
        var specKey = komposer.Find("spec")?.Key ?? TreeMerge.Scalar(kind, "spec");
        var specAt = own ?? mergedSpec ?? komposer;
        var crdsKey = own?.Find("crds")?.Key ?? TreeMerge.Scalar(specKey, "crds");
        var specEntries = new List<YamlEntry> { new(crdsKey, TreeMerge.With(specAt, crds)) };
        if (mergedSpec is not null) specEntries.AddRange(mergedSpec.Entries);
        rootEntries.Add(new YamlEntry(specKey, TreeMerge.With(specAt, specEntries)));
        return (TreeMerge.With(komposer, rootEntries), _sources);
    }

    private YamlMap? ImportsBlock(YamlMap komposer)
    {
        var imports = komposer.Find("imports");
        var sources = komposer.Find("sources");
        if (imports is not null && sources is not null)
            ctx.Error(sources.Key,
                $"'sources' and 'imports' mean the same in a Komposer (imports at {imports.Key.Location}); use one of them");
        var entry = imports ?? sources;
        if (entry is null) return null;
        if (entry.Value is YamlMap map) return map;
        ctx.Error(entry.Value, $"{entry.Key.Value} must be a map with files and/or registry, not {entry.Value.Describe()}");
        return null;
    }

    private IEnumerable<(YamlNode Item, int Index)> Items(YamlNode? node, string what)
    {
        switch (node)
        {
            case null or YamlScalar { IsNull: true }: yield break;
            case YamlList list:
                for (var i = 0; i < list.Items.Count; i++) yield return (list.Items[i], i);
                yield break;
            default:
                ctx.Error(node, $"{what} must be a list, not {node.Describe()}");
                yield break;
        }
    }

    private static void Add(List<(YamlMap, string)> katalogs, (YamlMap, string)? katalog)
    {
        if (katalog is { } k) katalogs.Add(k);
    }

    /// <summary>A list item: a string, or a map with <c>url</c> (other keys are read by <paramref name="more"/>).</summary>
    private YamlScalar? Url(YamlNode item, string what, Action<MapReader>? more = null)
    {
        if (item is YamlScalar { IsNull: false } s) return s;
        if (item is not YamlMap map)
        {
            ctx.Error(item, $"{what} must be a reference or a map with url, not {item.Describe()}");
            return null;
        }
        var r = new MapReader(ctx, map, what);
        var url = r.Scalar("url");
        if (url is null && !r.Has("url")) ctx.Error(map, $"{what} needs url");
        more?.Invoke(r);
        r.Finish();
        return url;
    }

    private (YamlMap, string)? FromRegistry(YamlNode item, string what)
    {
        var url = Url(item, what, r =>
        {
            r.Bool("oci");
            r.NotSupported("katalog", "useKomposer", "auth");
        });
        if (url is null || Expand(url, what) is not { } reference) return null;
        if (reference.StartsWith("oci://", StringComparison.Ordinal)) reference = reference["oci://".Length..];
        if (options.Registry is null)
        {
            ctx.Error(url, $"{what} '{reference}': no registry client in this load (ork run and ork validate provide one)");
            return null;
        }
        PulledKatalog pulled;
        try { pulled = options.Registry.Pull(reference); }
        catch (KatalogSourceException e)
        {
            ctx.Error(url, $"{what}: {e.Message}");
            return null;
        }
        var display = $"{pulled.Reference}/{pulled.KatalogFile}";
        var origin = $"imported from {pulled.Reference} by {what} at {url.Location}";
        if (_imported.TryGetValue(pulled.Reference, out var first))
        {
            ctx.Error(url, $"{what} imports {pulled.Reference} a second time (first at {first})");
            return null;
        }
        _imported[pulled.Reference] = url.Location;
        var path = Path.Combine(pulled.Directory, pulled.KatalogFile);
        return Read(path, display, url, what, origin, KatalogSourceKind.Registry, pulled.Reference, pulled.Digest, pulled.FromCache, [],
            pulled.Reference);
    }

    private (YamlMap, string)? FromFile(YamlNode item, string what, IReadOnlyList<string> chain)
    {
        var url = Url(item, what, r => r.NotSupported("auth"));
        if (url is null || Expand(url, what) is not { } path) return null;
        if (Resolve(url, path, what) is not { } full) return null;
        if (chain.Contains(full))
        {
            ctx.Error(url, $"import cycle: {string.Join(" → ", chain.Select(c => Path.GetFileName(c)))} → {path}");
            return null;
        }
        if (_imported.TryGetValue(full, out var first))
        {
            ctx.Error(url, $"{what} imports '{path}' a second time (first at {first})");
            return null;
        }
        _imported[full] = url.Location;
        // Named as the Komposer is named: an absolute path, or one relative to the working folder.
        var display = Path.IsPathRooted(url.Source.File) ? full : Path.GetRelativePath(System.IO.Directory.GetCurrentDirectory(), full);
        var origin = $"imported by {what} at {url.Location}";
        return Read(full, display, url, what, origin, KatalogSourceKind.File, display, null, false, chain, path);
    }

    private string? Resolve(YamlScalar at, string path, string what)
    {
        if (path.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            ctx.Error(at, $"not supported yet: remote {what} ({path}); download it and import the local file");
            return null;
        }
        string full;
        try { full = Path.GetFullPath(Path.Combine(ctx.DirectoryOf(at), path)); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            ctx.Error(at, $"{what} '{path}' is not a valid path");
            return null;
        }
        if (File.Exists(full)) return full;
        ctx.Error(at, Directory.Exists(full) ? $"{what} '{path}' is a folder, not a file"
            : $"{what} '{path}' not found (paths resolve against the Komposer's folder)");
        return null;
    }

    /// <summary>Reads one imported document and checks it is a Katalog; registers its folder and origin.</summary>
    private (YamlMap, string)? Read(string path, string display, YamlScalar at, string what, string origin, KatalogSourceKind kind,
        string reference, string? digest, bool fromCache, IReadOnlyList<string> chain, string written)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ctx.Error(at, $"{what} '{written}' cannot be read: {e.Message}");
            return null;
        }
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        var source = new SourceText(display, text.Replace("\r\n", "\n", StringComparison.Ordinal));
        ctx.Diagnostics.Attribute(display, origin);
        ctx.RegisterDirectory(source, Path.GetDirectoryName(path) ?? ctx.Directory);
        var root = YamlTreeReader.Read(source, ctx.Diagnostics);
        if (root is null) return null;
        if (root is not YamlMap map)
        {
            ctx.Error(root, $"an imported Katalog must be a map with apiVersion, kind, metadata and spec, not {root.Describe()}");
            return null;
        }
        var kindNode = map.Find("kind")?.Value as YamlScalar;
        switch (kindNode?.Value)
        {
            case "Katalog":
                break;
            case "Komposer":
                if (kind == KatalogSourceKind.File && Cycle(map, Path.GetFullPath(path), [.. chain, Path.GetFullPath(path)]) is { } cycle)
                    ctx.Error(at, $"import cycle: {cycle}");
                ctx.Error(at, $"{what} '{written}' is a Komposer (kind at {kindNode.Location}); a Komposer imports only "
                              + "kind: Katalog documents — import that Komposer's Katalogs instead");
                return null;
            case null:
                ctx.Error(at, $"{what} '{written}' has no kind (at {map.Location}); expected kind: Katalog");
                return null;
            default:
                ctx.Error(at, $"{what} '{written}' is kind {kindNode.Value} (at {kindNode.Location}); a Komposer imports only kind: Katalog"
                              + (kindNode.Value == "Motif" ? " (Motifs are imported by a CRD entry's imports)" : ""));
                return null;
        }
        if (map.Find("apiVersion")?.Value is YamlScalar { Value: var apiVersion } version && apiVersion != KatalogBinder.ApiVersion)
            ctx.Error(version, $"unsupported apiVersion '{apiVersion}'; expected '{KatalogBinder.ApiVersion}'");
        var name = (TreeMerge.Find(map, "metadata.name") as YamlScalar)?.Value ?? "";
        _sources.Add(new KatalogSource(kind, reference, digest ?? FileDigest(bytes), name, at.Location, fromCache));
        return (map, origin);
    }

    /// <summary>Whether an imported Komposer leads back into <paramref name="chain"/> through its imports.files.</summary>
    private string? Cycle(YamlMap komposer, string path, IReadOnlyList<string> chain)
    {
        var block = (komposer.Find("imports") ?? komposer.Find("sources"))?.Value as YamlMap;
        if (block?.Find("files")?.Value is not YamlList files) return null;
        foreach (var item in files.Items)
        {
            var text = item is YamlScalar s ? s.Value : (item as YamlMap)?.Find("url")?.Value is YamlScalar u ? u.Value : null;
            if (text is null || text.Contains('$', StringComparison.Ordinal)) continue;
            string full;
            try { full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path) ?? "", text)); }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException) { continue; }
            if (chain.Contains(full)) return string.Join(" → ", chain.Append(full).Select(Path.GetFileName));
            if (!File.Exists(full)) continue;
            string next;
            try { next = File.ReadAllText(full); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            var root = YamlTreeReader.Read(new SourceText(full, next), new DiagnosticBag());
            if (root is YamlMap map && IsKomposer(map) && Cycle(map, full, [.. chain, full]) is { } found) return found;
        }
        return null;
    }

    private static string FileDigest(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    [GeneratedRegex(@"\$(\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?<plain>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex EnvReference();

    /// <summary><c>$NAME</c> and <c>${NAME}</c> from the environment; an unset variable is an error at the value.</summary>
    private string? Expand(YamlScalar value, string what)
    {
        var ok = true;
        var text = EnvReference().Replace(value.Value.Trim(), m =>
        {
            var name = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Value;
            if (options.Environment(name) is { Length: > 0 } set) return set;
            ctx.Error(value, $"{what} uses ${name}, which is not set in the environment");
            ok = false;
            return m.Value;
        });
        if (!ok) return null;
        if (text.Length == 0) ctx.Error(value, $"{what} must not be empty");
        return text.Length == 0 ? null : text;
    }

    /// <summary>An imported Katalog's top-level keys (to merge), its spec without crds, and its CRD entries with the
    /// Katalog-wide defaults moved into them.</summary>
    private (YamlMap Top, YamlMap Spec, IReadOnlyList<YamlEntry> Crds) Split(YamlMap root)
    {
        var crossAccess = root.Find("crossAccess");
        var top = new List<YamlEntry>();
        foreach (var entry in root.Entries)
        {
            if (entry.Key.Value is "imports" or "sources")
                ctx.Error(entry.Key, $"{entry.Key.Value} is only valid on kind: Komposer (this is a Katalog)");
            else if (!s_ownKeys.Contains(entry.Key.Value) && entry.Key.Value != "crossAccess") top.Add(entry);
        }
        var specNode = root.Find("spec")?.Value;
        var spec = specNode as YamlMap;
        if (specNode is not null and not YamlMap and not YamlScalar { IsNull: true })
            ctx.Error(specNode, $"spec must be a map, not {specNode.Describe()}");
        if (spec is null && specNode is null) ctx.Error(root, "missing spec; a Katalog declares its CRDs under spec.crds");
        var finalizers = spec?.Find("finalizers");
        var crdsNode = spec?.Find("crds")?.Value;
        var crds = new List<YamlEntry>();
        if (crdsNode is YamlMap crdMap)
        {
            foreach (var crd in crdMap.Entries)
                crds.Add(crd.Value is YamlMap body ? crd with { Value = WithDefaults(body, crossAccess, finalizers) } : crd);
        }
        else if (spec is not null) ctx.Error(crdsNode ?? spec, "spec.crds is required: a map from CRD name to its operator");
        var restSpec = spec is null ? TreeMerge.With(root, []) : TreeMerge.With(spec,
            spec.Entries.Where(e => e.Key.Value is not ("crds" or "finalizers")).ToArray());
        return (TreeMerge.With(root, top), restSpec, crds);
    }

    private static YamlMap WithDefaults(YamlMap crd, YamlEntry? crossAccess, YamlEntry? finalizers)
    {
        var entries = new List<YamlEntry>(crd.Entries);
        if (crossAccess is not null && crd.Find("crossAccess") is null) entries.Add(crossAccess);
        if (finalizers is not null)
        {
            var boxAt = entries.FindIndex(e => e.Key.Value == "operatorBox");
            if (boxAt < 0) entries.Add(new YamlEntry(TreeMerge.Scalar(finalizers.Key, "operatorBox"),
                TreeMerge.With(crd, [finalizers])));
            else if (entries[boxAt].Value is YamlMap box && box.Find("finalizers") is null)
                entries[boxAt] = entries[boxAt] with { Value = TreeMerge.With(box, [.. box.Entries, finalizers]) };
        }
        return TreeMerge.With(crd, entries);
    }

    /// <summary>Merges what a later import sets into what earlier ones set: a field set by two imports is an error
    /// naming both, unless the Komposer sets that field itself (the Komposer wins). <c>notes.functions</c> is a union by
    /// name (one name from two imports is an error).</summary>
    private YamlMap MergeImported(YamlMap acc, YamlMap add, string path, YamlMap komposer)
    {
        var entries = new List<YamlEntry>(acc.Entries);
        foreach (var entry in add.Entries)
        {
            var field = path.Length == 0 ? entry.Key.Value : $"{path}.{entry.Key.Value}";
            var at = entries.FindIndex(e => e.Key.Value == entry.Key.Value);
            if (at < 0) entries.Add(entry);
            else if (entries[at].Value is YamlMap a && entry.Value is YamlMap b)
                entries[at] = entries[at] with { Value = MergeImported(a, b, field, komposer) };
            else if (field == "notes.functions" && entries[at].Value is YamlList first && entry.Value is YamlList second)
                entries[at] = entries[at] with { Value = UnionFunctions(first, second) };
            else if (TreeMerge.Find(komposer, field) is null)
                ctx.Error(entry.Key, $"{field} is set by two imports: here and at {entries[at].Key.Location}; "
                                     + "set it once, or in the Komposer (which wins)");
        }
        return TreeMerge.With(acc, entries);
    }

    private YamlList UnionFunctions(YamlList first, YamlList second)
    {
        var items = new List<YamlNode>(first.Items);
        foreach (var item in second.Items)
        {
            var name = FunctionName(item);
            if (name is not null && items.Find(i => FunctionName(i) == name) is { } clash)
                ctx.Error(item, $"notes.functions '{name}' is defined by two imports: here and at {clash.Location}");
            else items.Add(item);
        }
        return new YamlList(first.Source, first.Start, first.End, items);
    }

    private static string? FunctionName(YamlNode item) => (item as YamlMap)?.Find("name")?.Value is YamlScalar s ? s.Value : null;

    /// <summary>The Komposer's own top-level keys over the imports' (it wins field by field; its notes.functions replace
    /// same-named imported ones).</summary>
    private static YamlMap OverlayOwn(YamlMap merged, YamlMap own)
    {
        var result = TreeMerge.Overlay(merged, own);
        if (TreeMerge.Find(merged, "notes.functions") is YamlList imported && TreeMerge.Find(own, "notes.functions") is YamlList mine)
        {
            var names = mine.Items.Select(FunctionName).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var union = new YamlList(mine.Source, mine.Start, mine.End,
                [.. imported.Items.Where(i => FunctionName(i) is not { } n || !names.Contains(n)), .. mine.Items]);
            var notes = (YamlMap)result.Find("notes")!.Value;
            var notesEntries = notes.Entries.Select(e => e.Key.Value == "functions" ? e with { Value = union } : e).ToArray();
            result = TreeMerge.With(result, result.Entries.Select(e => e.Key.Value == "notes"
                ? e with { Value = TreeMerge.With(notes, notesEntries) } : e).ToArray());
        }
        return result;
    }

    /// <summary>Inline <c>spec.crds</c>: overrides of imported entries only, field by field.</summary>
    private List<YamlEntry> Overrides(List<YamlEntry> crds, YamlEntry overrides)
    {
        if (overrides.Value is YamlScalar { IsNull: true }) return crds;
        if (overrides.Value is not YamlMap map)
        {
            ctx.Error(overrides.Value, $"spec.crds must be a map of CRD name to overrides, not {overrides.Value.Describe()}");
            return crds;
        }
        var result = new List<YamlEntry>(crds);
        foreach (var entry in map.Entries)
        {
            var at = result.FindIndex(c => c.Key.Value == entry.Key.Value);
            if (at < 0)
            {
                var known = crds.Count == 0 ? "nothing was imported"
                    : "imported: " + string.Join(", ", crds.Select(c => $"{c.Key.Value} ({c.Key.Location})"));
                ctx.Error(entry.Key, $"spec.crds.{entry.Key.Value} overrides no imported CRD (a Komposer's spec.crds only overrides; "
                                     + $"{known}){Suggestions.Hint(entry.Key.Value, crds.Select(c => c.Key.Value).ToArray())}");
                continue;
            }
            if (entry.Value is YamlScalar { IsNull: true }) continue;
            if (entry.Value is not YamlMap over)
            {
                ctx.Error(entry.Value, $"spec.crds.{entry.Key.Value} must be a map of overrides, not {entry.Value.Describe()}");
                continue;
            }
            if (result[at].Value is YamlMap body) result[at] = result[at] with { Value = TreeMerge.Overlay(body, over) };
        }
        return result;
    }
}
