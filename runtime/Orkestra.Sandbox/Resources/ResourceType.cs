using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Kinds;
using Orkestra.ApiMachinery.Shapes;

namespace Orkestra.Sandbox.Resources;

/// <summary>
/// One served resource in one group-version: how it is addressed, which verbs and subresources it has and which
/// server-side rules apply to it. Shared, immutable. Several versions of one CRD share a <see cref="StorageKey"/>.
/// </summary>
internal sealed class ResourceType
{
    public ResourceType()
    {
    }

    /// <summary>A built-in kind's identity from the one kind table; the server-side rules follow in an initializer.</summary>
    [SetsRequiredMembers]
    public ResourceType(BuiltInKind kind)
    {
        Group = kind.Group;
        Version = kind.Version;
        Resource = kind.Plural;
        Kind = kind.Kind;
        Namespaced = kind.Namespaced;
        ShortNames = [.. kind.ShortNames];
        Categories = [.. kind.Categories];
        HasStatus = kind.HasStatus;
    }

    public required string Group { get; init; }
    public required string Version { get; init; }
    public required string Resource { get; init; }
    public required string Kind { get; init; }
    public string? SingularName { get; init; }
    public required bool Namespaced { get; init; }
    public string[] ShortNames { get; init; } = [];
    public string[] Categories { get; init; } = [];
    /// <summary>Has a /status subresource: main endpoint ignores status, /status ignores everything else.</summary>
    public bool HasStatus { get; init; }
    /// <summary>Has a /scale subresource (autoscaling/v1 Scale).</summary>
    public ScaleSpec? Scale { get; init; }
    /// <summary>metadata.generation = 1 on create, +1 on every non-metadata change.</summary>
    public bool TracksGeneration { get; init; }
    /// <summary>DELETE answers with the deleted object instead of a Status (pods, service accounts).</summary>
    public bool ReturnsDeletedObject { get; init; }
    /// <summary>PUT without metadata.resourceVersion is accepted (built-ins); CRs answer 422.</summary>
    public bool AllowUnconditionalUpdate { get; init; } = true;
    /// <summary>Extra field selectors beyond metadata.name/namespace: selector label → dotted path.</summary>
    public IReadOnlyDictionary<string, string> FieldSelectors { get; init; } = EmptyFields;
    /// <summary>Columns for Table responses (besides Name); empty → Name + Age.</summary>
    public IReadOnlyList<TableColumn> Columns { get; init; } = [];
    /// <summary>Set for custom resources: the CRD this type was established from.</summary>
    public CustomResourceInfo? Custom { get; init; }
    /// <summary>Only namespaces: the /finalize subresource.</summary>
    public bool HasFinalize { get; init; }

    private static readonly Dictionary<string, string> EmptyFields = new();

    public string Singular => SingularName ?? Kind.ToLowerInvariant();
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    public string GroupResource => Group.Length == 0 ? Resource : $"{Resource}.{Group}";
    public string StorageKey => GroupResource;
    public string ListKind => Custom?.ListKind ?? Kind + "List";
    public bool IsCustom => Custom is not null;

    private Shape? _shape;

    /// <summary>List/map markers for server-side apply and strategic merge patch (built-in table or the CRD version's schema); computed
    /// once.</summary>
    public Shape Shape =>
        _shape ??= Custom is null ? BuiltInShapes.For(Group, Kind) : BuiltInShapes.ForCustomResource(Custom.OpenApiSchema);

    public static readonly string[] AllVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
}

/// <summary>Where a /scale subresource reads and writes replicas (dotted paths without the leading dot).</summary>
internal sealed record ScaleSpec(string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath);

/// <summary>A Table column: kube's column definition plus how to compute the cell.</summary>
internal sealed record TableColumn(string Name, string Type, string Format, string Description, int Priority, Func<JsonObject,
    JsonNode?> Cell);

/// <summary>What a custom resource type knows about its CRD: schema, printer columns, selectable fields.</summary>
internal sealed class CustomResourceInfo
{
    public required string CrdName { get; init; }
    public required string ListKind { get; init; }
    public required JsonObject? OpenApiSchema { get; init; }
    /// <summary>The compiled <see cref="OpenApiSchema"/> (built once per CRD version when the CRD is stored).</summary>
    public Orkestra.ApiMachinery.Schema.StructuralSchema? Schema { get; init; }
    /// <summary>RV of the CRD write that introduced <see cref="Schema"/>: objects stored before it are re-pruned and re-defaulted when
    /// read.</summary>
    public long SchemaSince { get; init; }
    public bool Deprecated { get; init; }
    public string? DeprecationWarning { get; init; }
    /// <summary>The CRD's storage version (objects are stored in it when <see cref="Conversion"/> is set).</summary>
    public string StorageVersion { get; init; } = "";
    /// <summary><c>spec.conversion.strategy: Webhook</c>; null for None (only apiVersion is rewritten).</summary>
    public Admission.ConversionWebhook? Conversion { get; init; }
}
