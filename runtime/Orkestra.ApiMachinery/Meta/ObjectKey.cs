namespace Orkestra.ApiMachinery.Meta;

/// <summary>
/// Which object, within one resource: a namespace and a name (client-go's <c>NamespacedName</c>). The namespace of
/// a cluster-scoped object is <c>""</c>; a null namespace given to the constructor becomes <c>""</c>, so a key built
/// from an object without <c>metadata.namespace</c> equals one built with <c>""</c>. Immutable; ordered by namespace,
/// then name (ordinal), as the API server lists objects.
/// </summary>
public readonly record struct ObjectKey : IComparable<ObjectKey>
{
    public ObjectKey(string? @namespace, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Namespace = @namespace ?? "";
        Name = name;
    }

    /// <summary><c>""</c> for cluster-scoped objects (and never null).</summary>
    public string Namespace { get; }

    public string Name { get; }

    /// <summary>True when <see cref="Namespace"/> is empty.</summary>
    public bool IsClusterScoped => Namespace.Length == 0;

    /// <summary>The namespace, or null for a cluster-scoped object (what clients take as "no namespace").</summary>
    public string? NamespaceOrNull => Namespace.Length == 0 ? null : Namespace;

    public int CompareTo(ObjectKey other)
    {
        var byNamespace = string.CompareOrdinal(Namespace, other.Namespace);
        return byNamespace != 0 ? byNamespace : string.CompareOrdinal(Name, other.Name);
    }

    /// <summary><c>namespace/name</c>, or <c>name</c> for a cluster-scoped object (client-go's cache key text).</summary>
    public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
}
