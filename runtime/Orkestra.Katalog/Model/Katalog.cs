using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Model;

/// <summary>A <c>name: value</c> pair whose value is a located scalar (values may be templates).</summary>
public sealed record NamedValue(string Name, YamlScalar Value);

/// <summary>
/// A loaded <c>kind: Katalog</c> document. Immutable user configuration: every key of
/// the file is either here or was reported. Templated text stays as located <see cref="YamlScalar"/>s /
/// <see cref="YamlNode"/>s for the compiler. Shared, immutable.
/// </summary>
public sealed record KatalogDocument(
    SourceText Source,
    string Directory,
    KatalogMetadata Metadata,
    IReadOnlyList<CrdEntry> Crds,
    IReadOnlyList<string> Finalizers,
    bool CrossAccess,
    SecurityConfig? Security,
    IReadOnlyList<UserFunction> Functions)
{
    public string File => Source.File;

    /// <summary>For a Komposer: the Katalogs it imported, in merge order, each with its resolved digest. Empty for a
    /// Katalog.</summary>
    public IReadOnlyList<KatalogSource> Sources { get; init; } = [];

    /// <summary>Imported file → where it came from (prefixed to the diagnostics located in it, also the compiler's).</summary>
    public IReadOnlyDictionary<string, string> Origins { get; init; } = new Dictionary<string, string>();

    public CrdEntry? FindCrd(string name) => Crds.FirstOrDefault(c => c.Name == name);
}

/// <summary><c>metadata</c>. <c>projects</c> is tooling metadata kept as written.</summary>
public sealed record KatalogMetadata(
    string Name,
    string Namespace,
    string? ClusterName,
    string? Description,
    string? Version,
    string? Author,
    string? License,
    IReadOnlyList<string> Tags,
    string? CreatedBy,
    YamlNode? Projects,
    SourceLocation Location);

/// <summary>One <c>spec.crds.&lt;name&gt;</c> entry: the declaration of one operator.</summary>
public sealed record CrdEntry(
    string Name,
    SourceLocation Location,
    bool Enabled,
    string? Description,
    ApiTypes ApiTypes,
    bool Namespaced,
    string? Namespace,
    string? CrdFile,
    IReadOnlyList<string> CrFiles,
    IReadOnlyList<string> Setup,
    IReadOnlyList<Dependency> DependsOn,
    IReadOnlyList<NamedValue> Labels,
    IReadOnlyDictionary<string, string> LabelSelector,
    IReadOnlyDictionary<string, string> FieldSelector,
    bool ForceConflict,
    bool CrossAccess,
    bool IgnoreStatusPatch,
    bool IgnoreObservedGeneration,
    bool RemoveFinalizers,
    IReadOnlyList<string> RestrictedNamespaces,
    IReadOnlyList<string> AllowedNamespaces,
    EndpointsConfig Endpoints,
    WebhooksConfig Webhooks,
    OperatorBox OperatorBox,
    ValidationConfig? Validation,
    MutationConfig? Mutation,
    NormalizeConfig? Normalize,
    ConversionConfig? Conversion);

/// <summary>
/// <c>apiTypes</c>, complete after loading: a built-in kind given by <c>kind</c> alone is enriched
/// from the built-in table, and a missing block is inferred from <c>crdFile</c>.
/// </summary>
public sealed record ApiTypes(string Group, string Version, string Kind, string Plural, bool BuiltIn, SourceLocation Location)
{
    /// <summary><c>group/version</c>, or just <c>version</c> for the core group.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary><c>/api</c> for the core group, else <c>/apis</c>.</summary>
    public string ApiPath => Group.Length == 0 ? "/api" : "/apis";
}

public enum DependencyCondition { Started, Healthy }

/// <summary>One <c>dependsOn</c> target: start after <see cref="Target"/> reached <see cref="Condition"/>.</summary>
public sealed record Dependency(string Target, DependencyCondition Condition, SourceLocation Location);

/// <summary>Per-CRD <c>endpoints</c> switches (all default true).</summary>
public sealed record EndpointsConfig(bool Enabled, bool Health, bool Info)
{
    public static readonly EndpointsConfig Default = new(true, true, true);
}

/// <summary>Per-CRD <c>webhooks</c> override: only meaningful when admission webhooks are enabled.</summary>
public sealed record WebhooksConfig(bool Validation, bool Mutation, IReadOnlyList<string> Operations)
{
    public static readonly WebhooksConfig Default = new(true, true, ["CREATE", "UPDATE"]);
}

/// <summary>A user-defined template function (<c>notes.functions</c>).</summary>
public sealed record UserFunction(string Name, string Description, YamlScalar Expression, bool Shadow, SourceLocation Location);
