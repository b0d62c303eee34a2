using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Selectors;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Storage;
using Orkestra.Sandbox.Watch;

namespace Orkestra.Sandbox.Admission;

/// <summary>
/// The admission webhooks configured right now, compiled from the stored Mutating/ValidatingWebhookConfigurations.
/// The store calls <see cref="OnCommit"/> under its lock for every committed write; writes to the two configuration
/// tables swap in a new immutable <see cref="WebhookSnapshot"/>, every other write costs one reference comparison.
/// Readers take <see cref="Current"/> without locks.
/// </summary>
internal sealed class WebhookRegistry
{
    public const string MutatingKey = "mutatingwebhookconfigurations.admissionregistration.k8s.io";
    public const string ValidatingKey = "validatingwebhookconfigurations.admissionregistration.k8s.io";

    private readonly ResourceTable _mutating;
    private readonly ResourceTable _validating;
    private volatile WebhookSnapshot _current = WebhookSnapshot.Empty;

    public WebhookRegistry(ObjectStore store)
    {
        _mutating = store.Table(MutatingKey);
        _validating = store.Table(ValidatingKey);
    }

    public WebhookSnapshot Current => _current;

    /// <summary>Store commit hook (called under the store lock, must not block).</summary>
    public void OnCommit(ResourceTable table, StoreChange e)
    {
        if (!ReferenceEquals(table, _mutating) && !ReferenceEquals(table, _validating)) return;
        var old = _current;
        var mutating = ReferenceEquals(table, _mutating) ? Compile(table, mutating: true) : old.Mutating;
        var validating = ReferenceEquals(table, _validating) ? Compile(table, mutating: false) : old.Validating;
        _current = new WebhookSnapshot(mutating, validating);
    }

    /// <summary>Every webhook of every configuration in the table, ordered by configuration name, then position.</summary>
    private static Webhook[] Compile(ResourceTable table, bool mutating)
    {
        var webhooks = new List<Webhook>();
        foreach (var configuration in table.Items.Values.OrderBy(o => o.Name, StringComparer.Ordinal))
        {
            var list = configuration.Object["webhooks"] as JsonArray ?? [];
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] is JsonObject hook && Webhook.Compile(configuration.Name, i, hook, mutating) is { } compiled)
                    webhooks.Add(compiled);
            }
        }
        return webhooks.ToArray();
    }
}

/// <summary>An immutable set of compiled webhooks; mutating ones in kube's call order.</summary>
internal sealed class WebhookSnapshot(Webhook[] mutating, Webhook[] validating)
{
    public static readonly WebhookSnapshot Empty = new([], []);

    public Webhook[] Mutating { get; } = mutating;
    public Webhook[] Validating { get; } = validating;
    public bool IsEmpty => Mutating.Length == 0 && Validating.Length == 0;
}

/// <summary>One admission webhook of one configuration, compiled from its stored (validated, defaulted) form.</summary>
internal sealed class Webhook
{
    public required string Name { get; init; }
    public required string ConfigurationName { get; init; }
    public required int Index { get; init; }
    public required bool IsMutating { get; init; }
    public required WebhookRule[] Rules { get; init; }
    /// <summary><c>failurePolicy: Ignore</c>: a failed call is skipped (fail open).</summary>
    public required bool FailOpen { get; init; }
    /// <summary><c>matchPolicy: Exact</c>: no match through other versions of the resource.</summary>
    public required bool ExactMatch { get; init; }
    public required LabelSelector NamespaceSelector { get; init; }
    public required LabelSelector ObjectSelector { get; init; }
    public required string SideEffects { get; init; }
    public required TimeSpan Timeout { get; init; }
    /// <summary>The first AdmissionReview version both sides know (<c>v1</c> or <c>v1beta1</c>); null: none.</summary>
    public required string? ReviewVersion { get; init; }
    public required bool ReinvokeIfNeeded { get; init; }
    public required WebhookEndpoint Endpoint { get; init; }

    /// <summary>Identity across reinvocation rounds (kube: configuration name, webhook name, index).</summary>
    public string Id => $"{ConfigurationName}/{Name}/{Index}";

    public static Webhook? Compile(string configuration, int index, JsonObject hook, bool mutating)
    {
        var causes = new List<Cause>();
        var endpoint = WebhookEndpoint.Parse(hook["clientConfig"], "clientConfig", causes);
        var selectorErrors = new List<Orkestra.ApiMachinery.Schema.FieldError>();
        var namespaceSelector = LabelSelector.Parse(hook["namespaceSelector"], "namespaceSelector", selectorErrors);
        var objectSelector = LabelSelector.Parse(hook["objectSelector"], "objectSelector", selectorErrors);
        if (endpoint is null || selectorErrors.Count > 0) return null;
        var versions = Strings(hook["admissionReviewVersions"]);
        return new Webhook
        {
            Name = Json.Str(hook, "name") ?? "",
            ConfigurationName = configuration,
            Index = index,
            IsMutating = mutating,
            Rules = (hook["rules"] as JsonArray ?? []).OfType<JsonObject>().Select(WebhookRule.Compile).ToArray(),
            FailOpen = Json.Str(hook, "failurePolicy") == "Ignore",
            ExactMatch = Json.Str(hook, "matchPolicy") == "Exact",
            NamespaceSelector = namespaceSelector,
            ObjectSelector = objectSelector,
            SideEffects = Json.Str(hook, "sideEffects") ?? "",
            Timeout = TimeSpan.FromSeconds(Math.Clamp(Json.Long(hook, "timeoutSeconds") ?? 10, 1, 30)),
            ReviewVersion = versions.FirstOrDefault(v => v is "v1" or "v1beta1"),
            ReinvokeIfNeeded = mutating && Json.Str(hook, "reinvocationPolicy") == "IfNeeded",
            Endpoint = endpoint,
        };
    }

    internal static string[] Strings(JsonNode? node) => (node as JsonArray ?? []).Select(Json.ScalarText).OfType<string>().ToArray();
}

/// <summary>One <c>rules[]</c> entry: operations, groups, versions, resources (<c>res</c>, <c>res/sub</c>, wildcards), scope.</summary>
internal sealed record WebhookRule(string[] Operations, string[] Groups, string[] Versions, (string Resource, string Sub)[] Resources,
    string Scope)
{
    public static WebhookRule Compile(JsonObject rule) => new(
        Webhook.Strings(rule["operations"]),
        Webhook.Strings(rule["apiGroups"]),
        Webhook.Strings(rule["apiVersions"]),
        Webhook.Strings(rule["resources"]).Select(Split).ToArray(),
        Json.Str(rule, "scope") ?? "*");

    private static (string, string) Split(string resource) =>
        resource.IndexOf('/') is var slash and >= 0 ? (resource[..slash], resource[(slash + 1)..]) : (resource, "");

    /// <summary>kube's rules.Matcher: scope, operation, group, version and resource/subresource.</summary>
    public bool Matches(string operation, string group, string version, string resource, string subresource, string ns, bool isNamespace)
    {
        var scopeOk = Scope switch
        {
            "Namespaced" => !isNamespace && ns.Length > 0,
            "Cluster" => isNamespace || ns.Length == 0,
            _ => true,
        };
        return scopeOk && Any(Operations, operation) && Any(Groups, group) && Any(Versions, version) &&
               Resources.Any(r => (r.Resource == "*" || r.Resource == resource) && (r.Sub == "*" || r.Sub == subresource));
    }

    private static bool Any(string[] items, string requested) => items.Any(i => i == "*" || i == requested);
}
