namespace Orkestra.Runtime;

/// <summary>What a reconcile is about: a namespace (null for cluster-scoped objects) and a name. Nothing else —
/// the reconciler reads the object itself from the cache, so a key never carries stale state.</summary>
public readonly record struct ObjectKey(string? Namespace, string Name)
{
    public override string ToString() => Namespace is null ? Name : $"{Namespace}/{Name}";

    public static ObjectKey Parse(string text)
    {
        var slash = text.IndexOf('/');
        return slash < 0 ? new ObjectKey(null, text) : new ObjectKey(text[..slash], text[(slash + 1)..]);
    }
}
