namespace Orkestra.Sandbox.Resources;

/// <summary>
/// Which resources are served right now. Readers take <see cref="Current"/> (an immutable snapshot) without locks;
/// CRD establishment and removal swap in a new snapshot atomically, so discovery, OpenAPI and routing change the
/// moment the CRD write commits. Writers are serialised by the store's write lock (the only caller).
/// </summary>
internal sealed class ResourceRegistry
{
    private volatile RegistrySnapshot _current;

    public ResourceRegistry(IEnumerable<ResourceType> builtIns) => _current = new RegistrySnapshot(builtIns.ToArray(), 1);

    public RegistrySnapshot Current => _current;

    /// <summary>Replaces every type established from <paramref name="crdName"/> with <paramref name="types"/> (empty = remove).</summary>
    public void SetCustom(string crdName, IReadOnlyList<ResourceType> types)
    {
        var old = _current;
        var kept = old.Types.Where(t => t.Custom?.CrdName != crdName);
        _current = new RegistrySnapshot(kept.Concat(types).ToArray(), old.Generation + 1);
    }
}

/// <summary>An immutable view of the served resources, with the lookups routing and discovery need.</summary>
internal sealed class RegistrySnapshot
{
    private readonly Dictionary<(string Group, string Version, string Resource), ResourceType> _byPath = new();
    private readonly Dictionary<string, ResourceType[]> _byStorage = new();

    public RegistrySnapshot(ResourceType[] types, long generation)
    {
        Types = types;
        Generation = generation;
        foreach (var type in types) _byPath[(type.Group, type.Version, type.Resource)] = type;
        foreach (var group in types.GroupBy(t => t.StorageKey)) _byStorage[group.Key] = group.ToArray();
        Groups = types.GroupBy(t => t.Group)
            .Select(g => new GroupInfo(g.Key, g.Select(t => t.Version).Distinct().OrderBy(v => v, VersionPriority.Comparer).ToArray()))
            .ToArray();
    }

    public ResourceType[] Types { get; }
    /// <summary>Bumped on every change; OpenAPI hashes derive from it.</summary>
    public long Generation { get; }
    /// <summary>Groups in registration order; versions ordered by Kubernetes version priority (preferred first).</summary>
    public IReadOnlyList<GroupInfo> Groups { get; }

    public ResourceType? Find(string group, string version, string resource) =>
        _byPath.TryGetValue((group, version, resource), out var type) ? type : null;

    public bool HasGroupVersion(string group, string version) => Types.Any(t => t.Group == group && t.Version == version);

    public IEnumerable<ResourceType> InGroupVersion(string group, string version) =>
        Types.Where(t => t.Group == group && t.Version == version);

    /// <summary>Every served version of the resource stored under <paramref name="storageKey"/>.</summary>
    public IReadOnlyList<ResourceType> ByStorage(string storageKey) => _byStorage.TryGetValue(storageKey, out var types) ? types : [];

    /// <summary>The preferred (highest priority) version of a stored resource.</summary>
    public ResourceType? Preferred(string storageKey) =>
        ByStorage(storageKey).OrderBy(t => t.Version, VersionPriority.Comparer).FirstOrDefault();
}

internal sealed record GroupInfo(string Name, string[] Versions);

/// <summary>Kubernetes version priority: GA before beta before alpha, higher numbers first, others last by name.</summary>
internal static class VersionPriority
{
    public static readonly IComparer<string> Comparer = Comparer<string>.Create(Compare);

    private static int Compare(string a, string b)
    {
        var (ka, na, sa) = Parse(a);
        var (kb, nb, sb) = Parse(b);
        if (ka != kb) return ka.CompareTo(kb);
        if (ka == 3) return string.CompareOrdinal(a, b);
        if (na != nb) return nb.CompareTo(na);
        return sb.CompareTo(sa);
    }

    // kind: 0 GA, 1 beta, 2 alpha, 3 not a kube version
    private static (int Kind, int Major, int Minor) Parse(string v)
    {
        if (v.Length < 2 || v[0] != 'v' || !char.IsAsciiDigit(v[1])) return (3, 0, 0);
        var i = 1;
        while (i < v.Length && char.IsAsciiDigit(v[i])) i++;
        var major = int.Parse(v.AsSpan(1, i - 1), System.Globalization.CultureInfo.InvariantCulture);
        if (i == v.Length) return (0, major, 0);
        var rest = v[i..];
        int kind = rest.StartsWith("beta", StringComparison.Ordinal) ? 1 : rest.StartsWith("alpha", StringComparison.Ordinal) ? 2 : 3;
        if (kind == 3) return (3, 0, 0);
        var digits = rest[(kind == 1 ? 4 : 5)..];
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)) return (3, 0, 0);
        return (kind, major, int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture));
    }
}
