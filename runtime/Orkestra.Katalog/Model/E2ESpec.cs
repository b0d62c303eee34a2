using Orkestra.Katalog.Diagnostics;

namespace Orkestra.Katalog.Model;

/// <summary>
/// A <c>kind: E2E</c> file (Orkestra's e2e.yaml): the Katalog, its CRD and CRs, the cluster to run on, the setup to
/// apply and wait for, and the resources that must (or must not) exist after the CR is applied and after it is
/// deleted. Paths are absolute (resolved against the file's folder). Immutable.
/// </summary>
public sealed record E2ESpec(
    SourceLocation Location,
    string Name,
    string Katalog,
    string? Crd,
    string Cr,
    E2ECluster Cluster,
    IReadOnlyList<string> SetupApply,
    IReadOnlyList<E2EResource> SetupWait,
    IReadOnlyList<E2EExpect> Expect);

/// <summary>Where an E2E run happens: the embedded sandbox (the default) or an existing cluster.</summary>
public enum E2EProvider { Sandbox, Existing }

/// <summary><c>spec.cluster</c>: the provider and, for an existing cluster, the kubeconfig context (<c>name</c>; null: the
/// kubeconfig's current context).</summary>
public sealed record E2ECluster(SourceLocation Location, E2EProvider Provider, string? Context);

/// <summary>When an expectation is checked: after the CRs were applied, or after they were deleted.</summary>
public enum E2EPhase { CrApplied, CrDeleted }

/// <summary>
/// One <c>spec.expect[]</c> entry: within <see cref="Timeout"/> after <see cref="After"/>, every resource holds.
/// </summary>
public sealed record E2EExpect(SourceLocation Location, string Name, E2EPhase After, TimeSpan Timeout,
    IReadOnlyList<E2EResource> Resources)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The phase as the file spells it.</summary>
    public string AfterText => After == E2EPhase.CrApplied ? "cr-applied" : "cr-deleted";
}

/// <summary>
/// A resource an E2E run waits for or expects: objects of <see cref="Kind"/> (of <see cref="ApiVersion"/>, resolved from
/// the built-in kinds or the Katalog's CRDs when the file does not say) in <see cref="Namespace"/> (null: <c>default</c>
/// for a namespaced kind), named <see cref="Name"/> or any. <see cref="Count"/> null: at least one exists; 0: none
/// exists; N: exactly N exist. <see cref="Ready"/>: each one is also ready (its Ready/Available/Complete condition, or
/// a workload's ready replicas). <see cref="Timeout"/> bounds a <c>setup.wait</c> entry (null in <c>expect</c>, where
/// the entry's timeout applies).
/// </summary>
public sealed record E2EResource(SourceLocation Location, string? ApiVersion, string Kind, string? Name, string? Namespace,
    bool Ready, int? Count, TimeSpan? Timeout)
{
    public const string DefaultNamespace = "default";

    /// <summary><c>Kind namespace/name</c> and what must hold, for the report.</summary>
    public string Describe(bool namespaced)
    {
        var ns = namespaced ? (Namespace ?? DefaultNamespace) + "/" : "";
        var what = Name is null ? $"{Kind} {ns}*" : $"{Kind} {ns}{Name}";
        return Count switch
        {
            0 => $"{what} absent",
            { } n when Name is null => $"{what} count {n}{(Ready ? " ready" : "")}",
            _ => Ready ? $"{what} ready" : $"{what} exists",
        };
    }
}
