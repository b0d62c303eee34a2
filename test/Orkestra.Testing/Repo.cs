using System.Reflection;

namespace Orkestra.Testing;

/// <summary>Paths in the repository: its root is stamped into this assembly at build time (see the .csproj), so tests
/// find samples and test data wherever the build output lives.</summary>
public static class Repo
{
    public static readonly string Root =
        typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    /// <summary>The full path of <paramref name="relative"/> (a path from the repository root, '/'-separated).</summary>
    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);
}
