namespace Orkestra.Host.Commands;

/// <summary>
/// The starter packs embedded in the binary (Packs/README.md): manifest resources named <c>ork.packs/PACK/FILE</c>.
/// Reading them needs no reflection beyond the assembly's own resource table, so it works in the Native-AOT binary.
/// </summary>
internal static class StarterPacks
{
    private const string Prefix = "ork.packs/";

    internal sealed record Pack(string Name, string Summary, IReadOnlyList<string> Files);

    /// <summary>The pack names in the order <c>ork init --list</c> shows them (the default one first).</summary>
    internal static readonly string[] Order = ["beginner", "intermediate", "advanced"];

    public static IReadOnlyList<Pack> All()
    {
        var files = Resources().GroupBy(r => r.Pack, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => r.File).Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        return files.Keys.OrderBy(k => Array.IndexOf(Order, k) is var i && i < 0 ? int.MaxValue : i).ThenBy(k => k, StringComparer.Ordinal)
            .Select(k => new Pack(k, Summary(k), files[k])).ToArray();
    }

    public static Pack? Find(string name) => All().FirstOrDefault(p => p.Name == name);

    /// <summary>The text of one file of a pack.</summary>
    public static string Read(string pack, string file)
    {
        var name = Resources().First(r => r.Pack == pack && r.File == file).Resource;
        using var stream = typeof(StarterPacks).Assembly.GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException($"the pack resource {name} is missing from the binary");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The README's first line, <c># pack — summary</c>, without its heading.</summary>
    private static string Summary(string pack)
    {
        var first = Read(pack, "README.md").Split('\n')[0];
        var dash = first.IndexOf(" — ", StringComparison.Ordinal);
        return dash < 0 ? first.TrimStart('#', ' ') : first[(dash + 3)..].Trim();
    }

    private static IEnumerable<(string Resource, string Pack, string File)> Resources()
    {
        foreach (var resource in typeof(StarterPacks).Assembly.GetManifestResourceNames())
        {
            // RecursiveDir uses the build machine's separator; the names are normalised to '/'.
            var name = resource.Replace('\\', '/');
            if (!name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            var rest = name[Prefix.Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0) yield return (resource, rest[..slash], rest[(slash + 1)..]);
        }
    }
}
