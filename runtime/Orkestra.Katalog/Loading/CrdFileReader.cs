using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;

namespace Orkestra.Katalog.Loading;

/// <summary>What a <c>crdFile</c> declares: enough to infer or check <c>apiTypes</c> and scope.</summary>
internal sealed record CrdFileInfo(string Group, string Kind, string Plural, string Version, IReadOnlyList<string> Versions, bool Namespaced);

/// <summary>
/// Reads a CustomResourceDefinition YAML (the first document with <c>kind: CustomResourceDefinition</c>).
/// Problems inside the file are reported at their place in that file; a file that is not a CRD is reported
/// at the <c>crdFile</c> key. Stateless.
/// </summary>
internal static class CrdFileReader
{
    public static CrdFileInfo? Read(LoadContext ctx, string path, YamlScalar at)
    {
        string text;
        try { text = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ctx.Error(at, $"crdFile '{at.Value}' cannot be read: {e.Message}");
            return null;
        }
        var source = new SourceText(Path.Combine(Path.GetDirectoryName(at.Source.File) ?? "", at.Value.Trim()), text);
        var bag = new DiagnosticBag();
        var documents = YamlTreeReader.ReadAll(source, bag);
        ctx.Diagnostics.AddRange(bag.Items);
        if (bag.HasErrors) return null;
        foreach (var doc in documents)
        {
            if (doc is not YamlMap map || Text(map, "kind") != "CustomResourceDefinition") continue;
            var spec = map.Find("spec")?.Value as YamlMap;
            var names = spec?.Find("names")?.Value as YamlMap;
            var group = spec is null ? null : Text(spec, "group");
            var kind = names is null ? null : Text(names, "kind");
            var plural = names is null ? null : Text(names, "plural");
            var versions = new List<string>();
            string? storage = null;
            if (spec?.Find("versions")?.Value is YamlList list)
            {
                foreach (var item in list.Items.OfType<YamlMap>())
                {
                    if (Text(item, "name") is not { } name) continue;
                    versions.Add(name);
                    if (Text(item, "storage") == "true") storage = name;
                }
            }
            if (group is null || kind is null || plural is null || versions.Count == 0)
            {
                ctx.Error(at, $"crdFile '{at.Value}' is missing spec.group, spec.names.kind, spec.names.plural or spec.versions");
                return null;
            }
            var scope = spec is null ? null : Text(spec, "scope");
            return new CrdFileInfo(group, kind, plural, storage ?? versions[0], versions, scope != "Cluster");
        }
        ctx.Error(at, $"crdFile '{at.Value}' holds no CustomResourceDefinition");
        return null;
    }

    private static string? Text(YamlMap map, string key) => map.Find(key)?.Value is YamlScalar { IsNull: false } s ? s.Value : null;
}
