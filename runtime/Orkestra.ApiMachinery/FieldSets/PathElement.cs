using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orkestra.ApiMachinery.FieldSets;

/// <summary>What one step of a field path addresses.</summary>
public enum PathElementKind
{
    /// <summary>A named field of an object (<c>f:name</c>).</summary>
    Field = 0,
    /// <summary>An item of an associative list, by its key fields (<c>k:{"name":"web"}</c>).</summary>
    Key = 1,
    /// <summary>An item of a set list, by its value (<c>v:"x"</c>).</summary>
    Value = 2,
    /// <summary>An item of a list by position (<c>i:3</c>; only for lists without keys).</summary>
    Index = 3,
}

/// <summary>
/// One step of a field path, identified by its FieldsV1 token (<c>f:</c>, <c>k:</c>, <c>v:</c>, <c>i:</c>). Tokens are
/// canonical (key fields sorted, compact JSON), so two elements are equal exactly when their tokens are. Immutable.
/// </summary>
public sealed class PathElement : IEquatable<PathElement>, IComparable<PathElement>
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    private PathElement(PathElementKind kind, string token, string? name, JsonNode? payload, int index)
    {
        Kind = kind;
        Token = token;
        Name = name;
        Payload = payload;
        Index = index;
    }

    public PathElementKind Kind { get; }
    /// <summary>The FieldsV1 key: <c>f:name</c>, <c>k:{...}</c>, <c>v:value</c> or <c>i:n</c>.</summary>
    public string Token { get; }
    /// <summary>The field name for <see cref="PathElementKind.Field"/>.</summary>
    public string? Name { get; }
    /// <summary>The key object (<see cref="PathElementKind.Key"/>) or the item value (<see cref="PathElementKind.Value"/>). Do not
    /// mutate.</summary>
    public JsonNode? Payload { get; }
    public int Index { get; }

    public static PathElement Field(string name) => new(PathElementKind.Field, "f:" + name, name, null, 0);

    /// <summary>A list-map item key from its key fields (sorted by name in the token).</summary>
    public static PathElement Key(IEnumerable<KeyValuePair<string, JsonNode?>> fields)
    {
        var key = new JsonObject();
        foreach (var (name, value) in fields.OrderBy(f => f.Key, StringComparer.Ordinal)) key[name] = value?.DeepClone();
        return new PathElement(PathElementKind.Key, "k:" + ToJson(key), null, key, 0);
    }

    public static PathElement Value(JsonNode? value) => new(PathElementKind.Value, "v:" + ToJson(value), null, value?.DeepClone(), 0);

    public static PathElement At(int index) =>
        new(PathElementKind.Index, "i:" + index.ToString(CultureInfo.InvariantCulture), null, null, index);

    /// <summary>Parses a FieldsV1 key (anything but <c>.</c>); false for malformed tokens.</summary>
    public static bool TryParse(string token, out PathElement element)
    {
        element = null!;
        if (token.Length < 2 || token[1] != ':') return false;
        var rest = token[2..];
        switch (token[0])
        {
            case 'f':
                element = Field(rest);
                return true;
            case 'i':
                if (!int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var index)) return false;
                element = At(index);
                return true;
            case 'k':
            case 'v':
                JsonNode? payload;
                try
                {
                    payload = JsonNode.Parse(rest);
                }
                catch (JsonException)
                {
                    return false;
                }
                if (token[0] == 'v')
                {
                    element = Value(payload);
                    return true;
                }
                if (payload is not JsonObject key || key.Count == 0) return false;
                element = Key(key.ToList());
                return true;
            default:
                return false;
        }
    }

    /// <summary>Kube's path rendering: <c>.name</c>, <c>[name="web"]</c>, <c>[=value]</c>, <c>[3]</c>.</summary>
    public override string ToString() => Kind switch
    {
        PathElementKind.Field => "." + Name,
        PathElementKind.Key => "[" + string.Join(",", ((JsonObject)Payload!).Select(p => $"{p.Key}={ToJson(p.Value)}")) + "]",
        PathElementKind.Value => "[=" + ToJson(Payload) + "]",
        _ => "[" + Index.ToString(CultureInfo.InvariantCulture) + "]",
    };

    public bool Equals(PathElement? other) => other is not null && Token == other.Token;
    public override bool Equals(object? obj) => obj is PathElement other && Equals(other);
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Token);

    /// <summary>Kube's order: fields, then keys, then values, then indexes; within a kind by content.</summary>
    public int CompareTo(PathElement? other)
    {
        if (other is null) return 1;
        if (Kind != other.Kind) return Kind.CompareTo(other.Kind);
        if (Kind == PathElementKind.Index) return Index.CompareTo(other.Index);
        return string.CompareOrdinal(Token, other.Token);
    }

    /// <summary>Compact JSON text of a node (kube's rendering of keys and values).</summary>
    public static string ToJson(JsonNode? node)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            if (node is null) writer.WriteNullValue();
            else node.WriteTo(writer);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>A path from the object root to a field or item. Immutable.</summary>
public sealed class FieldPath : IEquatable<FieldPath>
{
    public FieldPath(IReadOnlyList<PathElement> elements) => Elements = elements;

    public IReadOnlyList<PathElement> Elements { get; }

    public static FieldPath Of(params string[] fieldNames) => new(fieldNames.Select(PathElement.Field).ToArray());

    public FieldPath Append(PathElement element)
    {
        var list = new PathElement[Elements.Count + 1];
        for (var i = 0; i < Elements.Count; i++) list[i] = Elements[i];
        list[^1] = element;
        return new FieldPath(list);
    }

    /// <summary>Kube's rendering, e.g. <c>.spec.containers[name="web"].image</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var element in Elements) text.Append(element);
        return text.ToString();
    }

    public bool Equals(FieldPath? other) => other is not null && Elements.SequenceEqual(other.Elements);
    public override bool Equals(object? obj) => obj is FieldPath other && Equals(other);
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
