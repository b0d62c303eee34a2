using Orkestra.Registry.Auth;
using Orkestra.Registry.Cache;
using Orkestra.Registry.Distribution;
using Orkestra.Registry.References;
using Orkestra.Registry.Transfer;

namespace Orkestra.Host.Commands;

/// <summary>
/// The registry flags <c>ork push</c> and <c>ork pull</c> share (<c>--insecure-registry</c>, <c>--ca-file</c>), and the
/// <see cref="KatalogTransfer"/> they configure from the flags and the environment (<c>ORK_REGISTRY</c>, credentials,
/// <c>ORK_REGISTRY_CA_FILE</c>, the cache folder).
/// </summary>
internal static class RegistryFlags
{
    public const string CaFileVariable = "ORK_REGISTRY_CA_FILE";

    public static readonly string[][] ValueFlags = [["--ca-file"]];
    public static readonly string[] Switches = ["--insecure-registry"];

    public const string Help = """
          --insecure-registry          allow plain HTTP and unverified certificates (loopback hosts may use plain
                                       HTTP without it)
          --ca-file FILE               PEM CA certificates to trust for the registry (default: $ORK_REGISTRY_CA_FILE)

        Environment: ORK_REGISTRY (the registry of short name:version references), ORK_REGISTRY_USERNAME and
        ORK_REGISTRY_PASSWORD (else auths.<host> of $DOCKER_CONFIG/config.json or ~/.docker/config.json),
        XDG_CACHE_HOME (the cache is $XDG_CACHE_HOME/ork, else ~/.cache/ork).
        """;

    public static ArtifactReference ParseReference(string text, Func<string, string?> environment) =>
        ArtifactReference.Parse(text, environment(ArtifactReference.DefaultRegistryVariable));

    /// <exception cref="FormatException">unreadable credentials or CA file; the message names the file.</exception>
    public static KatalogTransfer Transfer(CommandLine line, ArtifactReference reference, Func<string, string?> environment)
    {
        var caFile = line.One("--ca-file") ?? environment(CaFileVariable);
        if (caFile is not null && !File.Exists(caFile)) throw new FormatException($"--ca-file {caFile}: no such file");
        var options = new RegistryClientOptions
        {
            Insecure = line.Has("--insecure-registry"),
            CaFile = caFile,
            Credential = RegistryCredentials.Find(reference.Registry, environment),
            UserAgent = $"ork/{Cli.Version}",
        };
        return new KatalogTransfer(options, new ArtifactCache(ArtifactCache.DefaultRoot(environment)));
    }
}
