using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;

namespace Orkestra.Runtime.Hosting;

/// <summary>
/// What <c>ork run</c> executes of a valid Katalog. The Katalog compiler models every key of the format; a few are
/// not carried out by the runtime yet. Rather than silently ignore them, <c>ork run</c> refuses to start and names
/// each one at its location (<c>FILE:LINE:COL: error: ... is not supported by ork run yet</c>). Pure; thread-safe.
/// </summary>
public static class RuntimeSupport
{
    public static IReadOnlyList<Diagnostic> Check(CompiledKatalog katalog)
    {
        var bag = new DiagnosticBag();
        void Unsupported(SourceLocation at, string what) => bag.Error(at, $"{what} is not supported by ork run yet");

        if (katalog.Source.Security is { } security) Unsupported(security.Location, "security (deletion/namespace protection, admission and conversion webhooks)");
        foreach (var op in katalog.Operators.Where(o => o.Crd.Enabled))
        {
            var crd = op.Crd;
            var at = crd.Location;
            var name = $"spec.crds.{crd.Name}";
            if (op.Validation is not null) Unsupported(at, $"{name}.validation");
            if (op.Mutation is not null) Unsupported(at, $"{name}.mutation");
            if (op.Normalize is not null) Unsupported(at, $"{name}.normalize");
            if (op.Conversion is not null) Unsupported(at, $"{name}.conversion");
            if (op.Autoscale is not null) Unsupported(op.Autoscale.Source.Location, $"{name}.operatorBox.autoscale");
            if (crd.RestrictedNamespaces.Count > 0 || crd.AllowedNamespaces.Count > 0) Unsupported(at, $"{name}.restrictedNamespaces/allowedNamespaces");
            if (crd.Endpoints != EndpointsConfig.Default) Unsupported(at, $"{name}.endpoints (per-CRD endpoint switches)");
            foreach (var hook in op.Hooks)
            {
                foreach (var call in hook.External) Unsupported(call.Source.Location, $"{name}.operatorBox.{Hooks.Name(hook.Hook)}.external ({call.Source.Name})");
            }
            foreach (var cross in op.Cross.Where(c => c.Source.Crd is null))
                Unsupported(cross.Source.Location, $"{name}.operatorBox.cross with labelSelector (choosing the CRD by labels)");
        }
        return bag.Sorted();
    }
}
