using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;

namespace Orkestra.Katalog.Validation;

/// <summary><c>cross</c> reads name a declared CRD, and their <c>as</c> names are unique within one operatorBox.</summary>
internal sealed class CrossReferenceValidator : IKatalogValidator
{
    public void Validate(IReadOnlyList<KatalogDocument> katalogs, DiagnosticBag diagnostics)
    {
        var names = katalogs.SelectMany(k => k.Crds).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var crd in katalogs.SelectMany(k => k.Crds))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var cross in crd.OperatorBox.Cross)
            {
                if (cross.Crd is { } target && !names.Contains(target))
                    diagnostics.Error(cross.Location, $"cross: unknown CRD '{target}'{Suggestions.Hint(target, names)}");
                if (!seen.Add(cross.As))
                    diagnostics.Error(cross.Location, $"cross: '{cross.As}' is read twice in {crd.Name}; give each read its own 'as'");
            }
        }
    }
}
