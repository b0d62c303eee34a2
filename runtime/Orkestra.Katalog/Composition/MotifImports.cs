using System.Text;
using System.Text.RegularExpressions;
using Orkestra.Katalog.Binding;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Composition;

/// <summary>
/// CRD-level Motif imports (schema reference §1.5 <c>imports</c>): each <c>spec.crds.&lt;name&gt;.imports[]</c> item
/// (<c>motif</c>: a path relative to the file that declares it, or with <c>oci: true</c> a registry reference pulled through
/// <see cref="IKatalogRegistry"/>; <c>version</c>; <c>with</c>: the Motif's inputs) loads a <c>kind: Motif</c> document and
/// merges its resources into the CRD entry at load time: <c>resources.&lt;kind&gt;</c> lists are appended to
/// <c>operatorBox.onReconcile</c>, <c>resources.onCreate.&lt;kind&gt;</c> to <c>operatorBox.onCreate</c>. Inside the Motif's
/// templates <c>.inputs.NAME</c> becomes the bound value: a literal as a quoted string, a one-action template
/// (<c>"{{ .spec.image }}"</c>) as its expression, so it is evaluated in the CR's reconcile context. A required input
/// missing from <c>with</c>, a <c>with</c> key the Motif does not declare and an undeclared <c>.inputs.x</c> are located
/// errors. Per load; not thread-safe.
/// </summary>
internal sealed partial class MotifImports(LoadContext ctx, KatalogLoadOptions options)
{
    private sealed record Input(string Name, bool Required, string? Default);

    /// <summary>The root with every CRD entry's <c>imports</c> expanded (and removed); the root itself when none has any.</summary>
    public YamlNode Expand(YamlNode root)
    {
        if (root is not YamlMap map || map.Find("spec") is not { Value: YamlMap spec } specEntry
            || spec.Find("crds") is not { Value: YamlMap crds } crdsEntry) return root;
        if (!crds.Entries.Any(e => e.Value is YamlMap body && body.Find("imports") is not null)) return root;
        var expanded = crds.Entries.Select(e => e.Value is YamlMap body && body.Find("imports") is { } imports
            ? e with { Value = ExpandCrd(e.Key.Value, body, imports) } : e).ToArray();
        var newSpec = TreeMerge.With(spec, spec.Entries.Select(e => e == crdsEntry ? e with { Value = TreeMerge.With(crds, expanded) } : e)
            .ToArray());
        return TreeMerge.With(map, map.Entries.Select(e => e == specEntry ? e with { Value = newSpec } : e).ToArray());
    }

    private YamlMap ExpandCrd(string crd, YamlMap body, YamlEntry imports)
    {
        var result = TreeMerge.With(body, body.Entries.Where(e => e != imports).ToArray());
        if (imports.Value is YamlScalar { IsNull: true }) return result;
        if (imports.Value is not YamlList list)
        {
            ctx.Error(imports.Value, $"spec.crds.{crd}.imports must be a list of Motif imports, not {imports.Value.Describe()}");
            return result;
        }
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (Motif(list.Items[i], $"spec.crds.{crd}.imports[{i}]") is { } resources) result = Merge(result, resources);
        }
        return result;
    }

    /// <summary>One import → the Motif's resources with its inputs bound, as <c>(hook, kind entry)</c> pairs.</summary>
    private IReadOnlyList<(string Hook, YamlEntry Kind)>? Motif(YamlNode item, string what)
    {
        if (item is not YamlMap map)
        {
            ctx.Error(item, $"{what} must be a map with motif (and with), not {item.Describe()}");
            return null;
        }
        var r = new MapReader(ctx, map, what);
        var reference = r.Scalar("motif");
        var oci = r.Bool("oci") ?? false;
        var version = r.String("version");
        var with = r.StringMap("with");
        r.NotSupported("auth");
        r.Finish();
        if (reference is null)
        {
            if (!r.Has("motif")) ctx.Error(map, $"{what} needs motif: a path, or a registry reference with oci: true");
            return null;
        }
        if (Load(reference, oci, version, what) is not { } motif) return null;
        var inputs = Inputs(motif);
        foreach (var (name, value) in with)
        {
            if (!inputs.Any(x => x.Name == name))
                ctx.Error(map.Find("with")!.Value is YamlMap w ? w.Find(name)!.Key : value,
                    $"{what}.with.{name}: Motif '{Name(motif)}' has no input '{name}'"
                    + (inputs.Count == 0 ? " (it declares none)" : $" (inputs: {string.Join(", ", inputs.Select(x => x.Name))})")
                    + Suggestions.Hint(name, inputs.Select(x => x.Name)));
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var ok = true;
        foreach (var input in inputs)
        {
            var bound = with.FirstOrDefault(w => w.Key == input.Name).Value;
            if (bound is not null)
            {
                if (Expression(bound, $"{what}.with.{input.Name}") is { } expression) values[input.Name] = expression;
                else ok = false;
            }
            else if (input.Required)
            {
                ctx.Error(reference, $"{what}: Motif '{Name(motif)}' ({motif.Location}) requires input '{input.Name}'; "
                                     + $"set it under {what}.with");
                ok = false;
            }
            else values[input.Name] = Quote(input.Default ?? "");
        }
        if (!ok) return null;
        var m = new MapReader(ctx, motif, $"Motif {Name(motif)}");
        m.Scalar("apiVersion");
        m.Scalar("kind");
        m.Node("metadata");
        m.Node("inputs");
        var resources = m.MapNode("resources");
        m.NotSupported("status", "admission", "profiles");
        m.Finish();
        if (resources is null)
        {
            if (!m.Has("resources")) ctx.Error(motif, $"Motif '{Name(motif)}' declares no resources");
            return [];
        }
        var result = new List<(string, YamlEntry)>();
        foreach (var entry in resources.Entries)
        {
            if (entry.Key.Value == "onCreate" && entry.Value is YamlMap onCreate)
                result.AddRange(onCreate.Entries.Select(e => ("onCreate", e with { Value = Bind(e.Value, values, motif) })));
            else result.Add(("onReconcile", entry with { Value = Bind(entry.Value, values, motif) }));
        }
        return result;
    }

    private YamlMap? Load(YamlScalar reference, bool oci, string? version, string what)
    {
        var text = reference.Value.Trim();
        string path, display, directory, origin;
        if (oci)
        {
            if (options.Registry is null)
            {
                ctx.Error(reference, $"{what} '{text}': no registry client in this load (ork run and ork validate provide one)");
                return null;
            }
            var full = version is null || text.Contains('@', StringComparison.Ordinal) || text[(text.LastIndexOf('/') + 1)..].Contains(':')
                ? text : $"{text}:{version}";
            PulledKatalog pulled;
            try { pulled = options.Registry.Pull(full); }
            catch (KatalogSourceException e)
            {
                ctx.Error(reference, $"{what}: {e.Message}");
                return null;
            }
            path = Path.Combine(pulled.Directory, pulled.KatalogFile);
            display = $"{pulled.Reference}/{pulled.KatalogFile}";
            directory = pulled.Directory;
            origin = $"Motif imported from {pulled.Reference} by {what} at {reference.Location}";
        }
        else
        {
            if (text.Contains("://", StringComparison.Ordinal))
            {
                ctx.Error(reference,
                    $"not supported yet: {what} '{text}' from Git or https (use a local file, or a registry with oci: true)");
                return null;
            }
            if (ctx.ResolveFile(reference, $"{what} motif") is not { } resolved) return null;
            path = resolved;
            display = Path.IsPathRooted(reference.Source.File) ? resolved
                : Path.GetRelativePath(System.IO.Directory.GetCurrentDirectory(), resolved);
            directory = Path.GetDirectoryName(resolved) ?? ctx.Directory;
            origin = $"Motif imported by {what} at {reference.Location}";
        }
        string content;
        try { content = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ctx.Error(reference, $"{what} '{text}' cannot be read: {e.Message}");
            return null;
        }
        if (content.Length > 0 && content[0] == '\uFEFF') content = content[1..];
        var source = new SourceText(display, content.Replace("\r\n", "\n", StringComparison.Ordinal));
        ctx.Diagnostics.Attribute(display, origin);
        ctx.RegisterDirectory(source, directory);
        var root = YamlTreeReader.Read(source, ctx.Diagnostics);
        if (root is null) return null;
        var kind = (root as YamlMap)?.Find("kind")?.Value as YamlScalar;
        if (root is YamlMap map && kind?.Value == "Motif")
        {
            if (map.Find("apiVersion")?.Value is YamlScalar { Value: var v } apiVersion && v != KatalogBinder.ApiVersion)
                ctx.Error(apiVersion, $"unsupported apiVersion '{v}'; expected '{KatalogBinder.ApiVersion}'");
            return map;
        }
        var found = kind is null ? $"no kind at {root.Location}" : $"kind {kind.Value} at {kind.Location}";
        ctx.Error(reference, $"{what} '{text}' is not a Motif ({found}); a CRD imports kind: Motif documents");
        return null;
    }

    private List<Input> Inputs(YamlMap motif)
    {
        var result = new List<Input>();
        var node = motif.Find("inputs")?.Value;
        if (node is null or YamlScalar { IsNull: true }) return result;
        if (node is not YamlList list)
        {
            ctx.Error(node, $"inputs must be a list of {{name, required, default}}, not {node.Describe()}");
            return result;
        }
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (list.Items[i] is not YamlMap item)
            {
                ctx.Error(list.Items[i], $"inputs[{i}] must be a map with name, not {list.Items[i].Describe()}");
                continue;
            }
            var r = new MapReader(ctx, item, $"inputs[{i}]");
            var name = r.String("name");
            var required = r.Bool("required") ?? false;
            var defaultValue = r.String("default");
            r.String("description");
            r.String("type");
            r.Finish();
            if (name is null) { if (!r.Has("name")) ctx.Error(item, $"inputs[{i}] needs name"); continue; }
            if (required && defaultValue is not null)
                ctx.Error(r.Entry("default")!.Key, $"inputs[{i}] '{name}' is required, so it has no default");
            if (result.Any(x => x.Name == name)) ctx.Error(item, $"input '{name}' is declared twice");
            else result.Add(new Input(name, required, defaultValue));
        }
        return result;
    }

    private static string Name(YamlMap motif) => (TreeMerge.Find(motif, "metadata.name") as YamlScalar)?.Value ?? "(unnamed)";

    [GeneratedRegex(@"^\{\{-?\s*(?<expr>.*?)\s*-?\}\}$", RegexOptions.Singleline)]
    private static partial Regex OneAction();

    /// <summary>A bound value as a template expression: a literal as a quoted string, one action as its expression.</summary>
    private string? Expression(YamlScalar value, string what)
    {
        if (!value.IsTemplate) return Quote(value.Value);
        var match = OneAction().Match(value.Value.Trim());
        if (match.Success && !match.Groups["expr"].Value.Contains("}}", StringComparison.Ordinal)
            && !match.Groups["expr"].Value.Contains("{{", StringComparison.Ordinal))
            return $"({match.Groups["expr"].Value})";
        ctx.Error(value, $"not supported yet: {what} mixes text and template actions; bind one {{{{ … }}}} action or a literal");
        return null;
    }

    private static string Quote(string text)
    {
        var b = new StringBuilder("\"");
        foreach (var c in text)
        {
            b.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }
        return b.Append('"').ToString();
    }

    [GeneratedRegex(@"\$?\.inputs\.(?<name>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex InputReference();

    [GeneratedRegex(@"\{\{.*?\}\}", RegexOptions.Singleline)]
    private static partial Regex Action();

    /// <summary>The subtree with <c>.inputs.NAME</c> inside every template action replaced by the bound expression.</summary>
    private YamlNode Bind(YamlNode node, IReadOnlyDictionary<string, string> values, YamlMap motif) => node switch
    {
        YamlMap map => TreeMerge.With(map, map.Entries.Select(e => e with { Value = Bind(e.Value, values, motif) }).ToArray()),
        YamlList list => new YamlList(list.Source, list.Start, list.End, list.Items.Select(i => Bind(i, values, motif)).ToArray()),
        YamlScalar { IsTemplate: true } s => BindScalar(s, values, motif),
        _ => node,
    };

    private YamlScalar BindScalar(YamlScalar scalar, IReadOnlyDictionary<string, string> values, YamlMap motif)
    {
        var changed = false;
        var text = Action().Replace(scalar.Value, action => InputReference().Replace(action.Value, m =>
        {
            if (values.TryGetValue(m.Groups["name"].Value, out var expression))
            {
                changed = true;
                return expression;
            }
            ctx.Error(scalar, $"Motif '{Name(motif)}' uses .inputs.{m.Groups["name"].Value}, which its inputs do not declare");
            return m.Value;
        }));
        return changed ? new YamlScalar(scalar.Source, scalar.Start, scalar.End, text, scalar.Style) : scalar;
    }

    /// <summary>Appends the Motif's kind lists to the CRD entry's <c>operatorBox.&lt;hook&gt;</c>.</summary>
    private YamlMap Merge(YamlMap crd, IReadOnlyList<(string Hook, YamlEntry Kind)> resources)
    {
        foreach (var (hook, kind) in resources)
        {
            var boxEntry = crd.Find("operatorBox");
            var box = boxEntry?.Value as YamlMap ?? TreeMerge.With(crd, []);
            var hookEntry = box.Find(hook);
            var hookMap = hookEntry?.Value as YamlMap ?? TreeMerge.With(box, []);
            var existing = hookMap.Find(kind.Key.Value);
            YamlEntry merged = existing is { Value: YamlList mine } && kind.Value is YamlList theirs
                ? existing with { Value = new YamlList(mine.Source, mine.Start, mine.End, [.. mine.Items, .. theirs.Items]) }
                : kind;
            if (existing is not null && merged == kind)
            {
                ctx.Error(kind.Key,
                    $"{hook}.{kind.Key.Value}: the Motif's list cannot be merged with the CRD's at {existing.Key.Location}");
                continue;
            }
            hookMap = Replace(hookMap, kind.Key.Value, merged);
            box = Replace(box, hook, new YamlEntry(hookEntry?.Key ?? TreeMerge.Scalar(kind.Key, hook), hookMap));
            crd = Replace(crd, "operatorBox", new YamlEntry(boxEntry?.Key ?? TreeMerge.Scalar(kind.Key, "operatorBox"), box));
        }
        return crd;
    }

    private static YamlMap Replace(YamlMap map, string key, YamlEntry entry)
    {
        var entries = map.Entries.ToList();
        var at = entries.FindIndex(e => e.Key.Value == key);
        if (at < 0) entries.Add(entry);
        else entries[at] = entry;
        return TreeMerge.With(map, entries);
    }
}
