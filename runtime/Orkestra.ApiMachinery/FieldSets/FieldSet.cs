using System.Text.Json.Nodes;

namespace Orkestra.ApiMachinery.FieldSets;

/// <summary>
/// A set of field paths stored as a trie, as server-side apply uses it: a path is a <em>member</em> when it was
/// inserted itself (a leaf field, a list item); its ancestors are only prefixes. Serialises to and from FieldsV1
/// (<c>{"f:spec":{"f:replicas":{}}}</c>, with <c>"."</c> marking a member that also has children).
/// Set operations return new sets; a set is mutable only through <see cref="Insert"/> while it is being built.
/// Not thread-safe while building; safe to share once built.
/// </summary>
public sealed class FieldSet
{
    private readonly Dictionary<PathElement, Node> _children = new();

    private sealed class Node
    {
        public bool Member;
        public FieldSet Children = new();
        public bool IsEmpty => !Member && Children.IsEmpty;
    }

    public bool IsEmpty => _children.Count == 0;

    public static FieldSet Empty => new();

    /// <summary>Adds <paramref name="path"/> as a member (no-op for the empty path).</summary>
    public FieldSet Insert(FieldPath path) => Insert(path.Elements);

    public FieldSet Insert(IReadOnlyList<PathElement> path)
    {
        if (path.Count == 0) return this;
        var set = this;
        for (var i = 0; i < path.Count; i++)
        {
            if (!set._children.TryGetValue(path[i], out var node))
            {
                node = new Node();
                set._children[path[i]] = node;
            }
            if (i == path.Count - 1) node.Member = true;
            set = node.Children;
        }
        return this;
    }

    /// <summary>True when <paramref name="path"/> was inserted itself.</summary>
    public bool Has(FieldPath path) => Find(path.Elements) is { Member: true };

    /// <summary>True when <paramref name="path"/> or anything below it is a member.</summary>
    public bool HasPrefix(FieldPath path) => path.Elements.Count == 0 ? !IsEmpty : Find(path.Elements) is not null;

    /// <summary>The node reached by one step: whether it is a member and what lies below it.</summary>
    public bool TryGetChild(PathElement element, out bool member, out FieldSet children)
    {
        if (_children.TryGetValue(element, out var node))
        {
            member = node.Member;
            children = node.Children;
            return true;
        }
        member = false;
        children = Empty;
        return false;
    }

    private Node? Find(IReadOnlyList<PathElement> path)
    {
        var set = this;
        Node? node = null;
        foreach (var element in path)
        {
            if (!set._children.TryGetValue(element, out node)) return null;
            set = node.Children;
        }
        return node;
    }

    /// <summary>The direct children of this level, in kube's order, with whether each is a member.</summary>
    public IEnumerable<(PathElement Element, bool Member, FieldSet Children)> Level() =>
        _children.OrderBy(p => p.Key).Select(p => (p.Key, p.Value.Member, p.Value.Children));

    /// <summary>Every member, in kube's iteration order (a level's members before its children's members).</summary>
    public IEnumerable<FieldPath> Members() => Members([]);

    private IEnumerable<FieldPath> Members(PathElement[] prefix)
    {
        var ordered = _children.OrderBy(p => p.Key).ToList();
        foreach (var (element, node) in ordered)
        {
            if (node.Member) yield return new FieldPath([.. prefix, element]);
        }
        foreach (var (element, node) in ordered)
        {
            foreach (var path in node.Children.Members([.. prefix, element])) yield return path;
        }
    }

    public FieldSet Union(FieldSet other)
    {
        var result = Copy();
        result.AddAll(other);
        return result;
    }

    private void AddAll(FieldSet other)
    {
        foreach (var (element, node) in other._children)
        {
            if (!_children.TryGetValue(element, out var mine))
            {
                mine = new Node();
                _children[element] = mine;
            }
            mine.Member |= node.Member;
            mine.Children.AddAll(node.Children);
        }
    }

    /// <summary>Members of this set that are not members of <paramref name="other"/>.</summary>
    public FieldSet Difference(FieldSet other) => Combine(other, (a, b) => a && !b, keepUnmatched: true);

    /// <summary>Members of both sets.</summary>
    public FieldSet Intersection(FieldSet other) => Combine(other, (a, b) => a && b, keepUnmatched: false);

    private FieldSet Combine(FieldSet other, Func<bool, bool, bool> member, bool keepUnmatched)
    {
        var result = new FieldSet();
        foreach (var (element, node) in _children)
        {
            Node combined;
            if (other._children.TryGetValue(element, out var theirs))
                combined = new Node { Member = member(node.Member, theirs.Member),
                    Children = node.Children.Combine(theirs.Children, member, keepUnmatched) };
            else if (keepUnmatched)
                combined = new Node { Member = node.Member, Children = node.Children.Copy() };
            else
                continue;
            if (!combined.IsEmpty) result._children[element] = combined;
        }
        return result;
    }

    /// <summary>Members of this set that are neither members of <paramref name="other"/> nor below one of its members.</summary>
    public FieldSet RecursiveDifference(FieldSet other)
    {
        var result = new FieldSet();
        foreach (var (element, node) in _children)
        {
            Node kept;
            if (!other._children.TryGetValue(element, out var theirs))
                kept = new Node { Member = node.Member, Children = node.Children.Copy() };
            else if (theirs.Member) continue;
            else kept = new Node { Member = node.Member, Children = node.Children.RecursiveDifference(theirs.Children) };
            if (!kept.IsEmpty) result._children[element] = kept;
        }
        return result;
    }

    /// <summary>Only what lies at or below the top-level <paramref name="element"/>.</summary>
    public FieldSet Only(PathElement element)
    {
        var result = new FieldSet();
        if (_children.TryGetValue(element, out var node))
            result._children[element] = new Node { Member = node.Member, Children = node.Children.Copy() };
        return result;
    }

    public FieldSet Copy()
    {
        var copy = new FieldSet();
        foreach (var (element, node) in _children)
            copy._children[element] = new Node { Member = node.Member, Children = node.Children.Copy() };
        return copy;
    }

    public bool SetEquals(FieldSet other)
    {
        if (_children.Count != other._children.Count) return false;
        foreach (var (element, node) in _children)
        {
            if (!other._children.TryGetValue(element, out var theirs) || theirs.Member != node.Member
                || !node.Children.SetEquals(theirs.Children)) return false;
        }
        return true;
    }

    // ------------------------------------------------------------------ FieldsV1

    /// <summary>The FieldsV1 form: one JSON object per level, keys in kube's order, <c>"."</c> for a member with children.</summary>
    public JsonObject ToFieldsV1()
    {
        var result = new JsonObject();
        foreach (var (element, member, children) in Level())
        {
            var value = children.ToFieldsV1();
            if (member && value.Count > 0)
            {
                var withDot = new JsonObject { ["."] = new JsonObject() };
                foreach (var (key, child) in value.ToList())
                {
                    value.Remove(key);
                    withDot[key] = child;
                }
                value = withDot;
            }
            result[element.Token] = value;
        }
        return result;
    }

    /// <summary>Parses FieldsV1; false (with a reason) when a key or value is malformed.</summary>
    public static bool TryParseFieldsV1(JsonNode? json, out FieldSet set, out string? error)
    {
        set = new FieldSet();
        error = null;
        if (json is not JsonObject root)
        {
            error = "FieldsV1 must be a JSON object";
            return false;
        }
        return set.ParseLevel(root, ref error);
    }

    private bool ParseLevel(JsonObject level, ref string? error)
    {
        foreach (var (token, value) in level)
        {
            if (token == ".") continue;
            if (!PathElement.TryParse(token, out var element))
            {
                error = $"invalid FieldsV1 key {token}";
                return false;
            }
            if (value is not JsonObject child)
            {
                error = $"FieldsV1 value of {token} must be an object";
                return false;
            }
            var node = new Node { Member = child.Count == 0 || child.ContainsKey(".") };
            if (!node.Children.ParseLevel(child, ref error)) return false;
            _children[element] = node;
        }
        return true;
    }

    public override string ToString() => PathElement.ToJson(ToFieldsV1());
}
