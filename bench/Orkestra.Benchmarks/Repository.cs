namespace Orkestra.Benchmarks;

/// <summary>The repository the benchmarks read their inputs from (samples, test data).</summary>
internal static class Repository
{
    /// <summary>The folder holding orkestra-aot.sln, above the benchmark binary or the current directory.</summary>
    public static string Root { get; } = Find();

    static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "orkestra-aot.sln"))) return dir.FullName;
        throw new InvalidOperationException("run the benchmarks from inside the repository");
    }
}
