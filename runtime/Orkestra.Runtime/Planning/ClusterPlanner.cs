using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Rendering;
using Orkestra.Kube;
using Orkestra.Kube.Client;
using Orkestra.Runtime.Cluster;
using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Planning;

/// <summary>What the first reconcile after a restart does to one child.</summary>
public enum ChildOperation
{
    Create,
    Update,
    Rotate,
    Delete,

    /// <summary>Owned by the CR but no longer rendered: the runtime leaves it alone (it goes with the CR).</summary>
    Orphan,
}

/// <summary>One child of a live CR that the plan touches; <see cref="Detail"/> names the drifted fields of an update or
/// the reason of a delete.</summary>
public sealed record ChildPlan(ChildOperation Operation, string ApiVersion, string Kind, string? Namespace, string Name, string? Detail);

/// <summary>One live CR: its children that change, how many stay as they are, and why the plan could not tell
/// (<see cref="Unknown"/>) or what would fail (<see cref="Errors"/>).</summary>
public sealed record CustomResourcePlan(string Crd, string? Namespace, string Name, IReadOnlyList<ChildPlan> Children, int Unchanged,
    string? Unknown, IReadOnlyList<string> Errors)
{
    public bool HasChanges => Errors.Count > 0 || Children.Any(c => c.Operation != ChildOperation.Orphan);
}

/// <summary>A per-CRD fact of the cluster view (CRD not served, CRs no longer reconciled, CRs being deleted).</summary>
public sealed record CrdNote(string Crd, string Message);

/// <summary>The children every live CR would get created, changed or deleted by the new configuration.</summary>
public sealed record ClusterPlan(IReadOnlyList<CustomResourcePlan> Resources, IReadOnlyList<CrdNote> Notes)
{
    public bool HasChanges => Resources.Any(r => r.HasChanges);
}

/// <summary>
/// Plans the first reconcile of every live CR under a new configuration, without writing anything: one LIST per CRD and
/// per child kind (the informers' view: CRs by the operator's namespace and selectors, children by the managed label),
/// then per CR the reconcile's own render (<see cref="WriteFreeRender"/>: normalize, cross reads, <c>onCreate</c> +
/// <c>onReconcile</c>) and its own per-child decision (<see cref="ChildApplier.Decide"/>, <see cref="ChildApplier.Deletions"/>).
/// Operators with <c>external</c> calls are not rendered (they would call out). An update is "would apply": the server
/// may still find that only the form differs. Namespace protection is not evaluated.
/// </summary>
public static class ClusterPlanner
{
    private const string ManagedSelector = WellKnownLabels.Managed + "=true";

    public static async Task<ClusterPlan> PlanAsync(IReadOnlyList<CompiledKatalog> @new, IReadOnlyList<CompiledKatalog> old,
        IKubeReader api, IRestMapper mapper, string? watchNamespace, TimeProvider time, CancellationToken cancellation)
    {
        var notes = new List<CrdNote>();
        var resources = new List<CustomResourcePlan>();
        var newOps = @new.SelectMany(k => k.Operators).Where(o => o.Settings.Enabled).ToArray();
        var oldOps = old.SelectMany(k => k.Operators).ToDictionary(o => o.Name, StringComparer.Ordinal);
        var children = new ChildLists(api, mapper, cancellation);

        var crsByOperator = new Dictionary<string, IReadOnlyList<JsonElement>>(StringComparer.Ordinal);
        foreach (var op in newOps)
        {
            var crs = await ListCustomResourcesAsync(op, api, mapper, watchNamespace, cancellation).ConfigureAwait(false);
            var types = op.ApiTypes;
            if (crs is null) notes.Add(new(op.Name, $"{types.Kind}.{types.Group}/{types.Version} is not served: no live CRs"));
            crsByOperator[op.Name] = crs ?? [];
        }
        var cross = new ListedCross(newOps, crsByOperator);

        foreach (var op in newOps)
        {
            var kinds = op.ObservedKinds.Concat(oldOps.GetValueOrDefault(op.Name)?.ObservedKinds ?? [])
                .Where(k => k.ApiVersion.Length > 0).Select(k => (k.ApiVersion, k.Kind)).Distinct().ToArray();
            foreach (var cr in crsByOperator[op.Name])
            {
                var self = ObjectRef.Of(cr);
                if (cr.GetProperty("metadata").TryGetProperty("deletionTimestamp", out _))
                {
                    notes.Add(new(op.Name, $"{self} is being deleted: its onDelete runs, nothing is applied"));
                    continue;
                }
                var observed = await children.OwnedAsync(kinds, op, self).ConfigureAwait(false);
                resources.Add(await PlanOneAsync(op, cr, self, observed, cross, children, crsByOperator[op.Name], time)
                    .ConfigureAwait(false));
            }
        }

        var newNames = newOps.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var op in oldOps.Values.Where(o => o.Settings.Enabled && !newNames.Contains(o.Name)))
        {
            var crs = await ListCustomResourcesAsync(op, api, mapper, watchNamespace, cancellation).ConfigureAwait(false);
            if (crs is { Count: > 0 })
                notes.Add(new(op.Name, $"{crs.Count} live {op.ApiTypes.Kind} CR{(crs.Count == 1 ? "" : "s")} no longer reconciled "
                                       + "(their children stay; their finalizer is not removed)"));
        }
        return new ClusterPlan(resources, notes);
    }

    private static async Task<CustomResourcePlan> PlanOneAsync(CompiledOperator op, JsonElement cr, ObjectRef self,
        IReadOnlyList<JsonElement> observed, ICrossSource cross, ChildLists lists, IReadOnlyList<JsonElement> peers, TimeProvider time)
    {
        var (result, unknown) = WriteFreeRender.Render(op, cr, observed, cross, time, () => peers);
        if (result is null) return new(op.Name, self.Namespace, self.Name, [], 0, unknown, []);
        // Children of kinds the runtime does not observe (custom kinds) are decided against the cluster too.
        var rendered = result.Children.Select(c => ((string)c.Manifest["apiVersion"]!, (string)c.Manifest["kind"]!)).Distinct().ToArray();
        var decidedOn = observed.Concat(await lists.OwnedAsync(rendered, op, self).ConfigureAwait(false))
            .DistinctBy(ObjectRef.Of).ToArray();
        var plans = new List<ChildPlan>();
        var unchanged = 0;
        var desired = new HashSet<ObjectRef>();
        foreach (var child in result.Children)
        {
            var target = ObjectRef.Of(child.Manifest);
            desired.Add(target);
            var current = ChildApplier.Find(decidedOn, child.Manifest);
            switch (ChildApplier.Decide(child, current, time.GetUtcNow()))
            {
                case ChildAction.Keep: unchanged++; break;
                case ChildAction.Create: plans.Add(Plan(ChildOperation.Create, target, null)); break;
                case ChildAction.Rotate: plans.Add(Plan(ChildOperation.Rotate, target, "older than rotateAfter")); break;
                default:
                    plans.Add(Plan(ChildOperation.Update, target, string.Join(", ", DriftPaths.Of(child.Manifest, current!.Value))));
                    break;
            }
        }
        foreach (var target in ChildApplier.Deletions(result, decidedOn))
        {
            var gone = result.Skipped.First(s => s.Manifest is { } m && ObjectRef.Of(m) == target);
            plans.Add(Plan(ChildOperation.Delete, target, gone.Reason));
            desired.Add(target);
        }
        foreach (var child in decidedOn.Select(ObjectRef.Of).Where(r => !desired.Contains(r)))
            plans.Add(Plan(ChildOperation.Orphan, child, "no longer rendered; left in place"));
        var errors = result.Errors.Select(e => e.ToString()).ToArray();
        return new(op.Name, self.Namespace, self.Name, plans, unchanged, null, errors);
    }

    private static ChildPlan Plan(ChildOperation operation, ObjectRef target, string? detail) =>
        new(operation, target.ApiVersion, target.Kind, target.Namespace, target.Name, detail is { Length: 0 } ? null : detail);

    /// <summary>The CRs the operator's informer would list; null when the kind is not served.</summary>
    private static async Task<IReadOnlyList<JsonElement>?> ListCustomResourcesAsync(CompiledOperator op, IKubeReader api,
        IRestMapper mapper, string? watchNamespace, CancellationToken cancellation)
    {
        var types = op.ApiTypes;
        ResourceMapping mapping;
        try
        {
            var kind = new GroupVersionKind(types.Group, types.Version, types.Kind);
            mapping = await mapper.MapAsync(kind, cancellation).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return null;
        }
        var ns = mapping.Namespaced ? op.Settings.Namespace ?? watchNamespace : null;
        return await ListAllAsync(api, mapping.Resource, ns, new ListOptions
        {
            LabelSelector = Selector(op.Settings.LabelSelector), FieldSelector = Selector(op.Settings.FieldSelector),
        }, cancellation).ConfigureAwait(false);
    }

    internal static async Task<IReadOnlyList<JsonElement>> ListAllAsync(IKubeReader api, GroupVersionResource resource, string? ns,
        ListOptions options, CancellationToken cancellation)
    {
        var items = new List<JsonElement>();
        string? next = null;
        do
        {
            var page = await api.ListAsync(resource, ns, options with { Continue = next, Limit = 500 }, cancellation).ConfigureAwait(false);
            items.AddRange(page.Items);
            next = page.Continue;
        } while (!string.IsNullOrEmpty(next));
        return items;
    }

    private static string? Selector(IReadOnlyDictionary<string, string> pairs) =>
        pairs.Count == 0 ? null : string.Join(",", pairs.Select(p => $"{p.Key}={p.Value}"));

    /// <summary>Managed children per kind, each kind listed once; a kind the server does not serve has none.</summary>
    private sealed class ChildLists(IKubeReader api, IRestMapper mapper, CancellationToken cancellation)
    {
        private readonly Dictionary<(string ApiVersion, string Kind), IReadOnlyList<JsonElement>> _byKind = new();

        public async Task<IReadOnlyList<JsonElement>> OwnedAsync(IEnumerable<(string ApiVersion, string Kind)> kinds, CompiledOperator op,
            ObjectRef owner)
        {
            var owned = new List<JsonElement>();
            var label = WellKnownLabels.OwnerValue(owner.Name);
            foreach (var kind in kinds)
            {
                foreach (var child in await ListAsync(kind).ConfigureAwait(false))
                {
                    if (ObjectMeta.Label(child, WellKnownLabels.Owner) != label) continue;
                    var ns = ObjectMeta.Namespace(child);
                    if (ns is not null && ns != owner.Namespace) continue;
                    if (OwnerReferences.Of(child) is { } refs
                        && !refs.Any(r => r.Kind == op.ApiTypes.Kind && r.ApiVersion == op.ApiTypes.ApiVersion)) continue;
                    owned.Add(child);
                }
            }
            return owned;
        }

        private async Task<IReadOnlyList<JsonElement>> ListAsync((string ApiVersion, string Kind) kind)
        {
            if (_byKind.TryGetValue(kind, out var listed)) return listed;
            try
            {
                var mapping = await mapper.MapAsync(GroupVersionKind.From(kind.ApiVersion, kind.Kind), cancellation).ConfigureAwait(false);
                listed = await ListAllAsync(api, mapping.Resource, null, new ListOptions { LabelSelector = ManagedSelector }, cancellation)
                    .ConfigureAwait(false);
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                listed = [];
            }
            return _byKind[kind] = listed;
        }
    }

    /// <summary><c>cross</c> over the listed CRs of the new configuration's operators (<c>crossAccess</c> as the runtime
    /// checks it).</summary>
    private sealed class ListedCross(IReadOnlyList<CompiledOperator> ops, Dictionary<string, IReadOnlyList<JsonElement>> crs) : ICrossSource
    {
        public IReadOnlyList<JsonElement> List(string crd, string @namespace) =>
            ops.FirstOrDefault(o => o.Name == crd) is { Settings.CrossAccess: true }
                ? crs[crd].Where(cr => @namespace.Length == 0 || ObjectMeta.Namespace(cr) == @namespace).ToArray()
                : [];
    }
}

/// <summary>The paths of desired fields an observed object does not hold (what <see cref="DriftCheck"/> finds missing).</summary>
internal static class DriftPaths
{
    private const int Max = 8;

    public static IReadOnlyList<string> Of(JsonObject desired, JsonElement observed)
    {
        var paths = new List<string>();
        Walk(desired, observed, "", paths);
        return paths.Count > Max ? [.. paths.Take(Max), $"… {paths.Count - Max} more"] : paths;
    }

    private static void Walk(JsonNode? desired, JsonElement observed, string path, List<string> paths)
    {
        if (DriftCheck.Contains(desired, observed)) return;
        if (desired is JsonObject map && observed.ValueKind == JsonValueKind.Object)
        {
            foreach (var (key, value) in map)
            {
                var at = path.Length == 0 ? key : $"{path}.{key}";
                if (!observed.TryGetProperty(key, out var field))
                {
                    if (value is not null) paths.Add(at);
                }
                else Walk(value, field, at, paths);
            }
            return;
        }
        if (desired is JsonArray list && observed.ValueKind == JsonValueKind.Array && list.Count == observed.GetArrayLength())
        {
            var i = 0;
            foreach (var item in observed.EnumerateArray()) Walk(list[i], item, $"{path}[{i++}]", paths);
            return;
        }
        paths.Add(path);
    }
}
