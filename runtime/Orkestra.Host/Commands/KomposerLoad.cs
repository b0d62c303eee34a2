using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Composition;

namespace Orkestra.Host.Commands;

/// <summary>
/// How every command that takes <c>-k</c> loads its files: Katalogs, or Komposers whose imports are resolved here —
/// once, at start, pulled (<see cref="RegistryKatalogs"/>) → merged → validated → compiled — so <c>ork validate</c> makes
/// exactly the checks <c>ork run</c> makes. <c>--offline</c> and <c>--insecure-registry</c> apply to registry imports.
/// </summary>
internal static class KomposerLoad
{
    public static readonly string[] Switches = ["--offline", "--insecure-registry"];

    public const string Help = """
          --offline                    registry imports never contact the registry: a digest comes from the local
                                       cache, a tag resolves to the digest it last resolved to
          --insecure-registry          allow plain HTTP and unverified certificates for registry imports
        """;

    public static KatalogCompileResult Compile(IReadOnlyList<string> files, Func<string, string?> environment, CommandLine? line = null) =>
        KatalogCompiler.CompileFiles(files, Options(environment, line?.Has("--offline") == true, line?.Has("--insecure-registry") == true));

    public static KatalogLoadOptions Options(Func<string, string?> environment, bool offline = false, bool insecure = false) => new()
    {
        Registry = new RegistryKatalogs(environment, offline, insecure),
        Environment = environment,
    };
}
