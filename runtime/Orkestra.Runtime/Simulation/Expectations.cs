using Orkestra.Katalog.Model;

namespace Orkestra.Runtime.Simulation;

/// <summary>One checked expectation of a Simulate file: what was asserted, whether it held, what was found.</summary>
public sealed record Assertion(string Name, bool Passed, string Detail);

/// <summary>
/// Checks a <see cref="SimulateExpect"/> against a <see cref="SimulationRun"/>: <c>steady</c>, <c>steadyAt</c>,
/// <c>noErrors</c>, each <c>ops</c> entry (at least <c>count</c> matching writes), each <c>absent</c> entry (none), and
/// the same per CRD under <c>crds</c>, where only that CRD's reconciles count. Pure.
/// </summary>
public static class Expectations
{
    public static IReadOnlyList<Assertion> Check(SimulateExpect expect, SimulationRun run)
    {
        var assertions = new List<Assertion>();
        Check(expect, run, null, "", assertions);
        foreach (var (crd, perCrd) in expect.Crds)
        {
            if (!run.Crds.Contains(crd, StringComparer.Ordinal))
                assertions.Add(new Assertion($"crds.{crd}", false,
                    $"no CR of CRD {crd} was simulated (simulated: {string.Join(", ", run.Crds)})"));
            else Check(perCrd, run, crd, $"crds.{crd}.", assertions);
        }
        return assertions;
    }

    private static void Check(SimulateExpect expect, SimulationRun run, string? crd, string prefix, List<Assertion> assertions)
    {
        var steadyAt = crd is null ? run.SteadyAt : run.SteadyAtFor(crd);
        var steadyText = steadyAt is { } at ? $"steady at cycle {at}" : $"no steady state after {run.Cycles.Count} cycles";
        if (expect.Steady is { } steady)
            assertions.Add(new Assertion($"{prefix}steady", (steadyAt is not null) == steady, steadyText));
        if (expect.SteadyAt is { } limit)
            assertions.Add(new Assertion($"{prefix}steadyAt {limit}", steadyAt <= limit, steadyText));
        if (expect.NoErrors == true)
        {
            var errors = run.Cycles.SelectMany(c => c.Errors.Where(e => crd is null || e.Crd == crd).Select(e => (c.Number, e))).ToArray();
            assertions.Add(new Assertion($"{prefix}noErrors", errors.Length == 0, errors.Length == 0 ? "no reconcile failed"
                : string.Join("; ", errors.Take(3).Select(p => $"cycle {p.Number}: {p.e.Key}: {p.e.Message}"))));
        }
        for (var i = 0; i < expect.Ops.Count; i++)
        {
            var op = expect.Ops[i];
            var found = Matching(run, op, crd);
            assertions.Add(new Assertion($"{prefix}ops[{i}] {op}", found.Count >= op.Count, Found(found)));
        }
        for (var i = 0; i < expect.Absent.Count; i++)
        {
            var op = expect.Absent[i];
            var found = Matching(run, op, crd);
            assertions.Add(new Assertion($"{prefix}absent[{i}] {op with { Count = 1 }}", found.Count == 0, Found(found)));
        }
    }

    private static List<(int Cycle, Operation Op)> Matching(SimulationRun run, ExpectedOperation expected, string? crd) =>
        run.Cycles.Where(c => expected.Cycle is null || c.Number == expected.Cycle)
            .SelectMany(c => c.Operations.Select(o => (c.Number, o)))
            .Where(p => (crd is null || p.o.Crd == crd) && p.o.Verb == expected.Verb && p.o.Resource == expected.Resource
                        && (expected.Name is null || p.o.Name == expected.Name))
            .ToList();

    private static string Found(List<(int Cycle, Operation Op)> found) =>
        found.Count == 0 ? "none found"
            : $"{found.Count} found ({string.Join(", ", found.Take(3).Select(f => $"cycle {f.Cycle}: {f.Op}"))}"
              + $"{(found.Count > 3 ? ", …" : "")})";
}
