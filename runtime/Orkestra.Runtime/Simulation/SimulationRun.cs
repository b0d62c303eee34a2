using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Simulation;

/// <summary>One API write of a reconcile: <see cref="Verb"/> create|update|delete|patch on <see cref="Resource"/>
/// (plural; <c>websites/status</c> for a status write), with the CRD whose reconcile made it.</summary>
public sealed record Operation(string Crd, string Verb, string Resource, string? Namespace, string Name)
{
    public override string ToString() => $"{Verb} {Resource} {(Namespace is null ? "" : Namespace + "/")}{Name}";
}

/// <summary>A reconcile that failed in a cycle, or an Event the reconciler recorded.</summary>
public sealed record CycleNote(string Crd, string Key, string Message);

/// <summary>What one cycle (every simulated CR reconciled once) did.</summary>
public sealed record Cycle(int Number, IReadOnlyList<Operation> Operations, IReadOnlyList<CycleNote> Errors,
    IReadOnlyList<CycleNote> Warnings, TimeSpan Duration)
{
    /// <summary>The cycle's outcome, order-independent: its operations and errors (of <paramref name="crd"/>'s reconciles).</summary>
    public IReadOnlyList<string> Signature(string? crd = null) =>
        Operations.Where(o => crd is null || o.Crd == crd).Select(o => o.ToString())
            .Concat(Errors.Where(e => crd is null || e.Crd == crd).Select(e => $"error {e.Key}: {e.Message}"))
            .Order(StringComparer.Ordinal).ToArray();

    /// <summary>Whether the cycle wrote anything for <paramref name="crd"/>'s reconciles (all when null).</summary>
    public bool Wrote(string? crd = null) => Operations.Any(o => crd is null || o.Crd == crd);
}

/// <summary>
/// The outcome of a simulation: the cycles run, the first cycle of the steady state (<see cref="SteadyState"/>; null
/// when none was reached), and the wall time from the first reconcile to the last.
/// </summary>
public sealed record SimulationRun(IReadOnlyList<Cycle> Cycles, int? SteadyAt, TimeSpan Elapsed, IReadOnlyList<string> Crds)
{
    /// <summary>The first cycle from which <paramref name="crd"/>'s CR stays unchanged (null: never within the run).</summary>
    public int? SteadyAtFor(string crd) => SteadyState.Find(Cycles, crd);
}

/// <summary>
/// The steady state: two consecutive identical cycles that write nothing (the same errors, if any). A cycle that
/// writes the same objects every time is a hot loop, not a steady state, although two such cycles look alike.
/// </summary>
public static class SteadyState
{
    /// <summary>The first cycle of the steady state of <paramref name="crd"/>'s reconciles (all when null), or null.</summary>
    public static int? Find(IReadOnlyList<Cycle> cycles, string? crd = null)
    {
        for (var i = 1; i < cycles.Count; i++)
        {
            var (a, b) = (cycles[i - 1], cycles[i]);
            if (!a.Wrote(crd) && !b.Wrote(crd) && a.Signature(crd).SequenceEqual(b.Signature(crd), StringComparer.Ordinal))
                return a.Number;
        }
        return null;
    }
}
