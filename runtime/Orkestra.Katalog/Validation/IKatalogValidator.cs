using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;

namespace Orkestra.Katalog.Validation;

/// <summary>
/// A check across loaded Katalogs (the binder already checked each key's shape). Validators only add
/// diagnostics; none stops the others. Implementations are stateless singletons.
/// </summary>
internal interface IKatalogValidator
{
    void Validate(IReadOnlyList<KatalogDocument> katalogs, DiagnosticBag diagnostics);
}

/// <summary>The validators every load runs, in order.</summary>
internal static class KatalogValidators
{
    private static readonly IKatalogValidator[] s_all = [new CrdIdentityValidator(), new DependsOnValidator(),
        new CrossReferenceValidator()];

    public static void Run(IReadOnlyList<KatalogDocument> katalogs, DiagnosticBag diagnostics)
    {
        foreach (var validator in s_all) validator.Validate(katalogs, diagnostics);
    }
}
