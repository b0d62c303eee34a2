using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.FieldSets;
using Orkestra.ApiMachinery.Shapes;

namespace Orkestra.ApiMachinery.Apply;

/// <summary>An object that does not fit its shape (e.g. a list-map item without a key field, duplicate keys).</summary>
public sealed class InvalidStructureException(string message) : Exception(message);

/// <summary>
/// The typed operations of server-side apply over JSON nodes and <see cref="Shape"/>s: the field set of a value,
/// the merge of an applied configuration into a live object, the comparison of two objects (added, modified,
/// removed fields) and the removal of fields. Pure functions; inputs are never mutated unless a method says so.
/// </summary>
internal static class Typed
{
    // ------------------------------------------------------------------ structure

    /// <summary>How a list is treated: its shape's list type, or atomic when the items do not fit it.</summary>
    private static ListType ListKind(JsonArray array, Shape shape)
    {
        switch (shape.ListType)
        {
            case ListType.Set when array.All(i => i is null or JsonValue):
                return ListType.Set;
            case ListType.Map when array.All(i => i is JsonObject):
                return ListType.Map;
            default:
                return ListType.Atomic;
        }
    }

    private static bool IsLeaf(JsonNode? node, Shape shape) => node switch
    {
        JsonObject o => o.Count == 0 || shape.AtomicObject,
        JsonArray a => a.Count == 0 || ListKind(a, shape) == ListType.Atomic,
        _ => true,
    };

    /// <summary>The path element that identifies <paramref name="item"/> in a set or map list.</summary>
    private static PathElement ItemElement(JsonNode? item, Shape listShape, ListType kind, FieldPath at)
    {
        if (kind == ListType.Set) return PathElement.Value(item);
        var obj = (JsonObject)item!;
        var fields = new List<KeyValuePair<string, JsonNode?>>();
        foreach (var key in listShape.Keys)
        {
            if (obj.TryGetPropertyValue(key, out var value) && value is not null) fields.Add(new(key, value));
            else if (listShape.KeyDefaults.TryGetValue(key, out var fallback)) fields.Add(new(key, fallback));
            else throw new InvalidStructureException(
                $"{at}: associative list with keys has an element that omits key field \"{key}\" (and doesn't have default value)");
        }
        return PathElement.Key(fields);
    }

    /// <summary>The items of a set/map list by their path element, in order; duplicate keys are an error.</summary>
    private static List<(PathElement Element, JsonNode? Item)> Items(JsonArray array, Shape shape, ListType kind, FieldPath at)
    {
        var items = new List<(PathElement, JsonNode?)>(array.Count);
        var seen = new HashSet<PathElement>();
        foreach (var item in array)
        {
            var element = ItemElement(item, shape, kind, at);
            if (!seen.Add(element)) throw new InvalidStructureException($"{at}: duplicate entries for key {element}");
            items.Add((element, item));
        }
        return items;
    }

    // ------------------------------------------------------------------ field sets

    /// <summary>Every leaf field and every set/map list item of <paramref name="value"/> (kube's ToFieldSet).</summary>
    public static FieldSet ToFieldSet(JsonNode? value, Shape shape)
    {
        var set = new FieldSet();
        Collect(value, shape, new FieldPath([]), set, rootIsMember: false);
        return set;
    }

    private static void Collect(JsonNode? node, Shape shape, FieldPath path, FieldSet set, bool rootIsMember = true)
    {
        if (IsLeaf(node, shape))
        {
            if (rootIsMember) set.Insert(path);
            return;
        }
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj) Collect(child, shape.Field(name), path.Append(PathElement.Field(name)), set);
                break;
            case JsonArray array:
                var kind = ListKind(array, shape);
                foreach (var (element, item) in Items(array, shape, kind, path))
                {
                    var itemPath = path.Append(element);
                    set.Insert(itemPath);
                    if (kind == ListType.Map && item is JsonObject itemObject)
                    {
                        foreach (var (name, child) in itemObject)
                            Collect(child, shape.Item.Field(name), itemPath.Append(PathElement.Field(name)), set);
                    }
                }
                break;
        }
    }

    // ------------------------------------------------------------------ merge

    /// <summary>The applied configuration merged into the live value: objects field by field, set/map lists item by item, everything else
    /// replaced.</summary>
    public static JsonNode? Merge(JsonNode? live, JsonNode? applied, Shape shape, FieldPath path)
    {
        if (applied is JsonObject appliedObject && live is JsonObject liveObject && !shape.AtomicObject)
        {
            var result = (JsonObject)liveObject.DeepClone();
            foreach (var (name, value) in appliedObject)
            {
                var merged = result.TryGetPropertyValue(name, out var existing)
                    ? Merge(existing, value, shape.Field(name), path.Append(PathElement.Field(name)))
                    : value?.DeepClone();
                result[name] = merged?.Parent is null ? merged : merged.DeepClone();
            }
            return result;
        }
        if (applied is JsonArray appliedArray && live is JsonArray liveArray)
        {
            var kind = ListKind(appliedArray, shape);
            if (kind != ListType.Atomic && ListKind(liveArray, shape) == kind)
            {
                var result = new JsonArray();
                var liveItems = Items(liveArray, shape, kind, path);
                foreach (var item in MergeItems(liveItems, Items(appliedArray, shape, kind, path), shape, kind, path))
                {
                    result.Add(item?.Parent is null ? item : item.DeepClone());
                }
                return result;
            }
        }
        return applied?.DeepClone();
    }

    /// <summary>
    /// The items of a merged set/map list in structured-merge-diff's order: items both lists have come in the applied
    /// order; live-only items stay where they were relative to those; applied-only items come where the applied list
    /// has them.
    /// </summary>
    private static List<JsonNode?> MergeItems(List<(PathElement Element, JsonNode? Item)> live,
        List<(PathElement Element, JsonNode? Item)> applied,
        Shape shape, ListType kind, FieldPath path)
    {
        var liveByElement = live.ToDictionary(i => i.Element, i => i.Item);
        var appliedElements = applied.Select(i => i.Element).ToHashSet();
        var shared = new Queue<PathElement>(applied.Select(i => i.Element).Where(liveByElement.ContainsKey));
        var output = new List<JsonNode?>(Math.Max(live.Count, applied.Count));
        JsonNode? Combine(PathElement element, JsonNode? item) =>
            liveByElement.TryGetValue(element, out var old) && kind == ListType.Map ? Merge(old, item, shape.Item, path.Append(element))
                : item?.DeepClone();

        var (l, r) = (0, 0);
        while (l < live.Count || r < applied.Count)
        {
            if (l < live.Count && r < applied.Count)
            {
                var element = live[l].Element;
                if (element.Equals(applied[r].Element))
                {
                    output.Add(Combine(element, applied[r].Item));
                    l++;
                    r++;
                    shared.TryDequeue(out _);
                    continue;
                }
                if (appliedElements.Contains(element) && shared.TryPeek(out var next) && !next.Equals(element))
                {
                    l++; // a shared item the applied list wants later: emitted when the applied side reaches it
                    continue;
                }
            }
            if (l < live.Count && !appliedElements.Contains(live[l].Element))
            {
                output.Add(live[l].Item?.DeepClone());
                l++;
                continue;
            }
            if (r < applied.Count)
            {
                var element = applied[r].Element;
                output.Add(Combine(element, applied[r].Item));
                r++;
                if (shared.TryPeek(out var next) && next.Equals(element)) shared.Dequeue();
                continue;
            }
            l++; // only shared live items already emitted remain
        }
        return output;
    }

    // ------------------------------------------------------------------ compare

    /// <summary>The fields added, modified and removed going from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public sealed record Comparison(FieldSet Added, FieldSet Modified, FieldSet Removed)
    {
        public bool IsSame => Added.IsEmpty && Modified.IsEmpty && Removed.IsEmpty;
        public FieldSet Changed => Added.Union(Modified);
    }

    public static Comparison Compare(JsonNode? before, JsonNode? after, Shape shape)
    {
        var comparison = new Comparison(new FieldSet(), new FieldSet(), new FieldSet());
        CompareNodes(before, after, shape, new FieldPath([]), comparison, fieldwise: true);
        return comparison;
    }

    /// <param name="fieldwise">The root and list-map items: never a leaf themselves, so an empty side (a create) compares field by
    /// field.</param>
    private static void CompareNodes(JsonNode? before, JsonNode? after, Shape shape, FieldPath path, Comparison c, bool fieldwise = false)
    {
        if (before is JsonObject b && after is JsonObject a && !IsLeaf(b, shape) && !IsLeaf(a, shape))
        {
            foreach (var (name, value) in b)
            {
                var childPath = path.Append(PathElement.Field(name));
                if (a.TryGetPropertyValue(name, out var other)) CompareNodes(value, other, shape.Field(name), childPath, c);
                else Collect(value, shape.Field(name), childPath, c.Removed);
            }
            foreach (var (name, value) in a)
            {
                if (!b.ContainsKey(name)) Collect(value, shape.Field(name), path.Append(PathElement.Field(name)), c.Added);
            }
            return;
        }
        if (before is JsonArray ba && after is JsonArray aa && !IsLeaf(ba, shape) && !IsLeaf(aa, shape)
            && ListKind(ba, shape) == ListKind(aa, shape))
        {
            var kind = ListKind(ba, shape);
            var beforeItems = Items(ba, shape, kind, path).ToDictionary(i => i.Element, i => i.Item);
            var afterItems = Items(aa, shape, kind, path);
            foreach (var (element, item) in afterItems)
            {
                var itemPath = path.Append(element);
                if (!beforeItems.Remove(element, out var old))
                {
                    c.Added.Insert(itemPath);
                    if (kind == ListType.Map) CollectChildren(item, shape.Item, itemPath, c.Added);
                }
                else if (kind == ListType.Map)
                {
                    CompareNodes(old, item, shape.Item, itemPath, c, fieldwise: true);
                }
            }
            foreach (var (element, item) in beforeItems)
            {
                var itemPath = path.Append(element);
                c.Removed.Insert(itemPath);
                if (kind == ListType.Map) CollectChildren(item, shape.Item, itemPath, c.Removed);
            }
            return;
        }
        if (JsonNode.DeepEquals(before, after)) return;
        if (fieldwise && before is JsonObject bo && after is JsonObject ao)
        {
            foreach (var (name, value) in bo)
                if (!ao.ContainsKey(name)) Collect(value, shape.Field(name), path.Append(PathElement.Field(name)), c.Removed);
            foreach (var (name, value) in ao)
            {
                var childPath = path.Append(PathElement.Field(name));
                if (bo.TryGetPropertyValue(name, out var old)) CompareNodes(old, value, shape.Field(name), childPath, c);
                else Collect(value, shape.Field(name), childPath, c.Added);
            }
            return;
        }
        if (IsLeaf(before, shape) && IsLeaf(after, shape))
        {
            c.Modified.Insert(path);
            return;
        }
        Collect(before, shape, path, c.Removed);
        Collect(after, shape, path, c.Added);
    }

    private static void CollectChildren(JsonNode? item, Shape itemShape, FieldPath itemPath, FieldSet set)
    {
        if (item is not JsonObject obj) return;
        foreach (var (name, child) in obj) Collect(child, itemShape.Field(name), itemPath.Append(PathElement.Field(name)), set);
    }

    // ------------------------------------------------------------------ removal

    /// <summary>
    /// Removes from <paramref name="target"/> (in place) every field or item that <paramref name="last"/> reaches and
    /// <paramref name="keep"/> does not reach at or below it: what an applier stopped applying and nobody else owns.
    /// </summary>
    public static void Prune(JsonNode target, FieldSet last, FieldSet keep, Shape shape, FieldPath path)
    {
        foreach (var (element, _, children) in last.Level())
        {
            if (!TryLocate(target, element, shape, path, out var child, out var childShape)) continue;
            if (!keep.TryGetChild(element, out _, out var kept)) Remove(target, element, shape, path);
            else if (child is not null) Prune(child, children, kept, childShape, path.Append(element));
        }
    }

    /// <summary>Removes (in place) every member of <paramref name="set"/> from <paramref name="target"/>, with its subtree.</summary>
    public static void RemoveMembers(JsonNode target, FieldSet set, Shape shape, FieldPath path)
    {
        foreach (var (element, member, children) in set.Level())
        {
            if (!TryLocate(target, element, shape, path, out var child, out var childShape)) continue;
            if (member) Remove(target, element, shape, path);
            else if (child is not null) RemoveMembers(child, children, childShape, path.Append(element));
        }
    }

    private static bool TryLocate(JsonNode parent, PathElement element, Shape shape, FieldPath path, out JsonNode? child,
        out Shape childShape)
    {
        child = null;
        childShape = Shape.Unknown;
        switch (element.Kind)
        {
            case PathElementKind.Field when parent is JsonObject obj:
                childShape = shape.Field(element.Name!);
                return obj.TryGetPropertyValue(element.Name!, out child);
            case PathElementKind.Index when parent is JsonArray array && element.Index < array.Count:
                child = array[element.Index];
                childShape = shape.Item;
                return true;
            case PathElementKind.Key or PathElementKind.Value when parent is JsonArray array:
                var at = IndexOf(array, element, shape, path);
                if (at < 0) return false;
                child = array[at];
                childShape = shape.Item;
                return true;
            default:
                return false;
        }
    }

    private static int IndexOf(JsonArray array, PathElement element, Shape shape, FieldPath path)
    {
        var kind = ListKind(array, shape);
        if (kind == ListType.Atomic) return -1;
        for (var i = 0; i < array.Count; i++)
        {
            if (ItemElement(array[i], shape, kind, path).Equals(element)) return i;
        }
        return -1;
    }

    private static void Remove(JsonNode parent, PathElement element, Shape shape, FieldPath path)
    {
        switch (parent)
        {
            case JsonObject obj when element.Kind == PathElementKind.Field:
                obj.Remove(element.Name!);
                break;
            case JsonArray array when element.Kind == PathElementKind.Index:
                if (element.Index < array.Count) array.RemoveAt(element.Index);
                break;
            case JsonArray array:
                var at = IndexOf(array, element, shape, path);
                if (at >= 0) array.RemoveAt(at);
                break;
        }
    }
}
