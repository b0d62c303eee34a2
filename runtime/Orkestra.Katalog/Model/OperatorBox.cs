using Orkestra.Katalog.Children;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Model;

/// <summary><c>operatorBox</c>: everything one operator does. Hooks are null when not declared.</summary>
public sealed record OperatorBox(
    ReconcilerConfig Reconciler,
    IReadOnlyList<string>? Finalizers,
    HookBlock? OnCreate,
    HookBlock? OnReconcile,
    HookBlock? OnDelete,
    StatusConfig Status,
    IReadOnlyList<CrossRead> Cross,
    AutoscaleConfig? Autoscale,
    ConditionGate Gate)
{
    public IEnumerable<HookBlock> Hooks => new[] { OnCreate, OnReconcile, OnDelete }.OfType<HookBlock>();
}

/// <summary>
/// <c>operatorBox.reconciler</c>, also read from the aliases <c>operatorBox.reconcile</c>,
/// <c>operatorBox.default</c> and <c>workers</c>/<c>resync</c>/<c>queue</c> on the CRD entry.
/// Null numbers mean "runtime default" (DEFAULT_WORKERS, DEFAULT_RESYNC).
/// </summary>
public sealed record ReconcilerConfig(int? Workers, TimeSpan? Resync, QueueConfig Queue, RequeueConfig? Requeue)
{
    public static readonly ReconcilerConfig Default = new(null, null, QueueConfig.Default, null);
}

public enum QueueType { RateLimited, Delayed }

/// <summary><c>queue</c>. <see cref="MaxDepth"/> 0 = unlimited; <see cref="FailureThreshold"/> null = env default.</summary>
public sealed record QueueConfig(QueueType Type, int MaxDepth, int? FailureThreshold, RetryBackoff? RetryBackoff)
{
    public static readonly QueueConfig Default = new(QueueType.RateLimited, 0, null, null);
}

/// <summary><c>retryBackoff</c>: shorthand duration (= initial) or the full object.</summary>
public sealed record RetryBackoff(TimeSpan Initial, TimeSpan? Max, double? Multiplier, int? MaxAttempts);

/// <summary><c>reconciler.requeue</c>: <see cref="After"/> is a template yielding a Go duration.</summary>
public sealed record RequeueConfig(YamlScalar? After, ConditionGate Gate);

public enum HookKind { OnCreate, OnReconcile, OnDelete }

/// <summary>One of <c>onCreate</c>/<c>onReconcile</c>/<c>onDelete</c>, children in declaration order.</summary>
public sealed record HookBlock(HookKind Hook, SourceLocation Location, IReadOnlyList<ExternalCall> External, ConditionGate Gate,
    IReadOnlyList<ChildEntry> Children);

/// <summary>
/// One resource entry under a hook. <see cref="Body"/> holds only the kind's own fields (the common
/// keys are bound here); it is checked against <see cref="IChildKind.Fields"/> and compiled to a template tree.
/// </summary>
public sealed record ChildEntry(
    IChildKind Kind,
    int Index,
    SourceLocation Location,
    YamlMap Body,
    bool Reconcile,
    ConditionGate Gate,
    ForEachSpec? ForEach,
    TimeSpan? Sleep,
    bool? ForceConflict,
    bool Once,
    TimeSpan? RotateAfter)
{
    /// <summary>How the entry is named in messages: <c>onCreate.deployments[0]</c>.</summary>
    public string Describe(HookKind hook) => $"{Hooks.Name(hook)}.{Kind.YamlKey}[{Index}]";
}

/// <summary><c>forEach: {field, as}</c>: expand the entry once per element of <see cref="Field"/>.</summary>
public sealed record ForEachSpec(YamlScalar Field, string As, SourceLocation Location);

/// <summary><c>status</c>: <see cref="Conditions"/> = write the Ready condition; fields in order.</summary>
public sealed record StatusConfig(bool Conditions, IReadOnlyList<StatusField> Fields)
{
    public static readonly StatusConfig Default = new(true, []);
}

/// <summary>One <c>status.fields</c> entry; <see cref="Type"/> is normalised (string, int, float, bool, auto).</summary>
public sealed record StatusField(YamlScalar Path, YamlNode Value, string Type, ConditionGate Gate, bool ClearOnFalse,
    SourceLocation Location);

public enum CrossStrategy { First, All }

/// <summary><c>cross</c>: a read of another CRD's CR, exposed as <c>.cross.&lt;As&gt;</c>.</summary>
public sealed record CrossRead(
    string? Crd,
    IReadOnlyList<NamedValue> LabelSelector,
    YamlScalar? SelectorName,
    YamlScalar? SelectorNamespace,
    IReadOnlyList<NamedValue> MatchLabels,
    string As,
    CrossStrategy Strategy,
    SourceLocation Location);

/// <summary>An <c>external</c> HTTP call; exposed as <c>.external.&lt;Name&gt;</c>.</summary>
public sealed record ExternalCall(
    string Name,
    YamlScalar Url,
    string Method,
    YamlScalar? Body,
    IReadOnlyList<NamedValue> Headers,
    YamlScalar? Token,
    TimeSpan Timeout,
    int ExpectedStatus,
    bool ContinueOnError,
    ConditionGate Gate,
    TimeSpan? Sleep,
    bool FiresReconcile,
    TimeSpan? CacheFor,
    RetryBackoff? RetryBackoff,
    SourceLocation Location);

/// <summary><c>operatorBox.autoscale</c>: overrides applied while the conditions hold.</summary>
public sealed record AutoscaleConfig(TimeSpan Interval, TimeSpan Cooldown, ConditionGate Conditions, int? Workers, int? QueueDepth,
    TimeSpan? Resync, SourceLocation Location);

/// <summary>Names of hooks as the user writes them.</summary>
public static class Hooks
{
    public static string Name(HookKind hook) => hook switch
    {
        HookKind.OnCreate => "onCreate",
        HookKind.OnReconcile => "onReconcile",
        _ => "onDelete",
    };
}
