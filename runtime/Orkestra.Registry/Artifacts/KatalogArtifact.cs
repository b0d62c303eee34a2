using System.Text.Json;
using Orkestra.Registry.Diagnostics;

namespace Orkestra.Registry.Artifacts;

/// <summary>One file of an artifact: its path relative to the Katalog's folder (the layer title) and its bytes.</summary>
public sealed record ArtifactFile(string Path, byte[] Content);

/// <summary>A blob with its descriptor.</summary>
public sealed record Blob(OciDescriptor Descriptor, byte[] Content);

/// <summary>An artifact ready to push: the manifest (bytes and digest), its config and one layer per file.</summary>
public sealed record PackedArtifact(byte[] Manifest, string ManifestDigest, Blob Config, IReadOnlyList<Blob> Layers);

/// <summary>
/// The Katalog artifact format: an OCI image manifest with <see cref="MediaTypes.KatalogArtifact"/> as
/// <c>artifactType</c>, a <see cref="KatalogConfig"/> config blob naming the Katalog's layer, and one layer per file
/// with its relative path as <c>org.opencontainers.image.title</c>; version and source as manifest annotations.
/// Packing is deterministic (the same files give the same digest). Pure; thread-safe.
/// </summary>
public static class KatalogArtifact
{
    /// <summary>Packs <paramref name="files"/>; <paramref name="katalogPath"/> is the one that holds the Katalog.</summary>
    public static PackedArtifact Pack(IReadOnlyList<ArtifactFile> files, string katalogPath, string? name, string? version,
        string? source)
    {
        foreach (var file in files) CheckTitle(file.Path, "a file to push");
        if (!files.Any(f => f.Path == katalogPath)) throw new ArgumentException($"{katalogPath} is not among the files");
        var layers = files.Select(f => new Blob(new OciDescriptor(MediaTypes.KatalogFile, Digest.Of(f.Content), f.Content.Length,
            new Dictionary<string, string> { [MediaTypes.TitleAnnotation] = f.Path }), f.Content)).ToArray();
        var configBytes = JsonSerializer.SerializeToUtf8Bytes(new KatalogConfig(katalogPath, name, version),
            RegistryJson.Writer.KatalogConfig);
        var config = new Blob(new OciDescriptor(MediaTypes.KatalogConfig, Digest.Of(configBytes), configBytes.Length), configBytes);
        var annotations = new Dictionary<string, string>();
        if (name is not null) annotations[MediaTypes.TitleAnnotation] = name;
        if (version is not null) annotations[MediaTypes.VersionAnnotation] = version;
        if (source is not null) annotations[MediaTypes.SourceAnnotation] = source;
        var manifest = new OciManifest(2, MediaTypes.OciManifest, MediaTypes.KatalogArtifact, config.Descriptor,
            layers.Select(l => l.Descriptor).ToList(), annotations.Count == 0 ? null : annotations);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, RegistryJson.Writer.OciManifest);
        return new PackedArtifact(bytes, Digest.Of(bytes), config, layers);
    }

    /// <summary>
    /// Reads a manifest and checks it is a Katalog artifact: an OCI image manifest, our config media type, every layer
    /// with a safe, distinct title and a valid digest. <paramref name="reference"/> names it in errors.
    /// </summary>
    public static OciManifest ReadManifest(byte[] bytes, string reference)
    {
        OciManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(bytes, RegistryJson.Default.OciManifest);
        }
        catch (JsonException e)
        {
            throw new RegistryException(RegistryErrorKind.Invalid, $"{reference}: the manifest is not valid JSON ({e.Message})", e);
        }
        if (manifest is null || manifest.Config is null || manifest.Layers is null)
            throw new RegistryException(RegistryErrorKind.Invalid, $"{reference}: the manifest has no config or no layers");
        if (manifest.MediaType is not null && manifest.MediaType != MediaTypes.OciManifest)
            throw new RegistryException(RegistryErrorKind.NotAKatalog,
                $"{reference} is not a Katalog artifact: its manifest is {manifest.MediaType}, not {MediaTypes.OciManifest}");
        if (manifest.Config.MediaType != MediaTypes.KatalogConfig)
            throw new RegistryException(RegistryErrorKind.NotAKatalog,
                $"{reference} is not a Katalog artifact: its config is {manifest.Config.MediaType}, not {MediaTypes.KatalogConfig}");
        var titles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layer in manifest.Layers.Append(manifest.Config))
        {
            if (!Digest.IsValid(layer.Digest) || layer.Size < 0)
                throw new RegistryException(RegistryErrorKind.Invalid, $"{reference}: a descriptor has digest '{layer.Digest}' " +
                    $"and size {layer.Size} (a sha256 digest and a size ≥ 0 are required)");
        }
        foreach (var layer in manifest.Layers)
        {
            var title = layer.Annotations?.GetValueOrDefault(MediaTypes.TitleAnnotation);
            if (title is null)
                throw new RegistryException(RegistryErrorKind.Invalid,
                    $"{reference}: layer {layer.Digest} has no {MediaTypes.TitleAnnotation}");
            CheckTitle(title, reference);
            if (!titles.Add(title)) throw new RegistryException(RegistryErrorKind.Invalid, $"{reference}: two layers are titled {title}");
        }
        return manifest;
    }

    /// <summary>Reads the config blob and checks that it names one of the manifest's layers.</summary>
    public static KatalogConfig ReadConfig(byte[] bytes, OciManifest manifest, string reference)
    {
        KatalogConfig? config;
        try
        {
            config = JsonSerializer.Deserialize(bytes, RegistryJson.Default.KatalogConfig);
        }
        catch (JsonException e)
        {
            throw new RegistryException(RegistryErrorKind.Invalid, $"{reference}: the config blob is not valid JSON ({e.Message})", e);
        }
        if (config?.Katalog is null || !manifest.Layers.Any(l => l.Annotations![MediaTypes.TitleAnnotation] == config.Katalog))
            throw new RegistryException(RegistryErrorKind.NotAKatalog,
                $"{reference} is not a Katalog artifact: its config names no layer holding the Katalog");
        return config;
    }

    /// <summary>A title is a relative path with '/' separators, inside the artifact: no '..', no root, no backslash.</summary>
    private static void CheckTitle(string title, string reference)
    {
        var bad = title.Length == 0 || title.Length > 255 || title.StartsWith('/') || title.Contains('\\') || title.Contains(':')
            || title.Split('/').Any(s => s is "" or "." or "..") || title.Any(char.IsControl);
        if (bad)
            throw new RegistryException(RegistryErrorKind.Invalid,
                $"{reference}: file '{title}' is not a relative path inside the artifact (no '..', no leading '/', no '\\')");
    }
}
