using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;

namespace Orkestra.Katalog.Validation;

/// <summary>One operator per CRD name and per API type, across every loaded Katalog.</summary>
internal sealed class CrdIdentityValidator : IKatalogValidator
{
    public void Validate(IReadOnlyList<KatalogDocument> katalogs, DiagnosticBag diagnostics)
    {
        var names = new Dictionary<string, CrdEntry>(StringComparer.Ordinal);
        var types = new Dictionary<(string Group, string Kind), CrdEntry>();
        foreach (var crd in katalogs.SelectMany(k => k.Crds))
        {
            if (!names.TryAdd(crd.Name, crd))
                diagnostics.Error(crd.Location, $"CRD '{crd.Name}' is already declared at {names[crd.Name].Location}");
            if (crd.ApiTypes.Kind.Length == 0) continue;
            var key = (crd.ApiTypes.Group, crd.ApiTypes.Kind);
            if (!types.TryAdd(key, crd))
                diagnostics.Error(crd.ApiTypes.Location,
                    $"CRDs '{types[key].Name}' and '{crd.Name}' both manage {crd.ApiTypes.Kind}.{crd.ApiTypes.Group}; "
                    + "one operator per type");
        }
    }
}
