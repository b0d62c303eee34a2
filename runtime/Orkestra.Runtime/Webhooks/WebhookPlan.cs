using System.Text;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Model;
using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Webhooks;

public enum WebhookKind { Validate, Mutate, Convert, NamespaceProtection, DeletionProtection }

/// <summary>What deletion protection guards for one Katalog: its CRDs by <c>plural.group</c> name, and strict mode.</summary>
public sealed record DeletionRules(IReadOnlySet<string> CrdNames, bool StrictMode);

/// <summary>
/// One served endpoint: its path, what it runs, the operator it belongs to (null for deletion protection) and the
/// webhook name registered for it (the name kube quotes in <c>admission webhook "NAME" denied the request</c>).
/// </summary>
public sealed record WebhookRoute(
    string Path,
    WebhookKind Kind,
    string Katalog,
    string WebhookName,
    CompiledOperator? Operator,
    IReadOnlyList<string> Operations,
    FailurePolicy FailurePolicy,
    bool CleanupOnShutdown,
    NamespacePolicy? Namespaces = null,
    DeletionRules? Deletion = null);

/// <summary>One Katalog's webhooks: its routes, and the names of its configurations.</summary>
public sealed record KatalogWebhooks(CompiledKatalog Katalog, IReadOnlyList<WebhookRoute> Routes)
{
    /// <summary><c>orkestra-&lt;katalog&gt;</c>: the name of its Validating- and MutatingWebhookConfiguration.</summary>
    public string ConfigurationName => WebhookPlan.ConfigurationName(Katalog.Name);

    public IEnumerable<WebhookRoute> Validating =>
        Routes.Where(r => r.Kind is WebhookKind.Validate or WebhookKind.NamespaceProtection or WebhookKind.DeletionProtection);
    public IEnumerable<WebhookRoute> Mutating => Routes.Where(r => r.Kind == WebhookKind.Mutate);
    public IEnumerable<WebhookRoute> Conversions => Routes.Where(r => r.Kind == WebhookKind.Convert);
}

/// <summary>
/// Which endpoints exist, derived once from the compiled Katalogs and the switches — only what is declared
/// (no declaration, no endpoint, no webhook configuration):
/// <list type="bullet">
/// <item><c>/validate/{crd}</c>: the CRD declares <c>validation</c>, admission is on (<c>security.webhooks.admission.enabled</c>
/// or <c>ENABLE_ADMISSION_WEBHOOK</c>) and its <c>webhooks.validation</c> is not false; operations <c>webhooks.operations</c>.</item>
/// <item><c>/mutate/{crd}</c>: the same for <c>mutation</c> (CREATE/UPDATE of those operations).</item>
/// <item><c>/convert/{crd}</c>: the CRD declares <c>conversion.paths</c> and conversion is on
/// (<c>security.conversion.enabled</c> or <c>ENABLE_CONVERSION</c>).</item>
/// <item><c>/namespace-protection/{crd}</c>: the CRD has a <see cref="NamespacePolicy"/> and either
/// <c>security.namespaceProtection</c> is enabled or admission is on; CREATE.</item>
/// <item><c>/deletion-protection/{katalog}</c>: the Katalog has a <c>security</c> block with deletion protection enabled
/// (the default); DELETE (and, in strict mode, UPDATE).</item>
/// </list>
/// Immutable; thread-safe.
/// </summary>
public sealed class WebhookPlan
{
    public const string Domain = "orkestra.io";

    private WebhookPlan(IReadOnlyList<KatalogWebhooks> katalogs, IReadOnlyList<string> notes)
    {
        Katalogs = katalogs;
        Notes = notes;
        Routes = katalogs.SelectMany(k => k.Routes).ToDictionary(r => r.Path, StringComparer.Ordinal);
    }

    public IReadOnlyList<KatalogWebhooks> Katalogs { get; }

    public IReadOnlyDictionary<string, WebhookRoute> Routes { get; }

    /// <summary>Declarations that are not served because their switch is off (for the start-up log).</summary>
    public IReadOnlyList<string> Notes { get; }

    public bool IsEmpty => Routes.Count == 0;

    public static WebhookPlan For(IReadOnlyList<CompiledKatalog> katalogs, WebhookOptions options)
    {
        var result = new List<KatalogWebhooks>();
        var notes = new List<string>();
        foreach (var katalog in katalogs)
        {
            var security = katalog.Source.Security;
            var admission = options.EnableAdmission || security?.Webhooks.AdmissionEnabled == true;
            var conversion = options.EnableConversion || security?.Conversion.Enabled == true;
            var admissionPolicy = security?.Webhooks.FailurePolicy ?? FailurePolicy.Fail;
            var admissionCleanup = security?.Webhooks.CleanupOnShutdown ?? true;
            var routes = new List<WebhookRoute>();
            foreach (var op in katalog.Operators.Where(o => o.Settings.Enabled))
            {
                var name = Dns(op.Name);
                var operations = op.Settings.WebhookOperations;
                if (op.Validation is { } v && (v.Rules.Count > 0 || v.External.Count > 0))
                {
                    if (!admission) notes.Add($"spec.crds.{op.Name}.validation runs at reconcile only (admission webhooks are off)");
                    else if (op.Settings.ValidationWebhook)
                        routes.Add(new($"/validate/{op.Name}", WebhookKind.Validate, katalog.Name, $"{name}.validate.{Domain}", op,
                            operations, admissionPolicy, admissionCleanup));
                }
                if (op.Mutation is { } m && m.Rules.Count > 0)
                {
                    var mutating = operations.Where(o => o is "CREATE" or "UPDATE").ToArray();
                    if (!admission) notes.Add($"spec.crds.{op.Name}.mutation runs at reconcile only (admission webhooks are off)");
                    else if (op.Settings.MutationWebhook && mutating.Length > 0)
                        routes.Add(new($"/mutate/{op.Name}", WebhookKind.Mutate, katalog.Name, $"{name}.mutate.{Domain}", op, mutating,
                            admissionPolicy, admissionCleanup));
                }
                if (op.Conversion is { Paths.Count: > 0 })
                {
                    if (!conversion)
                        notes.Add($"spec.crds.{op.Name}.conversion is not served (security.conversion.enabled / ENABLE_CONVERSION is off)");
                    else
                        routes.Add(new($"/convert/{op.Name}", WebhookKind.Convert, katalog.Name, $"{name}.convert.{Domain}", op, [],
                            FailurePolicy.Fail, true));
                }
                if (NamespacePolicy.For(op, security) is { } policy)
                {
                    var protection = security?.NamespaceProtection is { Enabled: true } np ? np : null;
                    if (protection is null && !admission)
                        notes.Add($"namespaces of spec.crds.{op.Name} are enforced at reconcile only (admission webhooks are off)");
                    else
                        routes.Add(new($"/namespace-protection/{op.Name}", WebhookKind.NamespaceProtection, katalog.Name,
                            $"{name}.namespace-protection.{Domain}", op, ["CREATE"], protection?.FailurePolicy ?? admissionPolicy,
                            protection?.CleanupOnShutdown ?? admissionCleanup, Namespaces: policy));
                }
            }
            if (security is { DeletionProtection: { Enabled: true } deletion })
            {
                var crds = katalog.Operators.Where(o => o.Settings.Enabled && !o.ApiTypes.BuiltIn)
                    .Select(o => $"{o.ApiTypes.Plural}.{o.ApiTypes.Group}").ToHashSet(StringComparer.Ordinal);
                routes.Add(new($"/deletion-protection/{Dns(katalog.Name)}", WebhookKind.DeletionProtection, katalog.Name,
                    $"deletion-protection.{Domain}", null, deletion.StrictMode ? ["DELETE", "UPDATE"] : ["DELETE"],
                    deletion.FailurePolicy, deletion.CleanupOnShutdown, Deletion: new DeletionRules(crds, deletion.StrictMode)));
            }
            if (routes.Count > 0) result.Add(new KatalogWebhooks(katalog, routes));
        }
        return new WebhookPlan(result, notes);
    }

    /// <summary><c>orkestra-&lt;katalog&gt;</c> as a DNS subdomain.</summary>
    public static string ConfigurationName(string katalog) => "orkestra-" + Dns(katalog);

    /// <summary>Lowercase letters, digits and '-' (anything else becomes '-').</summary>
    internal static string Dns(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant()) text.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        return text.ToString().Trim('-');
    }
}
