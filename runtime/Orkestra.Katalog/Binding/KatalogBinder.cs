using System.Text.RegularExpressions;
using Orkestra.ApiMachinery.Kinds;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Binding;

/// <summary>
/// Binds the located tree of one Katalog file to the model records. Every key is read, aliased, or
/// reported ("unknown key", "not supported yet"); bad values are reported where they are and replaced by the
/// default so binding continues and every problem is found in one pass. Per file; not thread-safe.
/// </summary>
internal sealed partial class KatalogBinder(LoadContext ctx, SourceText source)
{
    public const string ApiVersion = "orkestra.orkspace.io/v1";

    private static readonly string[] s_topLevelNotSupported = ["lifecycle", "policy", "profiles", "gateway", "publish",
        "notification", "providers"];

    public KatalogDocument? BindDocument(YamlNode root)
    {
        if (root is not YamlMap map)
        {
            ctx.Error(root, $"a Katalog must be a map with apiVersion, kind, metadata and spec, not {root.Describe()}");
            return null;
        }
        var r = new MapReader(ctx, map, "the Katalog");
        var apiVersion = r.Scalar("apiVersion");
        var kind = r.Scalar("kind");
        if (apiVersion is null) ctx.Diagnostics.Error(map.Location, $"missing apiVersion; expected 'apiVersion: {ApiVersion}'");
        else if (apiVersion.Value != ApiVersion) ctx.Error(apiVersion,
            $"unsupported apiVersion '{apiVersion.Value}'; expected '{ApiVersion}'");
        if (kind is null) ctx.Diagnostics.Error(map.Location, "missing kind; expected 'kind: Katalog'");
        else if (kind.Value != "Katalog")
        {
            var hint = kind.Value == "Simulate" ? "kind Simulate is a simulation: run it with ork simulate -f FILE"
                : kind.Value == "E2E" ? "kind E2E is an end-to-end test: run it with ork e2e -f FILE"
                : kind.Value is "Motif" ? $"not supported yet: kind {kind.Value}"
                : $"unknown kind '{kind.Value}'{Suggestions.Hint(kind.Value, ["Katalog"])}";
            ctx.Error(kind, $"{hint}; expected 'kind: Katalog'");
            return null;
        }

        var metadata = BindMetadata(r);
        var crossAccess = r.Bool("crossAccess") ?? true;
        r.NotSupported(s_topLevelNotSupported);
        foreach (var key in new[] { "imports", "sources" })
        {
            if (r.Entry(key) is { } imports)
                ctx.Error(imports.Key, $"{key} is only valid on kind: Komposer (this is a Katalog: import it from a Komposer)");
        }
        var security = r.MapNode("security") is { } sec ? BindSecurity(sec) : null;
        var functions = r.MapNode("notes") is { } notes ? BindNotes(notes) : [];

        var crds = new List<CrdEntry>();
        IReadOnlyList<string> finalizers = [];
        var spec = r.MapNode("spec");
        if (spec is null)
        {
            if (!r.Has("spec")) ctx.Diagnostics.Error(map.Location, "missing spec; a Katalog declares its CRDs under spec.crds");
        }
        else
        {
            var s = new MapReader(ctx, spec, "spec");
            finalizers = Finalizers(s, "finalizers");
            s.NotSupported("imports");
            var crdMap = s.MapNode("crds");
            if (crdMap is null)
            {
                if (!s.Has("crds")) ctx.Error(spec, "spec.crds is required: a map from CRD name to its operator");
            }
            else
            {
                foreach (var entry in crdMap.Entries)
                {
                    if (BindCrd(entry) is { } crd) crds.Add(crd);
                }
            }
            s.Finish();
        }
        r.Finish();
        return new KatalogDocument(source, ctx.Directory, metadata, crds, finalizers, crossAccess, security, functions);
    }

    private KatalogMetadata BindMetadata(MapReader parent)
    {
        var node = parent.MapNode("metadata");
        if (node is null)
        {
            if (!parent.Has("metadata")) ctx.Diagnostics.Error(parent.Map.Location, "missing metadata.name; every Katalog is named");
            return new KatalogMetadata("", "default", null, null, null, null, null, [], null, null, parent.Map.Location);
        }
        var r = new MapReader(ctx, node, "metadata");
        var name = r.String("name");
        if (name is null && !r.Has("name")) ctx.Error(node, "missing metadata.name; every Katalog is named");
        var createdBy = r.Scalar("createdBy");
        if (createdBy is not null && createdBy.Value is not ("" or "operator" or "orkdoctor"))
            ctx.Error(createdBy, $"metadata.createdBy must be 'operator' or 'orkdoctor', not '{createdBy.Value}'");
        var metadata = new KatalogMetadata(
            name ?? "",
            r.String("namespace") ?? "default",
            r.String("clusterName"),
            r.String("description"),
            r.String("version"),
            r.String("author"),
            r.String("license"),
            r.StringList("tags").Select(t => t.Value).ToArray(),
            createdBy?.Value,
            r.Node("projects"),
            node.Location);
        r.NotSupported("deprecation");
        r.Finish();
        return metadata;
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Rfc1123Label();

    private CrdEntry? BindCrd(YamlEntry entry)
    {
        var name = entry.Key.Value;
        var path = $"spec.crds.{name}";
        if (name.Length > 63 || !Rfc1123Label().IsMatch(name))
            ctx.Error(entry.Key,
                $"CRD name '{name}' must be a lowercase RFC 1123 name "
                + "(a-z, 0-9, '-', at most 63 characters, starting and ending with a letter or digit)");
        if (entry.Value is not YamlMap map)
        {
            ctx.Error(entry.Value, $"{path} must be a map, not {entry.Value.Describe()}");
            return null;
        }
        var r = new MapReader(ctx, map, path);
        var enabled = r.Bool("enabled") ?? true;
        var description = r.String("description");
        if (r.Scalar("mode") is { } mode && mode.Value != "dynamic")
        {
            if (mode.Value == "typed") ctx.Error(mode, "not supported yet: mode: typed (typed mode needs Go types; use dynamic)");
            else ctx.Error(mode, $"{path}.mode must be 'dynamic' or 'typed', not '{mode.Value}'");
        }
        var crdFileNode = r.Scalar("crdFile");
        var crdFile = crdFileNode is null ? null : ctx.ResolveFile(crdFileNode, "crdFile");
        var crFiles = r.StringList("crFiles").Select(f => ctx.ResolveFile(f, "crFiles entry")).OfType<string>().ToArray();
        var setup = BindSetup(r);
        var namespacedNode = r.Node("namespaced");
        bool? namespacedExplicit = namespacedNode is null ? null : ctx.AsBool(namespacedNode, $"{path}.namespaced");
        var apiTypes = BindApiTypes(r, name, crdFile, crdFileNode, ref namespacedExplicit);
        var namespaced = namespacedExplicit ?? (apiTypes.BuiltIn && BuiltInKinds.TryGet(apiTypes.Kind, out var b) ? b.Namespaced : true);
        var ns = r.String("namespace");
        var dependsOn = BindDependsOn(r);
        var labels = r.StringMap("labels").Select(kv => new NamedValue(kv.Key, kv.Value)).ToArray();
        var labelSelector = StaticMap(r, "labelSelector");
        var fieldSelector = StaticMap(r, "fieldSelector");
        if (apiTypes.BuiltIn && labelSelector.Count == 0)
            ctx.Error(map,
                $"{path} watches the built-in kind {apiTypes.Kind}: "
                + "labelSelector is required so the operator only sees the objects meant for it");
        var forceConflict = r.Bool("forceConflict") ?? true;
        var crossAccess = r.Bool("crossAccess") ?? true;
        var ignoreStatusPatch = r.Bool("ignoreStatusPatch") ?? false;
        var ignoreObservedGeneration = r.Bool("ignoreObservedGeneration") ?? false;
        var removeFinalizers = r.Bool("removeFinalizers") ?? false;
        var restricted = r.StringList("restrictedNamespaces").Select(s => s.Value).ToArray();
        var allowed = r.StringList("allowedNamespaces").Select(s => s.Value).ToArray();
        if (restricted.Length > 0 && allowed.Length > 0)
            ctx.Error(r.Entry("allowedNamespaces")!.Key, $"{path}: declare restrictedNamespaces or allowedNamespaces, not both");
        var endpoints = BindEndpoints(r);
        var webhooks = BindWebhooks(r);
        var box = BindOperatorBox(r, path);
        var validation = r.MapNode("validation") is { } v ? BindValidation(v, $"{path}.validation") : null;
        var mutation = r.MapNode("mutation") is { } m ? BindMutation(m, $"{path}.mutation") : null;
        var normalize = r.MapNode("normalize") is { } n ? BindNormalize(n, $"{path}.normalize") : null;
        var conversion = r.MapNode("conversion") is { } c ? BindConversion(c, $"{path}.conversion") : null;
        if (r.Entry("admission") is { } nested)
            ctx.Error(nested.Key, $"{path}.admission is not a key: write conversion at {path}.conversion " +
                                  $"and validation/mutation at {path}.validation/mutation");
        r.NotSupported("enrich", "enrichAll", "serve", "deletionProtection", "katalogName", "katalogNamespace",
            "katalogDescription", "katalogVersion", "workersActive");
        r.Finish();
        return new CrdEntry(name, entry.Key.Location, enabled, description, apiTypes, namespaced, ns, crdFile, crFiles, setup,
            dependsOn, labels, labelSelector, fieldSelector, forceConflict, crossAccess, ignoreStatusPatch, ignoreObservedGeneration,
            removeFinalizers, restricted, allowed, endpoints, webhooks, box, validation, mutation, normalize, conversion);
    }

    private IReadOnlyDictionary<string, string> StaticMap(MapReader r, string key)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, value) in r.StringMap(key))
        {
            if (value.IsTemplate) ctx.Error(value, $"{r.PathOf(key)}.{k} must be a fixed value; templates are not allowed here");
            else result[k] = value.Value;
        }
        return result;
    }

    private IReadOnlyList<string> BindSetup(MapReader r)
    {
        var node = r.Node("setup");
        if (node is null or YamlScalar { IsNull: true }) return [];
        IReadOnlyList<YamlScalar> files;
        if (node is YamlMap map)
        {
            var s = new MapReader(ctx, map, r.PathOf("setup"));
            files = s.StringList("apply");
            s.NotSupported("wait");
            s.Finish();
        }
        else files = ctx.AsStringList(node, r.PathOf("setup"));
        return files.Select(f => ctx.ResolveFile(f, "setup file")).OfType<string>().ToArray();
    }

    private ApiTypes BindApiTypes(MapReader r, string crdName, string? crdFile, YamlScalar? crdFileNode, ref bool? namespaced)
    {
        var path = r.PathOf("apiTypes");
        var fromFile = crdFile is null ? null : CrdFileReader.Read(ctx, crdFile, crdFileNode!);
        var node = r.MapNode("apiTypes");
        if (node is null)
        {
            if (fromFile is not null)
            {
                namespaced ??= fromFile.Namespaced;
                return new ApiTypes(fromFile.Group, fromFile.Version, fromFile.Kind, fromFile.Plural, false, crdFileNode!.Location);
            }
            if (crdFileNode is null && !r.Has("apiTypes"))
                ctx.Error(r.Map, $"{r.Context}: apiTypes is required (group, version, kind, plural), or a crdFile to read them from");
            return new ApiTypes("", "", "", "", false, r.Map.Location);
        }
        var a = new MapReader(ctx, node, path);
        var group = a.String("group");
        var version = a.String("version");
        var kindNode = a.Scalar("kind");
        var plural = a.String("plural");
        var apiPath = a.Scalar("apiPath");
        a.NotSupported("location", "object", "objectList", "alias");
        a.Finish();
        var kind = kindNode?.Value ?? "";
        if (kindNode is null) ctx.Error(node, $"{path}.kind is required");
        var builtIn = group is null && BuiltInKinds.TryGet(kind, out var builtin) ? builtin : null;
        if (builtIn is not null)
        {
            group = builtIn.Group;
            version ??= builtIn.Version;
            plural ??= builtIn.Plural;
        }
        else if (kindNode is not null)
        {
            var missing = new[] { ("group", group), ("version", version), ("plural",
                plural) }.Where(p => p.Item2 is null).Select(p => p.Item1).ToArray();
            if (missing.Length > 0 && fromFile is null)
            {
                var builtinNote = BuiltInKinds.TryGet(kind, out _) ? "" : $" ({kind} is not a built-in kind)";
                ctx.Error(node, $"{path} needs {string.Join(", ", missing)}{builtinNote}");
            }
        }
        if (fromFile is not null)
        {
            group ??= fromFile.Group;
            version ??= fromFile.Version;
            plural ??= fromFile.Plural;
            namespaced ??= fromFile.Namespaced;
            if (fromFile.Group != group || fromFile.Kind != kind || fromFile.Plural != plural)
                ctx.Error(node,
                    $"{path} ({group}/{kind}, plural {plural}) does not match crdFile "
                    + $"({fromFile.Group}/{fromFile.Kind}, plural {fromFile.Plural})");
            else if (!fromFile.Versions.Contains(version ?? ""))
                ctx.Error(node, $"{path}.version '{version}' is not served by crdFile (versions: {string.Join(", ", fromFile.Versions)})");
        }
        if (group is not null && group.Length > 0 && !group.Contains('.') && builtIn is null && !BuiltInKinds.All.Any(k
            => k.Group == group))
            ctx.Error(node, $"{path}.group '{group}' must be a DNS name with a dot (e.g. demo.example.com)");
        if (apiPath is not null && apiPath.Value != ((group ?? "").Length == 0 ? "/api" : "/apis"))
            ctx.Error(apiPath, $"{path}.apiPath '{apiPath.Value}' does not match the group ('/api' is for the core group only)");
        if (plural is not null && plural != plural.ToLowerInvariant())
            ctx.Error(node, $"{path}.plural '{plural}' must be lowercase");
        return new ApiTypes(group ?? "", version ?? "", kind, plural ?? "", builtIn is not null, node.Location);
    }

    private IReadOnlyList<Dependency> BindDependsOn(MapReader r)
    {
        var node = r.Node("dependsOn");
        var path = r.PathOf("dependsOn");
        var result = new List<Dependency>();
        switch (node)
        {
            case null or YamlScalar { IsNull: true }:
                break;
            case YamlList list:
                foreach (var item in list.Items)
                {
                    if (ctx.AsString(item, $"{path} entry") is { } target) result.Add(new Dependency(target, DependencyCondition.Started,
                        item.Location));
                }
                break;
            case YamlMap map:
                foreach (var entry in map.Entries)
                {
                    YamlNode? conditionNode = entry.Value;
                    if (entry.Value is YamlMap obj)
                    {
                        var d = new MapReader(ctx, obj, $"{path}.{entry.Key.Value}");
                        conditionNode = d.Node("condition");
                        d.Finish();
                    }
                    var condition = conditionNode is null or YamlScalar { IsNull: true } ? DependencyCondition.Started
                        : ParseDependencyCondition(conditionNode, $"{path}.{entry.Key.Value}");
                    result.Add(new Dependency(entry.Key.Value, condition, entry.Key.Location));
                }
                break;
            default:
                ctx.Error(node, $"{path} must be a list of CRD names or a map of CRD name to condition, not {node.Describe()}");
                break;
        }
        return result;
    }

    private DependencyCondition ParseDependencyCondition(YamlNode node, string path)
    {
        var text = ctx.AsString(node, path);
        switch (text)
        {
            case null: return DependencyCondition.Started;
            case "started": return DependencyCondition.Started;
            case "healthy": return DependencyCondition.Healthy;
            case "pending" or "ready" or "degraded" or "deleted":
                ctx.Error(node, $"not supported yet: dependsOn condition '{text}' (use started or healthy)");
                return DependencyCondition.Started;
            default:
                ctx.Error(node,
                    $"unknown dependsOn condition '{text}'; use started or healthy{Suggestions.Hint(text, ["started", "healthy"])}");
                return DependencyCondition.Started;
        }
    }

    private EndpointsConfig BindEndpoints(MapReader r)
    {
        if (r.MapNode("endpoints") is not { } node) return EndpointsConfig.Default;
        var e = new MapReader(ctx, node, r.PathOf("endpoints"));
        var result = new EndpointsConfig(e.Bool("enabled") ?? true, e.Bool("health") ?? true, e.Bool("info") ?? true);
        e.Finish();
        return result;
    }

    private WebhooksConfig BindWebhooks(MapReader r)
    {
        if (r.MapNode("webhooks") is not { } node) return WebhooksConfig.Default;
        var w = new MapReader(ctx, node, r.PathOf("webhooks"));
        var operations = w.Has("operations") ? w.StringList("operations") : null;
        foreach (var op in operations ?? [])
        {
            if (op.Value is not ("CREATE" or "UPDATE" or "DELETE" or "CONNECT"))
                ctx.Error(op, $"unknown admission operation '{op.Value}'; use CREATE, UPDATE, DELETE or CONNECT");
        }
        var result = new WebhooksConfig(w.Bool("validation") ?? true, w.Bool("mutation") ?? true,
            operations is null ? WebhooksConfig.Default.Operations : operations.Select(o => o.Value).ToArray());
        w.Finish();
        return result;
    }

    private IReadOnlyList<string> Finalizers(MapReader r, string key)
    {
        var list = r.StringList(key);
        foreach (var f in list)
        {
            if (!f.Value.Contains('/')) ctx.Diagnostics.Warning(f.Location,
                $"finalizer '{f.Value}' should be domain-qualified, such as example.com/cleanup");
        }
        return list.Select(f => f.Value).ToArray();
    }
}
