using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Model;

public enum RuleAction { Deny, Warn }

/// <summary><c>validation</c>; rules from <c>include</c> come first.</summary>
public sealed record ValidationConfig(IReadOnlyList<ExternalCall> External, IReadOnlyList<ValidationRule> Rules);

/// <summary>A validation rule: the CR passes when <see cref="Condition"/> holds; otherwise <see cref="Message"/>.</summary>
public sealed record ValidationRule(ConditionSpec Condition, YamlScalar Message, RuleAction Action, ConditionGate Gate,
    SourceLocation Location);

/// <summary><c>mutation</c>; rules from <c>include</c> come first.</summary>
public sealed record MutationConfig(bool MutateFirst, IReadOnlyList<ExternalCall> External, IReadOnlyList<MutationRule> Rules);

/// <summary>A mutation rule: set <see cref="Field"/> to <see cref="Value"/> when absent (default) or always (override).</summary>
public sealed record MutationRule(YamlScalar Field, YamlScalar Value, bool IsOverride, ConditionValueType ValueType, ConditionGate Gate,
    bool FiresReconcile, SourceLocation Location);

/// <summary><c>normalize</c>: in-memory rewrites of spec paths before anything else runs.</summary>
public sealed record NormalizeConfig(IReadOnlyList<NormalizeField> Fields, bool Audit);

/// <summary>One <c>normalize.spec</c> entry with its optional <c>normalize.types</c> type (normalised: int, bool, float, string).</summary>
public sealed record NormalizeField(string Path, YamlScalar Template, string? Type, SourceLocation Location);

/// <summary><c>conversion</c>.</summary>
public sealed record ConversionConfig(string StorageVersion, bool UpdateCrd, bool Participant, IReadOnlyList<ConversionPath> Paths);

/// <summary>One conversion path; <see cref="Spec"/> maps target fields to templates over the source object.</summary>
public sealed record ConversionPath(string From, string To, YamlMap Spec, SourceLocation Location);

/// <summary>Top-level <c>security</c>. <c>conversionWindow</c> is refused at load (not executed).</summary>
public sealed record SecurityConfig(
    string? ServiceName,
    string? GatewayEndpoint,
    DeletionProtectionConfig DeletionProtection,
    NamespaceProtectionConfig? NamespaceProtection,
    SecurityWebhooksConfig Webhooks,
    ConversionWebhookConfig Conversion,
    SourceLocation Location);

public enum FailurePolicy { Fail, Ignore }

/// <summary>Deletion protection: enabled by default whenever a <c>security</c> block exists. <c>cleanupOnShutdown</c>
/// (here and in the other blocks) defaults to true in orkestra-aot — Orkestra's default is false.</summary>
public sealed record DeletionProtectionConfig(bool Enabled, FailurePolicy FailurePolicy, bool CleanupOnShutdown, bool StrictMode);

public sealed record NamespaceProtectionConfig(bool Enabled, IReadOnlyList<string> RestrictedNamespaces,
    IReadOnlyList<string> AllowedNamespaces, FailurePolicy FailurePolicy, bool CleanupOnShutdown);

public sealed record SecurityWebhooksConfig(bool AdmissionEnabled, FailurePolicy FailurePolicy, string? ServiceName,
    bool CleanupOnShutdown);

public sealed record ConversionWebhookConfig(bool Enabled, int ConversionWindow);
