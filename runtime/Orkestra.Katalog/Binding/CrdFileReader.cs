using System.Text.Json.Nodes;
using System.Text.Json;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Manifests;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Binding;

/// <summary>What a <c>crdFile</c> declares: enough to infer or check <c>apiTypes</c> and scope.</summary>
internal sealed record CrdFileInfo(string Group, string Kind, string Plural, string Version, IReadOnlyList<string> Versions,
    bool Namespaced);

/// <summary>
/// Reads a CustomResourceDefinition YAML (the first document with <c>kind: CustomResourceDefinition</c>) with the
/// manifest reader, so the file means here what it means to <c>ork run</c> and kubectl. Problems inside the file are
/// reported at their place in that file; a file that is not a CRD is reported at the <c>crdFile</c> key. Stateless.
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
        var file = Path.Combine(Path.GetDirectoryName(at.Source.File) ?? "", at.Value.Trim());
        var bag = new DiagnosticBag();
        var documents = ManifestYaml.Parse(text, file, bag);
        ctx.Diagnostics.AddRange(bag.Items);
        if (bag.HasErrors) return null;
        foreach (var doc in documents)
        {
            if (doc.Content is not JsonObject map || Text(map, "kind") != "CustomResourceDefinition") continue;
            var spec = map["spec"] as JsonObject;
            var names = spec?["names"] as JsonObject;
            var group = spec is null ? null : Text(spec, "group");
            var kind = names is null ? null : Text(names, "kind");
            var plural = names is null ? null : Text(names, "plural");
            var versions = new List<string>();
            string? storage = null;
            if (spec?["versions"] is JsonArray list)
            {
                foreach (var item in list.OfType<JsonObject>())
                {
                    if (Text(item, "name") is not { } name) continue;
                    versions.Add(name);
                    if (item["storage"]?.GetValueKind() == JsonValueKind.True) storage = name;
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

    private static string? Text(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
