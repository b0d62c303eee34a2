using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Orkestra.Katalog.Model;
using Orkestra.Kube;
using Orkestra.Kube.Client;
using Orkestra.Runtime.Observability;

namespace Orkestra.Runtime.Webhooks;

/// <summary>Where the API server reaches the webhooks: a URL base (outside a cluster, or <c>--webhook-url</c>), or a Service.</summary>
public sealed record WebhookTarget(Uri? BaseUrl, string? ServiceNamespace, string? ServiceName, int ServicePort)
{
    public static WebhookTarget Url(Uri baseUrl) => new(baseUrl, null, null, 0);

    public static WebhookTarget Service(string @namespace, string name, int port) => new(null, @namespace, name, port);

    public JsonObject ClientConfig(string path, string caBundle) => BaseUrl is { } url
        ? new JsonObject { ["url"] = new Uri(url, path.TrimStart('/')).ToString(), ["caBundle"] = caBundle }
        : new JsonObject
        {
            ["service"] = new JsonObject
            {
                ["namespace"] = ServiceNamespace, ["name"] = ServiceName, ["path"] = path, ["port"] = ServicePort,
            },
            ["caBundle"] = caBundle,
        };

    public override string ToString() => BaseUrl?.ToString() ?? $"service {ServiceNamespace}/{ServiceName}:{ServicePort}";
}

/// <summary>
/// Registers a Katalog's webhooks with the API server and removes them again — only what ork itself created:
/// <list type="bullet">
/// <item>one ValidatingWebhookConfiguration and one MutatingWebhookConfiguration per Katalog, named
/// <see cref="KatalogWebhooks.ConfigurationName"/>, labelled <c>app.kubernetes.io/managed-by=orkestra-aot</c> and
/// <c>orkestra.io/katalog=&lt;katalog&gt;</c>; created or updated (idempotent: unchanged ones are not written), and any other
/// configuration with those labels (left by a killed process, or by a Katalog that no longer declares it) is deleted;</item>
/// <item>CRD conversion: <c>spec.conversion</c> set to strategy Webhook through <c>/convert/{crd}</c>, the previous block
/// kept in the annotation <see cref="PreviousConversionAnnotation"/> (the first one survives a crash and a restart), and
/// restored from it on stop or by <c>ork cleanup</c>;</item>
/// <item>deletion protection of the Katalog's CRDs: each one labelled <see cref="ProtectedCrdLabel"/>=&lt;katalog&gt;, and the
/// webhook entry selects CRDs by that label, so a registration left behind by a killed process (failurePolicy Fail,
/// nobody answering) blocks the DELETE of this Katalog's CRDs only — never every CRD of the cluster. The label goes with
/// the entry (stop with cleanupOnShutdown, <c>ork cleanup</c>, a Katalog that no longer protects the CRD).</item>
/// </list>
/// Thread-safe; every call is a handful of API requests.
/// </summary>
public sealed class WebhookRegistrar(IKubeClient client, ILogger log)
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedBy = "orkestra-aot";
    public const string KatalogLabel = "orkestra.io/katalog";
    public const string PreviousConversionAnnotation = "orkestra.io/previous-conversion";
    public const string ConversionKatalogAnnotation = "orkestra.io/conversion-katalog";
    public const string ProtectedCrdLabel = "orkestra.io/deletion-protected-by";

    public static readonly GroupVersionResource ValidatingConfigurations =
        new("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations");
    public static readonly GroupVersionResource MutatingConfigurations =
        new("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations");
    public static readonly GroupVersionResource Crds = new("apiextensions.k8s.io", "v1", "customresourcedefinitions");

    /// <summary>The ValidatingWebhookConfiguration of <paramref name="katalog"/> (null when it has no validating route);
    /// <paramref name="keep"/> narrows the routes (shutdown keeps those that must outlive the process).</summary>
    public static JsonObject? Validating(KatalogWebhooks katalog, WebhookTarget target, string caBundle,
        Func<WebhookRoute, bool>? keep = null)
    {
        var webhooks = new JsonArray();
        foreach (var route in katalog.Validating.Where(r => keep?.Invoke(r) ?? true))
        {
            if (route.Kind == WebhookKind.DeletionProtection)
            {
                foreach (var entry in DeletionEntries(route, target, caBundle)) webhooks.Add((JsonNode)entry);
                continue;
            }
            var api = route.Operator!.ApiTypes;
            var rule = Rule(route.Operations, api.Group, api.Version, api.Plural, "*");
            webhooks.Add((JsonNode)Entry(route.WebhookName, route, target, caBundle, rule));
        }
        return webhooks.Count == 0 ? null : Configuration("ValidatingWebhookConfiguration", katalog, webhooks);
    }

    public static JsonObject? Mutating(KatalogWebhooks katalog, WebhookTarget target, string caBundle,
        Func<WebhookRoute, bool>? keep = null)
    {
        var webhooks = new JsonArray();
        foreach (var route in katalog.Mutating.Where(r => keep?.Invoke(r) ?? true))
        {
            var api = route.Operator!.ApiTypes;
            var entry = Entry(route.WebhookName, route, target, caBundle, Rule(route.Operations, api.Group, api.Version, api.Plural, "*"));
            entry["reinvocationPolicy"] = "Never";
            webhooks.Add((JsonNode)entry);
        }
        return webhooks.Count == 0 ? null : Configuration("MutatingWebhookConfiguration", katalog, webhooks);
    }

    /// <summary>Creates or updates the Katalog's configurations, removes its stale ones, patches CRD conversion.</summary>
    public async Task RegisterAsync(KatalogWebhooks katalog, WebhookTarget target, WebhookCertificate certificate,
        CancellationToken cancellation)
    {
        var ca = certificate.CaBundleBase64;
        await ApplyAsync(ValidatingConfigurations, Validating(katalog, target, ca), katalog, target, cancellation).ConfigureAwait(false);
        await ApplyAsync(MutatingConfigurations, Mutating(katalog, target, ca), katalog, target, cancellation).ConfigureAwait(false);
        await LabelProtectedCrdsAsync(katalog.Katalog.Name, ProtectedCrds(katalog, keep: null), cancellation).ConfigureAwait(false);
        var patched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in katalog.Conversions)
        {
            var op = route.Operator!;
            var crd = $"{op.ApiTypes.Plural}.{op.ApiTypes.Group}";
            if (!certificate.Generated && !op.Conversion!.UpdateCrd)
            {
                Log.WebhookNote(log, $"CustomResourceDefinition {crd} is left as it is (updateCRD is false and TLS_CERT is given): " +
                    $"point its conversion webhook at {route.Path}");
                continue;
            }
            var clientConfig = target.ClientConfig(route.Path, ca);
            if (await PatchConversionAsync(crd, katalog.Katalog.Name, clientConfig, cancellation).ConfigureAwait(false))
            {
                patched.Add(crd);
                Log.CrdConversionPatched(log, crd, target.ToString());
            }
        }
        foreach (var stale in await AnnotatedCrdsAsync(katalog.Katalog.Name, cancellation).ConfigureAwait(false))
        {
            if (!patched.Contains(stale)) await RestoreConversionAsync(stale, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Graceful stop: removes the configurations (keeping only routes whose <c>cleanupOnShutdown</c> is false) and
    /// restores every CRD conversion block this Katalog patched.</summary>
    public async Task UnregisterAsync(KatalogWebhooks katalog, WebhookTarget target, WebhookCertificate certificate,
        CancellationToken cancellation)
    {
        var ca = certificate.CaBundleBase64;
        bool Keep(WebhookRoute r) => !r.CleanupOnShutdown;
        await ApplyAsync(ValidatingConfigurations, Validating(katalog, target, ca, Keep), katalog, target, cancellation)
            .ConfigureAwait(false);
        await ApplyAsync(MutatingConfigurations, Mutating(katalog, target, ca, Keep), katalog, target, cancellation)
            .ConfigureAwait(false);
        await LabelProtectedCrdsAsync(katalog.Katalog.Name, ProtectedCrds(katalog, Keep), cancellation).ConfigureAwait(false);
        foreach (var crd in await AnnotatedCrdsAsync(katalog.Katalog.Name, cancellation).ConfigureAwait(false))
            await RestoreConversionAsync(crd, cancellation).ConfigureAwait(false);
    }

    /// <summary><c>ork cleanup</c>: every configuration labelled for <paramref name="katalogName"/> is deleted and every CRD
    /// it patched is restored, without starting anything. Returns what was removed.</summary>
    public async Task<IReadOnlyList<string>> CleanupAsync(string katalogName, CancellationToken cancellation)
    {
        var removed = new List<string>();
        (GroupVersionResource, string)[] kinds =
            [(ValidatingConfigurations, "ValidatingWebhookConfiguration"), (MutatingConfigurations, "MutatingWebhookConfiguration")];
        foreach (var (resource, kind) in kinds)
        {
            foreach (var name in await LabelledAsync(resource, katalogName, cancellation).ConfigureAwait(false))
            {
                if (await DeleteAsync(resource, name, cancellation).ConfigureAwait(false)) removed.Add($"{kind} {name}");
            }
        }
        foreach (var crd in await AnnotatedCrdsAsync(katalogName, cancellation).ConfigureAwait(false))
        {
            if (await RestoreConversionAsync(crd, cancellation).ConfigureAwait(false))
                removed.Add($"the conversion webhook of CustomResourceDefinition {crd}");
        }
        foreach (var crd in await LabelProtectedCrdsAsync(katalogName, new HashSet<string>(), cancellation).ConfigureAwait(false))
            removed.Add($"the deletion-protection label of CustomResourceDefinition {crd}");
        return removed;
    }

    /// <summary>The CRDs the Katalog's deletion protection covers, among the routes <paramref name="keep"/> retains.</summary>
    private static IReadOnlySet<string> ProtectedCrds(KatalogWebhooks katalog, Func<WebhookRoute, bool>? keep) =>
        katalog.Validating.Where(r => r.Kind == WebhookKind.DeletionProtection && (keep?.Invoke(r) ?? true))
            .SelectMany(r => r.Deletion!.CrdNames).ToHashSet(StringComparer.Ordinal);

    /// <summary>Makes <see cref="ProtectedCrdLabel"/>=&lt;katalog&gt; present on exactly <paramref name="protect"/> (those that
    /// exist) and returns the CRDs whose label was removed.</summary>
    private async Task<IReadOnlyList<string>> LabelProtectedCrdsAsync(string katalogName, IReadOnlySet<string> protect,
        CancellationToken cancellation)
    {
        var owner = WebhookPlan.Dns(katalogName);
        var selector = new ListOptions { LabelSelector = $"{ProtectedCrdLabel}={owner}" };
        var items = (await client.ListAsync(Crds, null, selector, cancellation).ConfigureAwait(false)).Items;
        var labelled = items.Select(i => ObjectMeta.Name(i)!).ToHashSet(StringComparer.Ordinal);
        var unlabelled = new List<string>();
        foreach (var item in items.Where(i => !protect.Contains(ObjectMeta.Name(i)!)))
        {
            // The only label: the map goes too, as the CRD was before (an API server omits empty maps).
            var only = item.GetProperty("metadata").GetProperty("labels").EnumerateObject().Count() == 1;
            var remove = new JsonObject { ["op"] = "remove", ["path"] = only ? "/metadata/labels" : LabelPointer(ProtectedCrdLabel) };
            var crd = ObjectMeta.Name(item)!;
            if (await TryPatchCrdAsync(crd, new JsonArray(remove), cancellation).ConfigureAwait(false)) unlabelled.Add(crd);
        }
        unlabelled.Sort(StringComparer.Ordinal);
        foreach (var crd in protect.Where(c => !labelled.Contains(c)).Order(StringComparer.Ordinal))
        {
            JsonElement current;
            try
            {
                current = await client.GetAsync(Crds, null, crd, cancellation).ConfigureAwait(false);
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                continue; // applied later (or never): nothing to protect yet, the next start labels it
            }
            var hasLabels = current.TryGetProperty("metadata", out var md) && md.TryGetProperty("labels", out var l)
                            && l.ValueKind == JsonValueKind.Object;
            var add = hasLabels
                ? new JsonObject { ["op"] = "add", ["path"] = LabelPointer(ProtectedCrdLabel), ["value"] = owner }
                : new JsonObject
                {
                    ["op"] = "add", ["path"] = "/metadata/labels", ["value"] = new JsonObject { [ProtectedCrdLabel] = owner },
                };
            await TryPatchCrdAsync(crd, new JsonArray(add), cancellation).ConfigureAwait(false);
        }
        return unlabelled;
    }

    private async Task<bool> TryPatchCrdAsync(string crd, JsonArray ops, CancellationToken cancellation)
    {
        try
        {
            await client.PatchAsync(Crds, null, crd, PatchType.Json, ops, null, cancellation).ConfigureAwait(false);
            return true;
        }
        catch (KubeApiException e) when (e.IsNotFound || e.Code == 422)
        {
            return false; // deleted meanwhile, or the label went already (a JSON patch "remove" of a missing path)
        }
    }

    private async Task ApplyAsync(GroupVersionResource resource, JsonObject? desired, KatalogWebhooks katalog, WebhookTarget target,
        CancellationToken cancellation)
    {
        var name = katalog.ConfigurationName;
        var kind = resource == ValidatingConfigurations ? "ValidatingWebhookConfiguration" : "MutatingWebhookConfiguration";
        foreach (var stale in await LabelledAsync(resource, katalog.Katalog.Name, cancellation).ConfigureAwait(false))
        {
            if (stale != name && await DeleteAsync(resource, stale, cancellation).ConfigureAwait(false))
                Log.WebhookRemoved(log, $"stale {kind} {stale}");
        }
        if (desired is null)
        {
            if (await DeleteAsync(resource, name, cancellation).ConfigureAwait(false)) Log.WebhookRemoved(log, $"{kind} {name}");
            return;
        }
        for (var attempt = 0; ; attempt++)
        {
            JsonElement? existing = null;
            try
            {
                existing = await client.GetAsync(resource, null, name, cancellation).ConfigureAwait(false);
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
            }
            try
            {
                if (existing is null)
                {
                    await client.CreateAsync(resource, null, (JsonObject)desired.DeepClone(), null, cancellation).ConfigureAwait(false);
                }
                else
                {
                    if (Same(existing.Value, desired)) return;
                    var body = (JsonObject)desired.DeepClone();
                    body["metadata"]!["resourceVersion"] = ObjectMeta.ResourceVersion(existing.Value);
                    await client.UpdateAsync(resource, null, name, body, null, cancellation).ConfigureAwait(false);
                }
                Log.WebhookRegistered(log, kind, name, desired["webhooks"]!.AsArray().Count, target.ToString());
                return;
            }
            catch (KubeApiException e) when ((e.IsConflict || e.IsAlreadyExists) && attempt < 3)
            {
                // another replica registered at the same moment: read again and compare
            }
        }
    }

    private static bool Same(JsonElement existing, JsonObject desired)
    {
        var current = JsonNode.Parse(existing.GetRawText())!;
        var labels = desired["metadata"]!["labels"]!.AsObject();
        foreach (var (key, value) in labels)
        {
            if ((string?)current["metadata"]?["labels"]?[key] != (string?)value) return false;
        }
        return JsonNode.DeepEquals(current["webhooks"], desired["webhooks"]);
    }

    private async Task<IReadOnlyList<string>> LabelledAsync(GroupVersionResource resource, string katalogName,
        CancellationToken cancellation)
    {
        var selector = $"{ManagedByLabel}={ManagedBy},{KatalogLabel}={WebhookPlan.Dns(katalogName)}";
        var list = await client.ListAsync(resource, null, new ListOptions { LabelSelector = selector }, cancellation).ConfigureAwait(false);
        return list.Items.Select(i => ObjectMeta.Name(i)!).ToArray();
    }

    private async Task<bool> DeleteAsync(GroupVersionResource resource, string name, CancellationToken cancellation)
    {
        try
        {
            await client.DeleteAsync(resource, null, name, null, cancellation).ConfigureAwait(false);
            return true;
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return false;
        }
    }

    /// <summary>Points the CRD's conversion at <paramref name="clientConfig"/>, keeping its previous block in an annotation.
    /// False when the CRD does not exist.</summary>
    private async Task<bool> PatchConversionAsync(string crd, string katalogName, JsonObject clientConfig, CancellationToken cancellation)
    {
        JsonElement current;
        try
        {
            current = await client.GetAsync(Crds, null, crd, cancellation).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            Log.WebhookRegistrationFailed(log, $"CustomResourceDefinition {crd} does not exist: its conversion is not configured");
            return false;
        }
        var node = JsonNode.Parse(current.GetRawText())!;
        var annotations = node["metadata"]?["annotations"] as JsonObject;
        var desired = new JsonObject
        {
            ["strategy"] = "Webhook",
            ["webhook"] = new JsonObject { ["clientConfig"] = clientConfig, ["conversionReviewVersions"] = new JsonArray("v1") },
        };
        var owner = WebhookPlan.Dns(katalogName);
        if (JsonNode.DeepEquals(node["spec"]?["conversion"], desired) && (string?)annotations?[ConversionKatalogAnnotation] == owner
            && annotations?[PreviousConversionAnnotation] is not null) return true;
        var ops = new JsonArray((JsonNode)new JsonObject { ["op"] = "add", ["path"] = "/spec/conversion", ["value"] = desired });
        // The block before ork's first patch ("null" when there was none): kept when already recorded (a killed
        // process's patch is not "previous").
        var previous = (string?)annotations?[PreviousConversionAnnotation] ?? node["spec"]?["conversion"]?.ToJsonString() ?? "null";
        if (annotations is null)
        {
            ops.Add((JsonNode)new JsonObject
            {
                ["op"] = "add", ["path"] = "/metadata/annotations",
                ["value"] = new JsonObject { [PreviousConversionAnnotation] = previous, [ConversionKatalogAnnotation] = owner },
            });
        }
        else
        {
            ops.Add((JsonNode)new JsonObject { ["op"] = "add", ["path"] = Pointer(PreviousConversionAnnotation), ["value"] = previous });
            ops.Add((JsonNode)new JsonObject { ["op"] = "add", ["path"] = Pointer(ConversionKatalogAnnotation), ["value"] = owner });
        }
        await client.PatchAsync(Crds, null, crd, PatchType.Json, ops, null, cancellation).ConfigureAwait(false);
        return true;
    }

    /// <summary>Puts back the conversion block recorded in the annotation and removes ork's annotations.</summary>
    private async Task<bool> RestoreConversionAsync(string crd, CancellationToken cancellation)
    {
        JsonElement current;
        try
        {
            current = await client.GetAsync(Crds, null, crd, cancellation).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return false;
        }
        var annotations = JsonNode.Parse(current.GetRawText())!["metadata"]?["annotations"] as JsonObject;
        if ((string?)annotations?[PreviousConversionAnnotation] is not { } text) return false;
        JsonNode? previous;
        try
        {
            previous = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            previous = new JsonObject { ["strategy"] = "None" };
        }
        var ops = new JsonArray(
            previous is null
                ? new JsonObject { ["op"] = "remove", ["path"] = "/spec/conversion" }
                : new JsonObject { ["op"] = "add", ["path"] = "/spec/conversion", ["value"] = previous },
            new JsonObject { ["op"] = "remove", ["path"] = Pointer(PreviousConversionAnnotation) });
        if (annotations!.ContainsKey(ConversionKatalogAnnotation))
            ops.Add((JsonNode)new JsonObject { ["op"] = "remove", ["path"] = Pointer(ConversionKatalogAnnotation) });
        await client.PatchAsync(Crds, null, crd, PatchType.Json, ops, null, cancellation).ConfigureAwait(false);
        Log.WebhookRemoved(log, $"the conversion webhook of CustomResourceDefinition {crd} (previous conversion restored)");
        return true;
    }

    private async Task<IReadOnlyList<string>> AnnotatedCrdsAsync(string katalogName, CancellationToken cancellation)
    {
        var owner = WebhookPlan.Dns(katalogName);
        var names = new List<string>();
        string? next = null;
        do
        {
            var page = await client.ListAsync(Crds, null, new ListOptions { Limit = 500, Continue = next }, cancellation)
                .ConfigureAwait(false);
            foreach (var crd in page.Items)
            {
                if (crd.TryGetProperty("metadata", out var md) && md.TryGetProperty("annotations", out var a)
                    && a.ValueKind == JsonValueKind.Object
                    && a.TryGetProperty(ConversionKatalogAnnotation, out var k) && k.GetString() == owner)
                    names.Add(ObjectMeta.Name(crd)!);
            }
            next = page.Continue;
        }
        while (!string.IsNullOrEmpty(next));
        return names;
    }

    private static string Pointer(string annotation) => "/metadata/annotations/" + Escape(annotation);

    private static string LabelPointer(string label) => "/metadata/labels/" + Escape(label);

    private static string Escape(string key) =>
        key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static JsonObject Configuration(string kind, KatalogWebhooks katalog, JsonArray webhooks) => new()
    {
        ["apiVersion"] = "admissionregistration.k8s.io/v1",
        ["kind"] = kind,
        ["metadata"] = new JsonObject
        {
            ["name"] = katalog.ConfigurationName,
            ["labels"] = new JsonObject { [ManagedByLabel] = ManagedBy, [KatalogLabel] = WebhookPlan.Dns(katalog.Katalog.Name) },
        },
        ["webhooks"] = webhooks,
    };

    private static JsonObject Rule(IEnumerable<string> operations, string group, string version, string resource, string scope) => new()
    {
        ["operations"] = new JsonArray(operations.Select(o => (JsonNode?)JsonValue.Create(o)).ToArray()),
        ["apiGroups"] = new JsonArray(group),
        ["apiVersions"] = new JsonArray(version),
        ["resources"] = new JsonArray(resource),
        ["scope"] = scope,
    };

    private static JsonObject Entry(string name, WebhookRoute route, WebhookTarget target, string caBundle,
        params JsonObject[] rules) => new()
    {
        ["name"] = name,
        ["admissionReviewVersions"] = new JsonArray("v1"),
        ["clientConfig"] = target.ClientConfig(route.Path, caBundle),
        ["rules"] = new JsonArray(rules.Select(r => (JsonNode?)r).ToArray()),
        ["failurePolicy"] = route.FailurePolicy == FailurePolicy.Ignore ? "Ignore" : "Fail",
        ["matchPolicy"] = "Equivalent",
        ["namespaceSelector"] = new JsonObject(),
        ["objectSelector"] = new JsonObject(),
        ["sideEffects"] = SideEffects(route),
        ["timeoutSeconds"] = 10,
    };

    /// <summary><c>NoneOnDryRun</c> for a route whose rules make <c>external</c> calls (they may have side effects; a dry-run
    /// request makes none, see <see cref="AdmissionHandler"/>), <c>None</c> otherwise.</summary>
    public static string SideEffects(WebhookRoute route) => route.Kind switch
    {
        WebhookKind.Validate when route.Operator!.Validation!.External.Count > 0 => "NoneOnDryRun",
        WebhookKind.Mutate when route.Operator!.Mutation!.External.Count > 0 => "NoneOnDryRun",
        _ => "None",
    };

    /// <summary>Deletion protection: the Katalog's CRDs (selected by <see cref="ProtectedCrdLabel"/>, the handler checks the
    /// name too); labelled objects of any kind; ork's own labelled workloads.</summary>
    private static IEnumerable<JsonObject> DeletionEntries(WebhookRoute route, WebhookTarget target, string caBundle)
    {
        var rules = route.Deletion!;
        if (rules.CrdNames.Count > 0)
        {
            var crds = Entry("crds." + route.WebhookName, route, target, caBundle,
                Rule(["DELETE"], "apiextensions.k8s.io", "v1", "customresourcedefinitions", "Cluster"));
            crds["objectSelector"] = new JsonObject
            {
                ["matchLabels"] = new JsonObject { [ProtectedCrdLabel] = WebhookPlan.Dns(route.Katalog) },
            };
            yield return crds;
        }
        var objects = Entry("objects." + route.WebhookName, route, target, caBundle, Rule(route.Operations, "*", "*", "*", "*"));
        objects["objectSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { [AdmissionHandler.ProtectionLabel] = "true" } };
        yield return objects;
        var runtime = Entry("runtime." + route.WebhookName, route, target, caBundle,
            Rule(["DELETE"], "apps", "v1", "deployments", "*"), Rule(["DELETE"], "", "v1", "services", "*"),
            Rule(["DELETE"], "networking.k8s.io", "v1", "ingresses", "*"));
        runtime["objectSelector"] = new JsonObject
        {
            ["matchLabels"] = new JsonObject { ["app.kubernetes.io/name"] = "orkestra", ["app.kubernetes.io/tag"] = "orkestra-internal" },
        };
        yield return runtime;
    }
}
