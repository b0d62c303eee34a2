using Orkestra.Registry.Auth;

namespace Orkestra.Registry.Distribution;

/// <summary>How a <see cref="RegistryClient"/> connects, authenticates and bounds what it reads.</summary>
public sealed record RegistryClientOptions
{
    /// <summary>Plain HTTP and unverified TLS certificates for any host (<c>--insecure-registry</c>). Loopback hosts may
    /// use plain HTTP without it (their certificates are still verified when they speak TLS).</summary>
    public bool Insecure { get; init; }

    /// <summary>A PEM file of CA certificates trusted for the registry in addition to the system's.</summary>
    public string? CaFile { get; init; }

    /// <summary>The credentials, if any (<see cref="RegistryCredentials.Find"/>); null is anonymous.</summary>
    public RegistryCredential? Credential { get; init; }

    /// <summary>Blobs larger than this are uploaded in PATCH chunks of this size; smaller ones in one PUT.</summary>
    public int ChunkSize { get; init; } = 4 << 20;

    /// <summary>The largest manifest read (distribution's own default limit is 4 MiB).</summary>
    public int MaxManifestBytes { get; init; } = 4 << 20;

    /// <summary>The largest blob read.</summary>
    public long MaxBlobBytes { get; init; } = 16 << 20;

    /// <summary>The bound of each HTTP request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The User-Agent header.</summary>
    public string UserAgent { get; init; } = "ork";
}
