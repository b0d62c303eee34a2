using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orkestra.Registry.Artifacts;

/// <summary>An OCI content descriptor (image-spec descriptor.md): what a manifest says about one blob.</summary>
public sealed record OciDescriptor(
    string MediaType,
    string Digest,
    long Size,
    [property: JsonPropertyName("annotations")] Dictionary<string, string>? Annotations = null);

/// <summary>An OCI image manifest (image-spec manifest.md), the fields this client writes and reads.</summary>
public sealed record OciManifest(
    int SchemaVersion,
    string? MediaType,
    string? ArtifactType,
    OciDescriptor Config,
    List<OciDescriptor> Layers,
    Dictionary<string, string>? Annotations = null);

/// <summary>The config blob of a Katalog artifact: which layer holds the Katalog, and its name and version.</summary>
public sealed record KatalogConfig(string Katalog, string? Name, string? Version);

/// <summary>An OCI image index (<c>index.json</c> of an image layout), as far as tests and tools write one.</summary>
public sealed record OciIndex(int SchemaVersion, string? MediaType, List<OciDescriptor> Manifests);

/// <summary>The tag list of <c>GET /v2/&lt;name&gt;/tags/list</c>.</summary>
public sealed record TagList(string? Name, List<string>? Tags);

/// <summary>The answer of a bearer token endpoint (distribution token spec: <c>token</c> or <c>access_token</c>).</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("access_token")] string? AccessToken);

/// <summary>The part of a Docker client config (<c>~/.docker/config.json</c>) that holds registry credentials.</summary>
public sealed record DockerConfig(Dictionary<string, DockerAuth>? Auths);

/// <summary>One <c>auths.&lt;host&gt;</c> entry: <c>auth</c> is base64 of <c>user:password</c>.</summary>
public sealed record DockerAuth(string? Auth, string? Username, string? Password);

/// <summary>Source-generated JSON for every document the registry client reads or writes (no reflection; AOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(OciManifest))]
[JsonSerializable(typeof(OciIndex))]
[JsonSerializable(typeof(KatalogConfig))]
[JsonSerializable(typeof(TagList))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(DockerConfig))]
public sealed partial class RegistryJson : JsonSerializerContext
{
    /// <summary>The context documents are written with: '+' in media types stays '+' (not \u002B), as other OCI clients
    /// write it; the output is plain JSON either way.</summary>
    public static RegistryJson Writer { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
