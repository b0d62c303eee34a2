using Orkestra.Katalog.Children;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Templating.Functions;

namespace Orkestra.Katalog.Compilation;

/// <summary>
/// One compiled Katalog: an operator per CRD, every template compiled once with this Katalog's functions.
/// Shared, immutable, thread-safe; replaced as a whole, never edited.
/// </summary>
public sealed class CompiledKatalog(KatalogDocument source, FunctionRegistry functions, IReadOnlyList<CompiledOperator> operators)
{
    public KatalogDocument Source { get; } = source;
    public string Name => Source.Metadata.Name;

    /// <summary>The standard library plus this Katalog's <c>notes.functions</c>.</summary>
    public FunctionRegistry Functions { get; } = functions;

    public IReadOnlyList<CompiledOperator> Operators { get; } = operators;

    public CompiledOperator? Find(string crdName) => Operators.FirstOrDefault(o => o.Name == crdName);
}

/// <summary>
/// Everything one CRD's operator evaluates per reconcile. Static configuration (files, selectors, switches) is
/// resolved into <see cref="Settings"/>; templated parts are compiled here. The user's config records are not
/// carried. Shared, immutable, thread-safe.
/// </summary>
public sealed record CompiledOperator(
    string Name,
    ApiTypes ApiTypes,
    ReconcilerConfig Reconciler,
    OperatorSettings Settings,
    IReadOnlyList<string> Finalizers,
    IReadOnlyList<CompiledLabel> Labels,
    CompiledGate Gate,
    CompiledHook? OnCreate,
    CompiledHook? OnReconcile,
    CompiledHook? OnDelete,
    CompiledStatus Status,
    IReadOnlyList<CompiledCross> Cross,
    CompiledRequeue? Requeue,
    CompiledAutoscale? Autoscale,
    CompiledValidation? Validation,
    CompiledMutation? Mutation,
    CompiledNormalize? Normalize,
    CompiledConversion? Conversion)
{
    public IEnumerable<CompiledHook> Hooks => new[] { OnCreate, OnReconcile, OnDelete }.OfType<CompiledHook>();

    /// <summary>
    /// Kinds declared in onCreate then onReconcile, first occurrence order: the kinds whose observed objects the
    /// templates read as <c>.children</c>.
    /// </summary>
    public IReadOnlyList<IChildKind> ObservedKinds { get; } =
        new[] { OnCreate, OnReconcile }.OfType<CompiledHook>().SelectMany(h => h.Children).Select(c => c.Kind).Distinct().ToArray();
}

/// <summary>
/// The static settings of one <c>spec.crds.&lt;name&gt;</c> entry, resolved at compile time: what the runtime
/// watches (namespace, selectors), which files it applies, whom it starts after, and the reconciler switches.
/// Shared, immutable.
/// </summary>
public sealed record OperatorSettings(
    SourceLocation Location,
    bool Enabled,
    bool Namespaced,
    string? Namespace,
    string? CrdFile,
    IReadOnlyList<string> CrFiles,
    IReadOnlyList<string> Setup,
    IReadOnlyList<string> DependsOn,
    IReadOnlyDictionary<string, string> LabelSelector,
    IReadOnlyDictionary<string, string> FieldSelector,
    bool ForceConflict,
    bool CrossAccess,
    bool IgnoreStatusPatch,
    bool IgnoreObservedGeneration,
    bool RemoveFinalizers,
    IReadOnlyList<string> RestrictedNamespaces,
    IReadOnlyList<string> AllowedNamespaces,
    bool DefaultEndpoints,
    bool ValidationWebhook,
    bool MutationWebhook,
    IReadOnlyList<string> WebhookOperations)
{
    /// <summary>Resolves <paramref name="crd"/>'s settings (<c>dependsOn</c> as the names of the CRDs waited for).</summary>
    public static OperatorSettings From(CrdEntry crd) => new(
        crd.Location, crd.Enabled, crd.Namespaced, crd.Namespace, crd.CrdFile, crd.CrFiles, crd.Setup,
        crd.DependsOn.Select(d => d.Target).ToArray(), crd.LabelSelector, crd.FieldSelector, crd.ForceConflict,
        crd.CrossAccess, crd.IgnoreStatusPatch, crd.IgnoreObservedGeneration, crd.RemoveFinalizers, crd.RestrictedNamespaces,
        crd.AllowedNamespaces, crd.Endpoints == EndpointsConfig.Default, crd.Webhooks.Validation, crd.Webhooks.Mutation,
        crd.Webhooks.Operations) { Dependencies = crd.DependsOn };

    /// <summary><c>dependsOn</c> with the condition each target must reach before this operator starts.</summary>
    public IReadOnlyList<Dependency> Dependencies { get; init; } = [];
}

/// <summary>A label written onto the CR; the value may be a template.</summary>
public sealed record CompiledLabel(string Name, CompiledText Value);

/// <summary>A compiled hook block: external calls, the block gate, children in declaration order.</summary>
public sealed record CompiledHook(HookKind Hook, IReadOnlyList<CompiledExternal> External, CompiledGate Gate,
    IReadOnlyList<CompiledChild> Children);

/// <summary>
/// One child entry: <see cref="Body"/> renders to the JSON entry the kind's builder takes
/// (<see cref="IChildKind.Build"/>); common keys (reconcile, once, sleep, …) are on <see cref="Source"/>.
/// </summary>
public sealed record CompiledChild(ChildEntry Source, HookKind Hook, CompiledNode Body, CompiledGate Gate, CompiledForEach? ForEach)
{
    public IChildKind Kind => Source.Kind;

    /// <summary>How messages name the entry: <c>onCreate.deployments[0]</c>.</summary>
    public string Describe() => Source.Describe(Hook);
}

/// <summary><c>forEach</c>: the collection (dot path or template) and the loop variable name.</summary>
public sealed record CompiledForEach(IReadOnlyList<string>? Path, CompiledText? Template, string As);

public sealed record CompiledStatus(bool Conditions, IReadOnlyList<CompiledStatusField> Fields);

/// <summary>A <c>status.fields</c> entry; <see cref="Path"/> is relative to <c>status</c>.</summary>
public sealed record CompiledStatusField(IReadOnlyList<string> Path, string PathText, CompiledNode Value, string Type, CompiledGate Gate,
    bool ClearOnFalse, StatusField Source);

public sealed record CompiledCross(CrossRead Source, CompiledText? Name, CompiledText? Namespace, IReadOnlyList<CompiledLabel> MatchLabels,
    IReadOnlyList<CompiledLabel> LabelSelector);

public sealed record CompiledExternal(ExternalCall Source, CompiledText Url, CompiledText? Body, IReadOnlyList<CompiledLabel> Headers,
    CompiledText? Token, CompiledGate Gate);

/// <summary><c>reconciler.requeue</c>: <see cref="After"/> renders to a Go duration (empty or 0s = none).</summary>
public sealed record CompiledRequeue(CompiledText? After, CompiledGate Gate);

public sealed record CompiledAutoscale(AutoscaleConfig Source, CompiledGate Conditions);

public sealed record CompiledValidation(IReadOnlyList<CompiledExternal> External, IReadOnlyList<CompiledValidationRule> Rules);

/// <summary>The CR passes the rule when <see cref="Condition"/> holds (or <see cref="Gate"/> does not).</summary>
public sealed record CompiledValidationRule(CompiledCondition Condition, CompiledText Message, RuleAction Action, CompiledGate Gate,
    ValidationRule Source)
{
    /// <summary>The condition, the message or the gate reads <c>.external</c> (a result of the rule set's external calls).</summary>
    public bool ReadsExternal { get; } = Condition.Reads("external") || Message.Reads("external") || Gate.Reads("external");
}

public sealed record CompiledMutation(bool MutateFirst, IReadOnlyList<CompiledExternal> External,
    IReadOnlyList<CompiledMutationRule> Rules);

public sealed record CompiledMutationRule(CompiledText Field, CompiledText Value, bool IsOverride, ConditionValueType ValueType,
    CompiledGate Gate, bool FiresReconcile, MutationRule Source)
{
    /// <summary>The field, the value or the gate reads <c>.external</c> (a result of the rule set's external calls).</summary>
    public bool ReadsExternal { get; } = Field.Reads("external") || Value.Reads("external") || Gate.Reads("external");
}

public sealed record CompiledNormalize(IReadOnlyList<CompiledNormalizeField> Fields, bool Audit);

/// <summary>A normalize rewrite: <see cref="Path"/> is relative to <c>spec</c>.</summary>
public sealed record CompiledNormalizeField(IReadOnlyList<string> Path, CompiledText Template, string? Type, NormalizeField Source);

public sealed record CompiledConversion(string StorageVersion, bool UpdateCrd, bool Participant,
    IReadOnlyList<CompiledConversionPath> Paths);

public sealed record CompiledConversionPath(string From, string To, CompiledNode Spec, ConversionPath Source)
{
    /// <summary><c>group/To</c>: the apiVersion of what the path produces.</summary>
    public string ApiVersion { get; init; } = "";
}
