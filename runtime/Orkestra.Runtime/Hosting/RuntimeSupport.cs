using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;

namespace Orkestra.Runtime.Hosting;

/// <summary>
/// The one answer to "can this run": what <c>ork validate</c> reports and what <c>ork run</c> checks before it starts
/// (<see cref="Diagnose"/>, one function, two callers), so a Katalog <c>validate</c> accepts never fails to start for a
/// Katalog reason. The Katalog compiler models every key of the format; the few the runtime does not carry out yet are
/// named at their location (<c>FILE:LINE:COL: error: ... is not supported by ork run yet</c>) instead of being ignored.
/// Pure; thread-safe.
/// </summary>
public static class RuntimeSupport
{
    /// <summary>Every diagnostic of the compilation (all severities) and every feature the runtime does not execute,
    /// in file order.</summary>
    public static IReadOnlyList<Diagnostic> Diagnose(KatalogCompileResult compiled) =>
        compiled.Diagnostics.Concat(compiled.Katalogs.SelectMany(Check))
            .OrderBy(d => d.Location.File, StringComparer.Ordinal).ThenBy(d => d.Location.Line).ThenBy(d => d.Location.Column).ToArray();

    public static IReadOnlyList<Diagnostic> Check(CompiledKatalog katalog)
    {
        var bag = new DiagnosticBag();
        void Unsupported(SourceLocation at, string what) => bag.Error(at, $"{what} is not supported by ork run yet");

        foreach (var op in katalog.Operators.Where(o => o.Settings.Enabled))
        {
            var at = op.Settings.Location;
            var name = $"spec.crds.{op.Name}";
            var ruleCalls = (op.Validation?.External ?? []).Concat(op.Mutation?.External ?? []);
            foreach (var call in ruleCalls.Where(c => c.Source.RetryBackoff is not null))
                Unsupported(call.Source.Location, $"{name} external call {call.Source.Name}: retryBackoff");
            if (op.Autoscale is not null) Unsupported(op.Autoscale.Source.Location, $"{name}.operatorBox.autoscale");
            if (!op.Settings.DefaultEndpoints) Unsupported(at, $"{name}.endpoints (per-CRD endpoint switches)");
            foreach (var hook in op.Hooks)
            {
                foreach (var call in hook.External.Where(c => c.Source.RetryBackoff is not null))
                    Unsupported(call.Source.Location,
                        $"{name}.operatorBox.{Hooks.Name(hook.Hook)}.external ({call.Source.Name}).retryBackoff");
            }
            foreach (var cross in op.Cross.Where(c => c.Source.Crd is null))
                Unsupported(cross.Source.Location, $"{name}.operatorBox.cross with labelSelector (choosing the CRD by labels)");
        }
        return bag.Sorted();
    }
}
