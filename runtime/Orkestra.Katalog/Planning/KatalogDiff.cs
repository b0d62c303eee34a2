using Orkestra.Katalog.Compilation;

namespace Orkestra.Katalog.Planning;

public enum ChangeKind { Added, Removed, Changed }

/// <summary>One setting that differs: its key (<c>reconciler.workers</c>) and both values as printed (null = absent).</summary>
public sealed record SettingChange(string Key, string? Old, string? New);

/// <summary>One template section that differs (<c>operatorBox.onCreate</c>), as unified diff lines of its canonical YAML.</summary>
public sealed record TemplateChange(string Section, IReadOnlyList<string> Diff);

/// <summary>What changes for one CRD (its key under <c>spec.crds</c>). Added and removed CRDs list no settings or
/// templates: all of them come or go.</summary>
public sealed record CrdChange(string Name, ChangeKind Kind, string ApiVersion, string ResourceKind, string Katalog,
    IReadOnlyList<SettingChange> Settings, IReadOnlyList<TemplateChange> Templates);

/// <summary>What changes for one Katalog (by <c>metadata.name</c>) outside its CRDs: <c>security</c>, notes.</summary>
public sealed record KatalogChange(string Name, ChangeKind Kind, IReadOnlyList<SettingChange> Settings,
    IReadOnlyList<TemplateChange> Templates);

/// <summary>Every configuration difference between two compiled Katalog sets.</summary>
public sealed record KatalogChanges(IReadOnlyList<KatalogChange> Katalogs, IReadOnlyList<CrdChange> Crds)
{
    public bool HasChanges => Katalogs.Count > 0 || Crds.Count > 0;
}

/// <summary>
/// Compares what the runtime would run before and after a restart: CRDs (by name) added, removed or changed; per CRD
/// its compiled settings (<see cref="PlanSettings"/>: apiTypes, watch scope, files by content digest, reconciler,
/// queue, finalizers, webhooks …) and its template sections (<see cref="TemplateSections"/>) as line diffs; per
/// Katalog its <c>security</c> settings and <c>notes</c>. Reads the referenced files for their digests; otherwise pure.
/// </summary>
public static class KatalogDiff
{
    public static KatalogChanges Compare(IReadOnlyList<CompiledKatalog> old, IReadOnlyList<CompiledKatalog> @new)
    {
        var katalogs = new List<KatalogChange>();
        var oldKatalogs = old.ToDictionary(k => k.Name, StringComparer.Ordinal);
        var newKatalogs = @new.ToDictionary(k => k.Name, StringComparer.Ordinal);
        foreach (var k in @new.Where(k => !oldKatalogs.ContainsKey(k.Name))) katalogs.Add(new(k.Name, ChangeKind.Added, [], []));
        foreach (var k in old.Where(k => !newKatalogs.ContainsKey(k.Name))) katalogs.Add(new(k.Name, ChangeKind.Removed, [], []));
        foreach (var k in @new.Where(k => oldKatalogs.ContainsKey(k.Name)))
        {
            var before = oldKatalogs[k.Name];
            var settings = Settings(PlanSettings.Of(before), PlanSettings.Of(k));
            var templates = Templates(TemplateSections.Of(before), TemplateSections.Of(k));
            if (settings.Count > 0 || templates.Count > 0) katalogs.Add(new(k.Name, ChangeKind.Changed, settings, templates));
        }

        var crds = new List<CrdChange>();
        var oldOps = Operators(old);
        var newOps = Operators(@new);
        foreach (var (name, (katalog, op)) in newOps)
        {
            if (!oldOps.TryGetValue(name, out var before))
            {
                crds.Add(new(name, ChangeKind.Added, op.ApiTypes.ApiVersion, op.ApiTypes.Kind, katalog.Name, [], []));
                continue;
            }
            var settings = Settings(PlanSettings.Of(before.Katalog, before.Op), PlanSettings.Of(katalog, op));
            var templates = Templates(TemplateSections.Of(before.Katalog, name), TemplateSections.Of(katalog, name));
            if (settings.Count > 0 || templates.Count > 0)
                crds.Add(new(name, ChangeKind.Changed, op.ApiTypes.ApiVersion, op.ApiTypes.Kind, katalog.Name, settings, templates));
        }
        foreach (var (name, (katalog, op)) in oldOps.Where(o => !newOps.ContainsKey(o.Key)))
            crds.Add(new(name, ChangeKind.Removed, op.ApiTypes.ApiVersion, op.ApiTypes.Kind, katalog.Name, [], []));
        return new KatalogChanges(katalogs, crds.OrderBy(c => c.Name, StringComparer.Ordinal).ToArray());
    }

    private static SortedDictionary<string, (CompiledKatalog Katalog, CompiledOperator Op)> Operators(IReadOnlyList<CompiledKatalog> set)
    {
        var all = new SortedDictionary<string, (CompiledKatalog, CompiledOperator)>(StringComparer.Ordinal);
        foreach (var k in set) foreach (var op in k.Operators) all[op.Name] = (k, op);
        return all;
    }

    private static List<SettingChange> Settings(IReadOnlyList<(string Key, string Value)> old,
        IReadOnlyList<(string Key, string Value)> @new)
    {
        var before = old.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        var after = @new.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        var changes = new List<SettingChange>();
        foreach (var (key, value) in @new)
        {
            if (!before.TryGetValue(key, out var was)) changes.Add(new(key, null, value));
            else if (was != value) changes.Add(new(key, was, value));
        }
        foreach (var (key, value) in old.Where(s => !after.ContainsKey(s.Key))) changes.Add(new(key, value, null));
        return changes;
    }

    private static List<TemplateChange> Templates(IReadOnlyList<(string Section, IReadOnlyList<string> Lines)> old,
        IReadOnlyList<(string Section, IReadOnlyList<string> Lines)> @new)
    {
        var before = old.ToDictionary(s => s.Section, s => s.Lines, StringComparer.Ordinal);
        var sections = @new.Select(s => s.Section).Concat(old.Select(s => s.Section)).Distinct(StringComparer.Ordinal);
        var after = @new.ToDictionary(s => s.Section, s => s.Lines, StringComparer.Ordinal);
        var changes = new List<TemplateChange>();
        foreach (var section in sections)
        {
            var diff = LineDiff.Unified(before.GetValueOrDefault(section) ?? [], after.GetValueOrDefault(section) ?? []);
            if (diff.Count > 0) changes.Add(new(section, diff));
        }
        return changes;
    }
}
