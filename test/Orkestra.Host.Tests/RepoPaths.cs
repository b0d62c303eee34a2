using System.Reflection;

namespace Orkestra.Host.Tests;

/// <summary>The repository root, stamped into this assembly at build time (see the .csproj).</summary>
internal static class RepoPaths
{
    public static readonly string Root =
        typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);
}
