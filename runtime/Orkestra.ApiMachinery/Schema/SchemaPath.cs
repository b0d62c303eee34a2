namespace Orkestra.ApiMachinery.Schema;

/// <summary>How a field path resolves against a structural schema (<see cref="StructuralSchema.Resolve"/>).</summary>
public enum SchemaPathKind
{
    /// <summary>Every segment is described; <see cref="SchemaPath.Type"/> is the last one's type (null when it declares none).</summary>
    Described,
    /// <summary>A segment below which the schema keeps anything (preserve-unknown-fields, free-form maps): not checkable.</summary>
    Untyped,
    /// <summary>Segment <see cref="SchemaPath.Index"/> is not described: the API server prunes it, a reader always sees nothing.</summary>
    NotDescribed,
    /// <summary>Segment <see cref="SchemaPath.Index"/> is a field of a value that has none (a string, a number, a list).</summary>
    NoFields,
}

/// <summary>The result of resolving a field path: what, at which segment, and the fields that are described there.</summary>
public sealed record SchemaPath(SchemaPathKind Kind, int Index, string? Type, IReadOnlyList<string> Known)
{
    /// <summary>The segment for an item of a list or a value of a map (as a <c>range</c> visits them).</summary>
    public const string Element = "[]";

    public static SchemaPath Untyped { get; } = new(SchemaPathKind.Untyped, -1, null, []);

    public static SchemaPath Described(string? type) => new(SchemaPathKind.Described, -1, type, []);

    public static SchemaPath NotDescribed(int index, IReadOnlyList<string> known) => new(SchemaPathKind.NotDescribed, index, null, known);

    /// <summary>Segment <paramref name="index"/> reads a field of a value of <paramref name="type"/>.</summary>
    public static SchemaPath NoFields(int index, string type) => new(SchemaPathKind.NoFields, index, type, []);
}
