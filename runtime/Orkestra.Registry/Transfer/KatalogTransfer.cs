using Orkestra.Registry.Artifacts;
using Orkestra.Registry.Cache;
using Orkestra.Registry.Diagnostics;
using Orkestra.Registry.Distribution;
using Orkestra.Registry.References;

namespace Orkestra.Registry.Transfer;

/// <summary>A pulled Katalog artifact: the reference resolved to its digest, the files, and whether the registry was
/// asked (false: everything came from the local cache).</summary>
public sealed record PulledArtifact(ArtifactReference Reference, string Digest, OciManifest Manifest, KatalogConfig Config,
    IReadOnlyList<ArtifactFile> Files, bool FromCache)
{
    /// <summary>The file holding the Katalog.</summary>
    public ArtifactFile Katalog => Files.First(f => f.Path == Config.Katalog);
}

/// <summary>
/// Push and pull of Katalog artifacts, the one entry point for <c>ork push</c>/<c>ork pull</c> and for anything that
/// resolves a registry reference to files (a Komposer's <c>imports.registry</c>). A pull by digest is served from the
/// cache whenever the cache holds it (content-addressed: it cannot be stale), so a registry that is down does not
/// matter; a pull by tag asks the registry, and only with <c>offline</c> uses the digest the tag last resolved to.
/// Everything fetched is verified before it is cached or returned. One instance may serve many calls concurrently.
/// </summary>
public sealed class KatalogTransfer(RegistryClientOptions options, ArtifactCache cache, long maxArtifactBytes = 64 << 20)
{
    public ArtifactCache Cache { get; } = cache;

    /// <summary>Pushes the files (blobs first, then the manifest under the reference's tag or digest).</summary>
    /// <returns>The manifest digest.</returns>
    public async Task<string> PushAsync(PackedArtifact artifact, ArtifactReference reference, CancellationToken ct)
    {
        var total = artifact.Config.Content.LongLength + artifact.Layers.Sum(l => l.Content.LongLength);
        if (total > maxArtifactBytes)
            throw new RegistryException(RegistryErrorKind.TooLarge,
                $"{reference}: the artifact is {total} bytes, over the bound of {maxArtifactBytes}");
        if (reference.Digest is not null && reference.Digest != artifact.ManifestDigest)
            throw new RegistryException(RegistryErrorKind.DigestMismatch,
                $"{reference}: the artifact's manifest digest is {artifact.ManifestDigest}, not the one in the reference");
        using var client = new RegistryClient(reference.Registry, options);
        foreach (var blob in artifact.Layers.Append(artifact.Config).DistinctBy(b => b.Descriptor.Digest))
            await client.PushBlobAsync(reference, blob, ct);
        await client.PutManifestAsync(reference, artifact.Manifest, MediaTypes.OciManifest, ct);
        return artifact.ManifestDigest;
    }

    /// <summary>The repository's tags.</summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(ArtifactReference repo, CancellationToken ct)
    {
        using var client = new RegistryClient(repo.Registry, options);
        return await client.ListTagsAsync(repo, ct);
    }

    /// <summary>Resolves and fetches a Katalog artifact (see the class summary for cache and <paramref name="offline"/>).</summary>
    public async Task<PulledArtifact> PullAsync(ArtifactReference reference, bool offline, CancellationToken ct)
    {
        if (reference.Digest is not null && FromCache(reference, reference.Digest) is { } cached) return cached;
        if (offline)
        {
            var digest = reference.Digest ?? Cache.ReadTag(reference)
                ?? throw new RegistryException(RegistryErrorKind.NotFound,
                    $"{reference}: --offline, and the local cache ({Cache.Root}) has never resolved this tag");
            return FromCache(reference.AtDigest(digest), digest)
                ?? throw new RegistryException(RegistryErrorKind.NotFound,
                    $"{reference.AtDigest(digest)}: --offline, and the local cache ({Cache.Root}) does not hold all of it");
        }
        using var client = new RegistryClient(reference.Registry, options);
        byte[] manifestBytes;
        string manifestDigest;
        try
        {
            (manifestBytes, manifestDigest) = await client.GetManifestAsync(reference, ct);
        }
        catch (RegistryException e) when (e.Kind == RegistryErrorKind.Unreachable && reference.Digest is null
                                          && Cache.ReadTag(reference) is { } known)
        {
            throw new RegistryException(e.Kind, $"{e.Message}; a tag needs the registry (--offline uses {known}, " +
                "the digest it last resolved to)", e);
        }
        var resolved = reference.AtDigest(manifestDigest);
        var manifest = KatalogArtifact.ReadManifest(manifestBytes, resolved.ToString());
        CheckTotal(manifest, resolved);
        var configBytes = await BlobAsync(client, resolved, manifest.Config, ct);
        var config = KatalogArtifact.ReadConfig(configBytes, manifest, resolved.ToString());
        var files = new List<ArtifactFile>();
        foreach (var layer in manifest.Layers)
            files.Add(new ArtifactFile(layer.Annotations![MediaTypes.TitleAnnotation], await BlobAsync(client, resolved, layer, ct)));
        Cache.WriteBlob(manifestDigest, manifestBytes);
        if (reference.Tag is not null) Cache.WriteTag(reference, manifestDigest);
        return new PulledArtifact(resolved, manifestDigest, manifest, config, files, FromCache: false);
    }

    private async Task<byte[]> BlobAsync(RegistryClient client, ArtifactReference reference, OciDescriptor descriptor,
        CancellationToken ct)
    {
        if (Cache.ReadBlob(descriptor.Digest, descriptor.Size) is { } cached && cached.Length == descriptor.Size) return cached;
        var bytes = await client.GetBlobAsync(reference, descriptor, ct);
        Cache.WriteBlob(descriptor.Digest, bytes);
        return bytes;
    }

    private void CheckTotal(OciManifest manifest, ArtifactReference reference)
    {
        var total = manifest.Config.Size + manifest.Layers.Sum(l => l.Size);
        if (total > maxArtifactBytes)
            throw new RegistryException(RegistryErrorKind.TooLarge,
                $"{reference}: the artifact is {total} bytes, over the bound of {maxArtifactBytes}");
    }

    /// <summary>The whole artifact from the cache, verified, or null when any part is missing.</summary>
    private PulledArtifact? FromCache(ArtifactReference reference, string digest)
    {
        var manifestBytes = Cache.ReadBlob(digest, options.MaxManifestBytes);
        if (manifestBytes is null) return null;
        var resolved = reference.AtDigest(digest);
        var manifest = KatalogArtifact.ReadManifest(manifestBytes, resolved.ToString());
        CheckTotal(manifest, resolved);
        var configBytes = Cache.ReadBlob(manifest.Config.Digest, manifest.Config.Size);
        if (configBytes is null) return null;
        var config = KatalogArtifact.ReadConfig(configBytes, manifest, resolved.ToString());
        var files = new List<ArtifactFile>();
        foreach (var layer in manifest.Layers)
        {
            var bytes = Cache.ReadBlob(layer.Digest, layer.Size);
            if (bytes is null) return null;
            files.Add(new ArtifactFile(layer.Annotations![MediaTypes.TitleAnnotation], bytes));
        }
        return new PulledArtifact(resolved, digest, manifest, config, files, FromCache: true);
    }
}
