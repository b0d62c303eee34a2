using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.FieldSets;
using Orkestra.ApiMachinery.Shapes;

namespace Orkestra.ApiMachinery.Patches;

/// <summary>A patch that cannot be applied as written (kube answers 400 Bad Request with this text).</summary>
public sealed class InvalidPatchException(string message) : Exception(message);

/// <summary>
/// Strategic merge patch (kube's <c>strategicpatch</c>): maps merge and <c>null</c> deletes; lists with the
/// merge strategy merge item by item on their merge key (lists of scalars take the union); other lists are replaced.
/// Directives: <c>$patch: replace|delete|merge</c> on maps and list items, <c>$setElementOrder/&lt;list&gt;</c>,
/// <c>$deleteFromPrimitiveList/&lt;list&gt;</c>, <c>$retainKeys</c>. Directives are consumed, never stored. Strategies
/// come from the <see cref="Shape"/> (built-in kinds only: custom resources do not accept this patch type). Pure.
/// </summary>
public static class StrategicMergePatch
{
    private const string PatchDirective = "$patch";
    private const string RetainKeysDirective = "$retainKeys";
    private const string SetElementOrderPrefix = "$setElementOrder/";
    private const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/";

    /// <summary>Returns <paramref name="original"/> patched by <paramref name="patch"/>; neither input is modified.</summary>
    public static JsonObject Apply(JsonObject original, JsonObject patch, Shape shape) =>
        MergeMap((JsonObject)original.DeepClone(), patch, shape) ?? new JsonObject();

    /// <summary>Merges <paramref name="patch"/> into <paramref name="target"/> (owned, modified in place); null: delete the map.</summary>
    private static JsonObject? MergeMap(JsonObject target, JsonObject patch, Shape shape)
    {
        switch (Directive(patch))
        {
            case "replace":
                return CleanObject(patch);
            case "delete":
                return null;
        }
        if (patch[RetainKeysDirective] is { } retain)
        {
            if (retain is not JsonArray keys || keys.Any(k => k is not JsonValue))
                throw new InvalidPatchException("invalid patch: $retainKeys must be a list of field names");
            var kept = keys.Select(k => k!.ToString()).ToHashSet(StringComparer.Ordinal);
            foreach (var (name, _) in patch)
            {
                if (!name.StartsWith('$') && !kept.Contains(name) && patch[name] is not null)
                    throw new InvalidPatchException($"patch content doesn't match retainKeys list: {name} is not listed");
            }
            foreach (var name in target.Select(p => p.Key).ToList())
            {
                if (!kept.Contains(name)) target.Remove(name);
            }
        }
        foreach (var (name, value) in patch)
        {
            if (!name.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal)) continue;
            var field = name[DeleteFromPrimitiveListPrefix.Length..];
            if (value is not JsonArray doomed) throw new InvalidPatchException($"invalid patch: {name} must be a list");
            if (target[field] is JsonArray list)
            {
                for (var i = list.Count - 1; i >= 0; i--)
                {
                    if (doomed.Any(d => JsonNode.DeepEquals(d, list[i]))) list.RemoveAt(i);
                }
            }
        }
        var listsBefore = patch.Where(p => p.Key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
            .ToDictionary(p => p.Key[SetElementOrderPrefix.Length..],
                p => target[p.Key[SetElementOrderPrefix.Length..]]?.DeepClone() as JsonArray);
        foreach (var (name, value) in patch)
        {
            if (name.StartsWith('$')) continue;
            var fieldShape = shape.Field(name);
            if (value is null)
            {
                target.Remove(name);
                continue;
            }
            var existing = target[name];
            JsonNode? merged = (existing, value) switch
            {
                (JsonObject o, JsonObject p) => MergeMap(o, p, fieldShape),
                (JsonArray o, JsonArray p) => MergeList(o, p, fieldShape, name),
                (null, JsonObject p) => MergeMap(new JsonObject(), p, fieldShape),
                (null, JsonArray p) => MergeList(new JsonArray(), p, fieldShape, name),
                _ => Clean(value),
            };
            target.Remove(name);
            if (merged is not null) target[name] = merged;
        }
        foreach (var (name, value) in patch)
        {
            if (!name.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal)) continue;
            var field = name[SetElementOrderPrefix.Length..];
            if (value is not JsonArray order) throw new InvalidPatchException($"invalid patch: {name} must be a list");
            if (target[field] is JsonArray list) target[field] = Reorder(list, order, listsBefore[field] ?? [], shape.Field(field), field);
        }
        return target;
    }

    private static string? Directive(JsonObject patch)
    {
        if (!patch.TryGetPropertyValue(PatchDirective, out var value)) return null;
        var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : PathElement.ToJson(value);
        return text is "replace" or "delete" or "merge" ? text : throw new InvalidPatchException($"Unknown patch type: {text}");
    }

    private static JsonArray MergeList(JsonArray target, JsonArray patch, Shape shape, string field)
    {
        if (!shape.PatchMerge) return (JsonArray)Clean(patch)!;
        if (patch.Any(i => i is JsonObject o && Directive(o) == "replace"))
            return new JsonArray(patch.Where(i => !(i is JsonObject o && Directive(o) == "replace")).Select(Clean).ToArray());
        if (shape.PatchMergeKey is not { } key || patch.All(i => i is not JsonObject))
        {
            // A list of scalars with the merge strategy: the union, original order first.
            var union = target.Select(i => i?.DeepClone()).ToList();
            foreach (var item in patch)
            {
                if (!union.Any(u => JsonNode.DeepEquals(u, item))) union.Add(item?.DeepClone());
            }
            return new JsonArray(union.ToArray());
        }
        var result = target.Select(i => i?.DeepClone()).ToList();
        foreach (var item in patch)
        {
            if (item is not JsonObject patchItem) throw new InvalidPatchException($"invalid patch: {field} mixes objects and other values");
            if (!patchItem.TryGetPropertyValue(key, out var keyValue) || keyValue is null)
                throw new InvalidPatchException($"map: {PathElement.ToJson(patchItem)} does not contain declared merge key: {key}");
            var at = result.FindIndex(i => i is JsonObject o && JsonNode.DeepEquals(o[key], keyValue));
            if (Directive(patchItem) == "delete")
            {
                if (at >= 0) result.RemoveAt(at);
                continue;
            }
            if (at < 0) result.Add(MergeMap(new JsonObject(), patchItem, shape.Item));
            else
            {
                var merged = MergeMap((JsonObject)result[at]!, patchItem, shape.Item);
                if (merged is null) result.RemoveAt(at);
                else result[at] = merged;
            }
        }
        return new JsonArray(result.Select(i => i?.Parent is null ? i : i.DeepClone()).ToArray());
    }

    /// <summary>
    /// <c>$setElementOrder</c>, as kube orders a merged list: the items the order lists come in that order; the others
    /// (server-only items) keep their live order and are interleaved where the live list had them before a listed item.
    /// </summary>
    private static JsonArray Reorder(JsonArray merged, JsonArray order, JsonArray before, Shape shape, string field)
    {
        var key = shape.PatchMergeKey;
        JsonNode? Identity(JsonNode? item) => key is not null && item is JsonObject o ? o[key] : item;
        int IndexIn(JsonArray list, JsonNode? item)
        {
            var identity = Identity(item);
            for (var i = 0; i < list.Count; i++)
            {
                if (JsonNode.DeepEquals(Identity(list[i]), identity)) return i;
            }
            return -1;
        }
        foreach (var entry in order)
        {
            if (key is not null && entry is JsonObject o ? !o.ContainsKey(key) : entry is not JsonValue)
                throw new InvalidPatchException($"invalid patch: $setElementOrder/{field} has an entry without the merge key");
        }
        var listed = merged.Where(i => IndexIn(order, i) >= 0).OrderBy(i => IndexIn(order, i)).ToList();
        var serverOnly = merged.Where(i => IndexIn(order, i) < 0).ToList();
        var result = new List<JsonNode?>(merged.Count);
        var (s, l) = (0, 0);
        while (s < serverOnly.Count || l < listed.Count)
        {
            if (l >= listed.Count) result.Add(serverOnly[s++]);
            else if (s >= serverOnly.Count) result.Add(listed[l++]);
            else
            {
                var (si, li) = (IndexIn(before, serverOnly[s]), IndexIn(before, listed[l]));
                if (si >= 0 && li >= 0 && si < li) result.Add(serverOnly[s++]);
                else result.Add(listed[l++]);
            }
        }
        return new JsonArray(result.Select(i => i?.DeepClone()).ToArray());
    }

    /// <summary>A copy of a patch value without directives or nulls (what may be stored).</summary>
    private static JsonNode? Clean(JsonNode? node) => node switch
    {
        JsonObject o => CleanObject(o),
        JsonArray a => new JsonArray(a.Where(i => !(i is JsonObject io && Directive(io) == "delete")).Select(Clean).ToArray()),
        _ => node?.DeepClone(),
    };

    private static JsonObject CleanObject(JsonObject o)
    {
        var copy = new JsonObject();
        foreach (var (name, value) in o)
        {
            if (name.StartsWith('$') || value is null) continue;
            copy[name] = Clean(value);
        }
        return copy;
    }
}
