using System.Diagnostics;

namespace Orkestra.Templating.Functions;

/// <summary>
/// Name → function table. The standard library is one frozen registry shared by everything; each Katalog
/// gets a child registry holding its user-defined functions, which may shadow a built-in only when the
/// Katalog says so (the compiler enforces that). Lookups are lock-free; adding after <see cref="Freeze"/>
/// throws. Thread-safety: mutate on one thread while building, then freeze and share.
/// </summary>
public sealed class FunctionRegistry
{
    private static readonly Lazy<FunctionRegistry> s_standard = new(() =>
    {
        var registry = new FunctionRegistry();
        StandardLibrary.RegisterAll(registry);
        registry.Freeze();
        return registry;
    });

    private readonly Dictionary<string, FunctionDescriptor> _own = new(StringComparer.Ordinal);
    private volatile bool _frozen;

    public FunctionRegistry(FunctionRegistry? parent = null) => Parent = parent;

    /// <summary>The built-in functions (Go's and Orkestra's), frozen.</summary>
    public static FunctionRegistry Standard => s_standard.Value;

    public FunctionRegistry? Parent { get; }

    public bool IsFrozen => _frozen;

    /// <summary>Adds a function; a second function of the same name in the same registry is a programming error.</summary>
    public void Add(FunctionDescriptor function)
    {
        if (_frozen) throw new InvalidOperationException("the function registry is frozen");
        if (!_own.TryAdd(function.Name, function))
            throw new InvalidOperationException($"function '{function.Name}' is registered twice");
    }

    public void Freeze() => _frozen = true;

    public bool TryGet(string name, out FunctionDescriptor function)
    {
        Debug.Assert(_frozen || Parent is null || Parent.IsFrozen, "parent registries are frozen before children are used");
        if (_own.TryGetValue(name, out function!)) return true;
        if (Parent is not null) return Parent.TryGet(name, out function);
        function = null!;
        return false;
    }

    /// <summary>Every visible function, own ones shadowing the parent's, sorted by name.</summary>
    public IReadOnlyList<FunctionDescriptor> All
    {
        get
        {
            var merged = new Dictionary<string, FunctionDescriptor>(StringComparer.Ordinal);
            if (Parent is not null) foreach (var f in Parent.All) merged[f.Name] = f;
            foreach (var (name, f) in _own) merged[name] = f;
            return merged.Values.OrderBy(f => f.Name, StringComparer.Ordinal).ToArray();
        }
    }
}
