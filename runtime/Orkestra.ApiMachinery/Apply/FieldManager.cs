using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.FieldSets;
using Orkestra.ApiMachinery.Meta;
using Orkestra.ApiMachinery.Shapes;

namespace Orkestra.ApiMachinery.Apply;

/// <summary>Which part of an object a write may change, so the rest is neither merged nor owned.</summary>
public enum FieldScope
{
    /// <summary>The whole object (kinds without a status subresource).</summary>
    Whole,
    /// <summary>The main endpoint of a kind with a status subresource: <c>status</c> is ignored.</summary>
    AllButStatus,
    /// <summary>The <c>/status</c> subresource: only <c>status</c> counts.</summary>
    StatusOnly,
}

/// <summary>What a write is applied to: the kind's shape and served version, the endpoint, and the clock reading. Per call.</summary>
public sealed class FieldManagerContext
{
    public required Shape Shape { get; init; }
    /// <summary>The request's group/version (<c>apps/v1</c>), recorded in the entries the write touches.</summary>
    public required string ApiVersion { get; init; }
    public FieldScope Scope { get; init; }
    /// <summary>"" for the main endpoint, else the subresource (<c>status</c>).</summary>
    public string Subresource { get; init; } = "";
    public required DateTimeOffset Now { get; init; }
}

/// <summary>One field an applier would change that another manager owns.</summary>
public sealed record ApplyConflict(ManagedFieldsEntry Owner, FieldPath Path);

/// <summary>An apply that would change fields other managers own (kube answers 409 Conflict with one cause per field).</summary>
public sealed class ApplyConflictException : Exception
{
    public ApplyConflictException(IReadOnlyList<ApplyConflict> conflicts) : base(Describe(conflicts)) => Conflicts = conflicts;

    public IReadOnlyList<ApplyConflict> Conflicts { get; }

    /// <summary>Kube's text: <c>Apply failed with 1 conflict: conflict with "m" using v1: .data.a</c>, or grouped by manager.</summary>
    private static string Describe(IReadOnlyList<ApplyConflict> conflicts)
    {
        if (conflicts.Count == 1) return $"Apply failed with 1 conflict: conflict with {conflicts[0].Owner.Display}: {conflicts[0].Path}";
        var lines = new List<string>();
        foreach (var group in conflicts.GroupBy(c => c.Owner.Identity).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            lines.Add($"conflicts with {group.First().Owner.Display}:");
            lines.AddRange(group.Select(c => $"- {c.Path}"));
        }
        return $"Apply failed with {conflicts.Count} conflicts: {string.Join("\n", lines)}";
    }
}

/// <summary>
/// Server-side apply and field ownership (kube's structured-merge-diff semantics,
/// https://kubernetes.io/docs/reference/using-api/server-side-apply/). <see cref="Apply"/> merges a manager's complete intent into the live
/// object, removes what it applied before and no longer applies (unless another manager owns it), and raises conflicts for fields other
/// managers own and the intent changes.
/// <see cref="Update"/> records what a non-apply write (create, update, merge/JSON/strategic patch) changed.
/// Both return or set <c>metadata.managedFields</c>. Pure: live objects are never mutated. For the manager
/// <c>kubectl</c>, kube's client-side-apply upgrade rules apply (see <see cref="LastApplied"/>).
/// </summary>
public static class FieldManager
{
    /// <summary>Fields nobody owns (kube's stripped set): identity and server-managed metadata.</summary>
    private static readonly FieldSet Unowned = new FieldSet()
        .Insert(FieldPath.Of("apiVersion")).Insert(FieldPath.Of("kind")).Insert(FieldPath.Of("metadata"))
        .Insert(FieldPath.Of("metadata", "name")).Insert(FieldPath.Of("metadata", "namespace")).Insert(FieldPath.Of("metadata", "uid"))
        .Insert(FieldPath.Of("metadata", "creationTimestamp")).Insert(FieldPath.Of("metadata", "selfLink"))
        .Insert(FieldPath.Of("metadata", "generation"))
        .Insert(FieldPath.Of("metadata", "managedFields")).Insert(FieldPath.Of("metadata", "resourceVersion"))
        .Insert(FieldPath.Of("metadata", "deletionTimestamp")).Insert(FieldPath.Of("metadata", "deletionGracePeriodSeconds"));

    private static readonly FieldPath Root = new([]);
    private const string BeforeFirstApply = "before-first-apply";
    private static readonly PathElement Status = PathElement.Field("status");

    /// <summary>
    /// Applies <paramref name="applied"/> (the manager's whole intent) to <paramref name="live"/> (null: the object
    /// does not exist yet). Returns the new object, including its managedFields; equal to <paramref name="live"/> when
    /// nothing changes. Throws <see cref="ApplyConflictException"/> unless <paramref name="force"/>, and
    /// <see cref="InvalidStructureException"/> when the intent or the live object does not fit the shape.
    /// </summary>
    public static JsonObject Apply(JsonObject? live, JsonObject applied, string manager, bool force, FieldManagerContext context)
    {
        JsonObject result;
        try
        {
            result = ApplyOnce(live, applied, manager, force, context);
        }
        catch (ApplyConflictException conflict) when (manager == LastApplied.Manager
            && LastApplied.AllowedConflicts(live, context) is { } allowed)
        {
            // kubectl taking over what it applied client-side: conflicts the annotation explains are forced.
            var remaining = conflict.Conflicts.Where(c => !allowed.Has(c.Path)).ToList();
            if (remaining.Count > 0) throw new ApplyConflictException(remaining);
            result = ApplyOnce(live, applied, manager, force: true, context);
        }
        if (manager == LastApplied.Manager) LastApplied.Sync(live, result, applied);
        return result;
    }

    private static JsonObject ApplyOnce(JsonObject? live, JsonObject applied, string manager, bool force, FieldManagerContext context)
    {
        if (!ManagedFieldsCodec.TryDecode(Metadata(live)?["managedFields"], out var entries, out var error))
            throw new InvalidStructureException("failed to decode managed fields: " + error);
        var config = InScope(WithoutNulls(applied), context.Scope);
        var before = WithoutManagedFields(live);
        if (live is not null && entries.Count == 0)
        {
            // kube's first apply to an object nobody owns: what exists belongs to "before-first-apply".
            var seeded = (JsonObject)before.DeepClone();
            Update(null, seeded, BeforeFirstApply, context);
            ManagedFieldsCodec.TryDecode(seeded["metadata"]?["managedFields"], out entries, out _);
        }
        var merged = (JsonObject)Typed.Merge(before, config, context.Shape, Root)!;
        var appliedSet = Typed.ToFieldSet(config, context.Shape).Difference(Unowned);

        var mine = new ManagedFieldsEntry(manager, ManagedFieldsEntry.ApplyOperation, context.ApiVersion, null, context.Subresource,
            appliedSet);
        var previous = entries.FirstOrDefault(e => e.Identity == mine.Identity);
        var others = entries.Where(e => !ReferenceEquals(e, previous)).ToList();
        if (previous is not null)
        {
            var keep = others.Aggregate(appliedSet, (set, e) => set.Union(e.Fields));
            Typed.Prune(merged, previous.Fields, keep, context.Shape, Root);
        }

        var comparison = Typed.Compare(before, merged, context.Shape);
        var changed = Scoped(comparison.Changed, context.Scope);
        var conflicts = new List<ApplyConflict>();
        foreach (var other in others.OrderBy(e => e.Identity, StringComparer.Ordinal))
        {
            conflicts.AddRange(other.Fields.Intersection(changed).Members().Select(path => new ApplyConflict(other, path)));
        }
        if (conflicts.Count > 0 && !force) throw new ApplyConflictException(conflicts);

        var removed = Scoped(comparison.Removed, context.Scope);
        var result = others.Select(e => e with { Fields = e.Fields.Difference(changed).Difference(removed) }).Where(e => !e.Fields.IsEmpty)
            .ToList();
        var unchanged = previous is not null && previous.Fields.SetEquals(appliedSet) && comparison.IsSame;
        if (!appliedSet.IsEmpty) result.Add(mine with { Time = unchanged ? previous!.Time : KubeTime.Format(context.Now) });
        SetManagedFields(merged, result);
        return merged;
    }

    /// <summary>
    /// Records in <paramref name="updated"/>'s managedFields (in place) what a non-apply write by
    /// <paramref name="manager"/> changed relative to <paramref name="live"/> (null for a create). Managed fields sent
    /// in the body replace the live ones on the main endpoint (an empty list, or one empty entry, clears them).
    /// </summary>
    public static void Update(JsonObject? live, JsonObject updated, string manager, FieldManagerContext context)
    {
        var requested = Metadata(updated)?["managedFields"];
        List<ManagedFieldsEntry> entries;
        if (context.Subresource.Length == 0 && ManagedFieldsCodec.IsReset(requested)) entries = [];
        else if (context.Subresource.Length == 0 && requested is JsonArray
            && ManagedFieldsCodec.TryDecode(requested, out var fromRequest, out _)) entries = fromRequest;
        else if (!ManagedFieldsCodec.TryDecode(Metadata(live)?["managedFields"], out entries, out _)) entries = [];

        var comparison = Typed.Compare(WithoutManagedFields(live), WithoutManagedFields(updated), context.Shape);
        var changed = Scoped(comparison.Changed, context.Scope).Difference(Unowned);
        var removed = Scoped(comparison.Removed, context.Scope);
        var key = new ManagedFieldsEntry(manager, ManagedFieldsEntry.UpdateOperation, context.ApiVersion, null, context.Subresource,
            FieldSet.Empty);
        var previous = entries.FirstOrDefault(e => e.Identity == key.Identity);
        var result = entries.Where(e => !ReferenceEquals(e, previous))
            .Select(e => e with { Fields = e.Fields.Difference(changed).Difference(removed) }).Where(e => !e.Fields.IsEmpty).ToList();
        var mine = (previous?.Fields ?? FieldSet.Empty).Difference(removed).Union(changed);
        var same = changed.IsEmpty && removed.IsEmpty;
        if (!mine.IsEmpty)
            result.Add(key with { Fields = mine, Time = same && previous is not null ? previous.Time : KubeTime.Format(context.Now) });
        SetManagedFields(updated, result);
    }

    private static JsonObject? Metadata(JsonObject? obj) => obj?["metadata"] as JsonObject;

    /// <summary>kube keeps at most this many Update entries; older ones are merged per API version into
    /// <see cref="AncientChanges"/>.</summary>
    public const int MaxUpdateManagers = 10;
    private const string AncientChanges = "ancient-changes";

    /// <summary>Merges the oldest Update entries, per API version, into one <c>ancient-changes</c> entry until at most
    /// <see cref="MaxUpdateManagers"/> remain.</summary>
    private static List<ManagedFieldsEntry> CapUpdateManagers(List<ManagedFieldsEntry> entries)
    {
        var updaters = entries.Where(e => !e.IsApply).OrderBy(e => e.Time ?? "", StringComparer.Ordinal).ToList();
        var count = updaters.Count;
        if (count <= MaxUpdateManagers) return entries;
        var result = entries.ToList();
        var firstOfVersion = new Dictionary<string, ManagedFieldsEntry>(StringComparer.Ordinal);
        foreach (var oldest in updaters)
        {
            if (count <= MaxUpdateManagers) break;
            if (!firstOfVersion.TryGetValue(oldest.ApiVersion, out var bucket))
            {
                firstOfVersion[oldest.ApiVersion] = oldest;
                continue;
            }
            var merged = new ManagedFieldsEntry(AncientChanges, ManagedFieldsEntry.UpdateOperation, oldest.ApiVersion, oldest.Time,
                "", bucket.Fields.Union(oldest.Fields));
            result.Remove(bucket);
            result.Remove(oldest);
            result.Add(merged);
            firstOfVersion[oldest.ApiVersion] = merged;
            count--;
        }
        return result;
    }

    private static void SetManagedFields(JsonObject obj, List<ManagedFieldsEntry> entries)
    {
        entries = CapUpdateManagers(entries);
        if (obj["metadata"] is not JsonObject metadata)
        {
            if (entries.Count == 0) return;
            metadata = new JsonObject();
            obj["metadata"] = metadata;
        }
        if (entries.Count == 0) metadata.Remove("managedFields");
        else metadata["managedFields"] = ManagedFieldsCodec.Encode(entries);
    }

    private static JsonObject WithoutManagedFields(JsonObject? obj)
    {
        if (obj is null) return new JsonObject();
        var copy = (JsonObject)obj.DeepClone();
        (copy["metadata"] as JsonObject)?.Remove("managedFields");
        return copy;
    }

    private static FieldSet Scoped(FieldSet set, FieldScope scope) => scope switch
    {
        FieldScope.AllButStatus => set.RecursiveDifference(new FieldSet().Insert([Status])),
        FieldScope.StatusOnly => set.Only(Status),
        _ => set,
    };

    /// <summary>The part of an applied object a scope lets through (identity fields always stay).</summary>
    private static JsonObject InScope(JsonObject applied, FieldScope scope)
    {
        switch (scope)
        {
            case FieldScope.AllButStatus:
                applied.Remove("status");
                return applied;
            case FieldScope.StatusOnly:
                var kept = new JsonObject();
                foreach (var name in (string[])["apiVersion", "kind", "status"])
                {
                    if (applied[name] is { } value) kept[name] = value.DeepClone();
                }
                if (applied["metadata"] is JsonObject metadata)
                {
                    var identity = new JsonObject();
                    foreach (var name in (string[])["name", "namespace"])
                    {
                        if (metadata[name] is { } value) identity[name] = value.DeepClone();
                    }
                    kept["metadata"] = identity;
                }
                return kept;
            default:
                return applied;
        }
    }

    /// <summary>A deep copy without null values (null in an apply configuration means "not specified").</summary>
    private static JsonObject WithoutNulls(JsonObject source)
    {
        var copy = new JsonObject();
        foreach (var (name, value) in source)
        {
            if (value is not null) copy[name] = WithoutNulls(value);
        }
        return copy;
    }

    private static JsonNode WithoutNulls(JsonNode node) => node switch
    {
        JsonObject obj => WithoutNulls(obj),
        JsonArray array => new JsonArray(array.Where(i => i is not null).Select(i => (JsonNode?)WithoutNulls(i!)).ToArray()),
        _ => node.DeepClone(),
    };
}
