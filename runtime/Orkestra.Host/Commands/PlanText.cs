using Orkestra.Katalog.Planning;
using Orkestra.Runtime.Planning;

namespace Orkestra.Host.Commands;

/// <summary>
/// <c>ork plan</c>'s text output: <c>+</c> added, <c>-</c> removed, <c>~</c> changed, per CRD and per setting; template
/// sections as indented unified diffs; then per live CR the children to create (<c>+</c>), update (<c>~</c>, with the
/// drifted fields), rotate (<c>~</c>), delete (<c>-</c>) and those left in place (<c>?</c>); a summary line last.
/// </summary>
internal static class PlanText
{
    public static void Write(TextWriter w, PlanReport report)
    {
        var config = report.Configuration;
        w.WriteLine($"Configuration (against {report.Against}):");
        if (!config.HasChanges) w.WriteLine("  no changes");
        foreach (var k in config.Katalogs)
        {
            w.WriteLine($"  {Mark(k.Kind)} katalog {k.Name}");
            WriteDetails(w, k.Settings, k.Templates);
        }
        foreach (var c in config.Crds)
        {
            w.WriteLine($"  {Mark(c.Kind)} crd {c.Name} ({c.ResourceKind} {c.ApiVersion}, katalog {c.Katalog})");
            WriteDetails(w, c.Settings, c.Templates);
        }
        w.WriteLine();

        int create = 0, update = 0, delete = 0;
        if (report.Cluster is not { } cluster)
        {
            w.WriteLine($"Cluster: not planned ({report.ClusterSkipped})");
        }
        else
        {
            w.WriteLine($"Cluster ({report.Server}, {cluster.Resources.Count} live CR{(cluster.Resources.Count == 1 ? "" : "s")}):");
            foreach (var note in cluster.Notes) w.WriteLine($"  ! {note.Crd}: {note.Message}");
            foreach (var cr in cluster.Resources)
            {
                var name = cr.Namespace is null ? cr.Name : $"{cr.Namespace}/{cr.Name}";
                if (cr.Unknown is not null)
                {
                    w.WriteLine($"  {cr.Crd} {name}: not planned: {cr.Unknown}");
                    continue;
                }
                var changed = cr.Children.Where(c => c.Operation != ChildOperation.Orphan).ToArray();
                create += changed.Count(c => c.Operation == ChildOperation.Create);
                update += changed.Count(c => c.Operation is ChildOperation.Update or ChildOperation.Rotate);
                delete += changed.Count(c => c.Operation == ChildOperation.Delete);
                w.WriteLine(changed.Length == 0 && cr.Errors.Count == 0
                    ? $"  {cr.Crd} {name}: no changes ({cr.Unchanged} unchanged)"
                    : $"  {cr.Crd} {name}: {changed.Length} change{(changed.Length == 1 ? "" : "s")}, {cr.Unchanged} unchanged");
                foreach (var child in cr.Children)
                {
                    var target = child.Namespace is null ? child.Name : $"{child.Namespace}/{child.Name}";
                    var (mark, verb) = child.Operation switch
                    {
                        ChildOperation.Create => ("+", "create"),
                        ChildOperation.Update => ("~", "update"),
                        ChildOperation.Rotate => ("~", "rotate"),
                        ChildOperation.Delete => ("-", "delete"),
                        _ => ("?", "orphan"),
                    };
                    w.WriteLine($"    {mark} {verb} {child.Kind} {target}{(child.Detail is { } d ? $" ({d})" : "")}");
                }
                foreach (var error in cr.Errors) w.WriteLine($"    ! render fails: {error}");
            }
        }
        w.WriteLine();
        var crds = config.Crds;
        w.WriteLine($"Plan: {crds.Count(c => c.Kind == ChangeKind.Added)} CRD(s) to add, {crds.Count(c => c.Kind == ChangeKind.Changed)} "
                    + $"to change, {crds.Count(c => c.Kind == ChangeKind.Removed)} to remove; "
                    + (report.Cluster is null
                        ? "children not planned."
                        : $"children: {create} to create, {update} to update, {delete} to delete."));
    }

    private static void WriteDetails(TextWriter w, IReadOnlyList<SettingChange> settings, IReadOnlyList<TemplateChange> templates)
    {
        foreach (var s in settings)
        {
            w.WriteLine(s switch
            {
                { Old: null } => $"      + {s.Key}: {s.New}",
                { New: null } => $"      - {s.Key}: {s.Old}",
                _ => $"      ~ {s.Key}: {s.Old} → {s.New}",
            });
        }
        foreach (var t in templates)
        {
            w.WriteLine($"      ~ {t.Section}:");
            foreach (var diffLine in t.Diff) w.WriteLine($"          {diffLine}");
        }
    }

    private static string Mark(ChangeKind kind) => kind switch
    {
        ChangeKind.Added => "+",
        ChangeKind.Removed => "-",
        _ => "~",
    };
}
