using Orkestra.Katalog.Diagnostics;

namespace Orkestra.Katalog.Model;

/// <summary>
/// A <c>kind: Simulate</c> file: which Katalog and CRs to simulate, for how many reconcile cycles, and what must hold.
/// Paths are absolute (resolved against the file's folder). Immutable.
/// </summary>
public sealed record SimulateSpec(
    SourceLocation Location,
    string Name,
    string Katalog,
    string Cr,
    int Cycles,
    bool SkipExternal,
    SimulateExpect? Expect);

/// <summary>
/// <c>spec.expect</c> (and each <c>crds.&lt;name&gt;</c> under it): <c>steady</c> (a steady state is reached),
/// <c>steadyAt</c> (no later than this cycle), <c>noErrors</c> (no reconcile failed), <c>ops</c> (operations that must
/// happen) and <c>absent</c> (operations that must not). Per-CRD expectations consider only that CRD's CR.
/// </summary>
public sealed record SimulateExpect(
    SourceLocation Location,
    bool? Steady,
    int? SteadyAt,
    bool? NoErrors,
    IReadOnlyList<ExpectedOperation> Ops,
    IReadOnlyList<ExpectedOperation> Absent,
    IReadOnlyDictionary<string, SimulateExpect> Crds);

/// <summary>
/// One expected (or forbidden) API write: <c>verb</c> create|update|delete|patch on <c>resource</c> (plural, e.g.
/// <c>deployments</c>, <c>websites/status</c>), optionally of one <c>name</c> and in one <c>cycle</c>; at least
/// <c>count</c> of them (default 1).
/// </summary>
public sealed record ExpectedOperation(SourceLocation Location, int? Cycle, string Verb, string Resource, string? Name, int Count)
{
    public override string ToString() =>
        $"{Verb} {Resource}{(Name is null ? "" : " " + Name)}{(Cycle is null ? "" : $" in cycle {Cycle}")}"
        + (Count > 1 ? $" (at least {Count})" : "");
}
