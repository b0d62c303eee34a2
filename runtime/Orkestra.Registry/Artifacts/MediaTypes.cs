namespace Orkestra.Registry.Artifacts;

/// <summary>The media types of a Katalog artifact and the OCI ones it is wrapped in.</summary>
public static class MediaTypes
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";

    /// <summary>The manifest's <c>artifactType</c>.</summary>
    public const string KatalogArtifact = "application/vnd.orkestra.katalog.v1";

    /// <summary>The config blob's media type: a <see cref="KatalogConfig"/>.</summary>
    public const string KatalogConfig = "application/vnd.orkestra.katalog.config.v1+json";

    /// <summary>One file of the artifact (the Katalog, a crdFile, a crFile), YAML as written.</summary>
    public const string KatalogFile = "application/vnd.orkestra.katalog.file.v1+yaml";

    public const string TitleAnnotation = "org.opencontainers.image.title";
    public const string VersionAnnotation = "org.opencontainers.image.version";
    public const string SourceAnnotation = "org.opencontainers.image.source";
}
