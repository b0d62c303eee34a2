using Orkestra.Katalog.Compilation;

namespace Orkestra.Runtime.Hosting;

/// <summary>When <c>ork run</c> applies the Katalogs' manifests (<c>--apply</c>).</summary>
public enum ApplyMode
{
    /// <summary>Outside a cluster apply crdFile/setup/crFiles; inside a cluster apply nothing.</summary>
    Auto,
    Always,
    Never,
}

/// <summary>
/// What <c>ork run</c> does before and while starting operators, in order (the seeds' dev-mode sequence):
/// apply every enabled CRD's <see cref="CrdFiles"/>, then its <see cref="SetupFiles"/>, wait until those CRDs are
/// established, start the operators in <see cref="OperatorOrder"/> (dependencies first; on shutdown operators
/// stop in reverse dependency order: dependents drain first, see ReverseOrderStop), then apply the <see cref="CrFiles"/>.
/// Paths are absolute (resolved against each Katalog's folder at
/// load). Immutable.
/// </summary>
public sealed record StartupPlan(
    IReadOnlyList<string> CrdFiles,
    IReadOnlyList<string> SetupFiles,
    IReadOnlyList<CompiledOperator> OperatorOrder,
    IReadOnlyList<string> CrFiles)
{
    /// <summary>Builds the plan. Disabled CRDs are left out; files are applied once each, in declaration order.</summary>
    public static StartupPlan For(IReadOnlyList<CompiledKatalog> katalogs, ApplyMode mode, bool inCluster)
    {
        var operators = katalogs.SelectMany(k => k.Operators).Where(o => o.Settings.Enabled).ToArray();
        var apply = mode == ApplyMode.Always || (mode == ApplyMode.Auto && !inCluster);
        IReadOnlyList<string> Files(Func<CompiledOperator, IEnumerable<string?>> select) =>
            apply ? operators.SelectMany(select).OfType<string>().Distinct(StringComparer.Ordinal).ToArray() : [];
        return new StartupPlan(
            Files(o => [o.Settings.CrdFile]),
            Files(o => o.Settings.Setup),
            Order(operators),
            Files(o => o.Settings.CrFiles));
    }

    /// <summary>
    /// Dependencies first, otherwise declaration order (stable). The loader has already rejected cycles and unknown
    /// targets; a dependency on a disabled CRD is ignored here (that operator is not started at all).
    /// </summary>
    private static IReadOnlyList<CompiledOperator> Order(IReadOnlyList<CompiledOperator> operators)
    {
        var byName = operators.ToDictionary(o => o.Name, StringComparer.Ordinal);
        var ordered = new List<CompiledOperator>(operators.Count);
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false = visiting, true = done
        void Visit(CompiledOperator op)
        {
            if (state.TryGetValue(op.Name, out var done))
            {
                if (!done) throw new InvalidOperationException($"dependsOn cycle through {op.Name}");
                return;
            }
            state[op.Name] = false;
            foreach (var dependency in op.Settings.DependsOn)
            {
                if (byName.TryGetValue(dependency, out var target)) Visit(target);
            }
            state[op.Name] = true;
            ordered.Add(op);
        }
        foreach (var op in operators) Visit(op);
        return ordered;
    }
}
