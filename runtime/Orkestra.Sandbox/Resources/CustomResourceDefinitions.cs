using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.ApiMachinery.Schema;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Resources;

/// <summary>
/// CRDs: validation of the CRD object, and — inside the write transaction that stores
/// it — establishment: NamesAccepted/Established conditions, acceptedNames, storedVersions and the served
/// resource types swapped into the registry, so the next request (discovery, OpenAPI, CRUD) sees the new type.
/// </summary>
internal sealed class CustomResourceDefinitions
{
    public const string StorageKey = "customresourcedefinitions.apiextensions.k8s.io";
    private readonly ResourceRegistry _registry;
    private readonly TimeProvider _time;

    public CustomResourceDefinitions(ResourceRegistry registry, TimeProvider time)
    {
        _registry = registry;
        _time = time;
    }

    public static bool Is(ResourceType type) => type.Group == "apiextensions.k8s.io" && type.Resource == "customresourcedefinitions";

    /// <summary>The checks of a CRD object that matter to clients; every violation is one cause of a 422.</summary>
    public static List<Cause> Validate(JsonObject crd)
    {
        var causes = new List<Cause>();
        var name = Json.Str(crd["metadata"], "name") ?? "";
        var spec = crd["spec"] as JsonObject;
        if (spec is null)
        {
            causes.Add(Cause.Required("spec"));
            return causes;
        }
        var group = Json.Str(spec, "group");
        var names = spec["names"] as JsonObject;
        var plural = Json.Str(names, "plural");
        var kind = Json.Str(names, "kind");
        if (string.IsNullOrEmpty(group)) causes.Add(Cause.Required("spec.group"));
        else if (!group.Contains('.'))
            causes.Add(Cause.InvalidValue("spec.group", $"\"{group}\"", "should be a domain with at least one dot"));
        if (string.IsNullOrEmpty(plural)) causes.Add(Cause.Required("spec.names.plural"));
        if (string.IsNullOrEmpty(kind)) causes.Add(Cause.Required("spec.names.kind"));
        if (!string.IsNullOrEmpty(plural) && !string.IsNullOrEmpty(group) && name != $"{plural}.{group}")
            causes.Add(Cause.InvalidValue("metadata.name", $"\"{name}\"", "must be spec.names.plural+\".\"+spec.group"));
        var scope = Json.Str(spec, "scope");
        if (scope is not ("Namespaced" or "Cluster"))
            causes.Add(scope is null ? Cause.Required("spec.scope")
                : Cause.NotSupported("spec.scope", $"\"{scope}\"", ["Cluster", "Namespaced"]));
        var versions = spec["versions"] as JsonArray ?? [];
        if (versions.Count == 0) causes.Add(Cause.Required("spec.versions", "must have exactly one version marked as storage version"));
        var storage = 0;
        for (var i = 0; i < versions.Count; i++)
        {
            var v = versions[i] as JsonObject;
            if (Json.Bool(v, "storage") == true) storage++;
            if (string.IsNullOrEmpty(Json.Str(v, "name"))) causes.Add(Cause.Required($"spec.versions[{i}].name"));
            if (Json.Path(v, "schema.openAPIV3Schema") is not JsonObject schema)
                causes.Add(Cause.Required($"spec.versions[{i}].schema.openAPIV3Schema", "schemas are required"));
            else
            {
                StructuralChecks(schema, $"spec.versions[{i}].schema.openAPIV3Schema", causes, root: true);
                foreach (var problem in StructuralSchema.Compile(schema, $"spec.versions[{i}].schema.openAPIV3Schema").Problems)
                    causes.Add(new Cause(problem.Reason, problem.Path, problem.Body, problem.Message));
            }
        }
        if (versions.Count > 0 && storage != 1)
            causes.Add(Cause.InvalidValue("spec.versions", "[]apiextensions.CustomResourceDefinitionVersion{...}",
                "must have exactly one version marked as storage version"));
        ValidateConversion(spec, causes);
        return causes;
    }

    /// <summary>
    /// validateCustomResourceConversion; kube reports the internal paths (<c>webhookClientConfig</c>,
    /// <c>conversionReviewVersions</c> directly under <c>spec.conversion</c>).
    /// </summary>
    private static void ValidateConversion(JsonObject spec, List<Cause> causes)
    {
        if (spec["conversion"] is not JsonObject conversion) return;
        var strategy = Json.Str(conversion, "strategy");
        if (strategy is null) causes.Add(Cause.Required("spec.conversion.strategy"));
        else if (strategy is not ("None" or "Webhook"))
            causes.Add(Cause.NotSupported("spec.conversion.strategy", $"\"{strategy}\"", ["None", "Webhook"]));
        var webhook = conversion["webhook"] as JsonObject;
        if (strategy == "Webhook")
        {
            if (webhook?["clientConfig"] is not JsonObject clientConfig)
                causes.Add(Cause.Required("spec.conversion.webhookClientConfig", "required when strategy is set to Webhook"));
            else
                Admission.WebhookEndpoint.Parse(clientConfig, "spec.conversion.webhookClientConfig", causes);
            var reviewVersions = Strings(webhook?["conversionReviewVersions"]);
            if (reviewVersions.Length == 0)
                causes.Add(Cause.Required("spec.conversion.conversionReviewVersions", "must specify one of v1, v1beta1"));
            else if (!reviewVersions.Any(v => v is "v1" or "v1beta1"))
            {
                var listed = "[]string{" + string.Join(", ", reviewVersions.Select(v => $"\"{v}\"")) + "}";
                causes.Add(Cause.InvalidValue("spec.conversion.conversionReviewVersions", listed,
                    "must include at least one of v1, v1beta1"));
            }
            if (Json.Bool(spec, "preserveUnknownFields") == true)
                causes.Add(Cause.InvalidValue("spec.conversion.strategy", "\"Webhook\"",
                    "must be None if spec.preserveUnknownFields is true"));
        }
        else if (webhook?["clientConfig"] is not null)
        {
            causes.Add(Cause.Forbidden("spec.conversion.webhookClientConfig", "should not be set when strategy is not set to Webhook"));
        }
    }

    /// <summary>The compiled conversion webhook of a (validated) CRD spec; null for strategy None.</summary>
    private static Admission.ConversionWebhook? ConversionOf(JsonObject spec)
    {
        if (Json.Path(spec, "conversion.strategy") is not JsonValue v || Json.ScalarText(v) != "Webhook") return null;
        var endpoint = Admission.WebhookEndpoint.Parse(Json.Path(spec, "conversion.webhook.clientConfig"), "clientConfig", []);
        var version = Strings(Json.Path(spec, "conversion.webhook.conversionReviewVersions")).FirstOrDefault(r => r is "v1" or "v1beta1");
        return endpoint is null ? null : new Admission.ConversionWebhook(endpoint, version);
    }

    private static void StructuralChecks(JsonObject schema, string path, List<Cause> causes, bool root)
    {
        foreach (var forbidden in new[] { "$ref", "definitions", "dependencies", "additionalItems", "patternProperties", "id" })
        {
            if (schema.ContainsKey(forbidden))
                causes.Add(Cause.Forbidden($"{path}.{forbidden}", $"{forbidden} is forbidden in structural schemas"));
        }
        if (Json.Bool(schema, "uniqueItems") == true)
            causes.Add(Cause.Forbidden($"{path}.uniqueItems",
                "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
        var intOrString = Json.Bool(schema, "x-kubernetes-int-or-string") == true;
        var preserve = Json.Bool(schema, "x-kubernetes-preserve-unknown-fields") == true;
        if (schema["x-kubernetes-preserve-unknown-fields"] is JsonValue p && p.TryGetValue<bool>(out var pv) && !pv)
            causes.Add(Cause.InvalidValue($"{path}.x-kubernetes-preserve-unknown-fields", "false", "must be true or undefined"));
        if (string.IsNullOrEmpty(Json.Str(schema, "type")) && !intOrString && !preserve)
            causes.Add(Cause.Required($"{path}.type", "must not be empty for specified object fields"));
        if (schema.ContainsKey("properties") && schema.ContainsKey("additionalProperties"))
            causes.Add(Cause.Forbidden($"{path}.additionalProperties", "additionalProperties and properties are mutual exclusive"));
        if (root && schema.ContainsKey("additionalProperties"))
            causes.Add(Cause.Forbidden($"{path}.additionalProperties", "must not be used at the root"));
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (key, child) in properties)
            {
                if (child is JsonObject c) StructuralChecks(c, $"{path}.properties[{key}]", causes, false);
            }
        }
        if (schema["items"] is JsonObject items) StructuralChecks(items, $"{path}.items", causes, false);
        if (schema["additionalProperties"] is JsonObject additional)
            StructuralChecks(additional, $"{path}.additionalProperties", causes, false);
    }

    /// <summary>Runs inside the store transaction after a CRD write (old/new null for create/delete).</summary>
    public void OnWritten(ObjectStore.WriteScope tx, StoredObject? old, StoredObject? updated)
    {
        if (updated is null)
        {
            _registry.SetCustom(old!.Name, []);
            return;
        }
        _registry.SetCustom(updated.Name, TypesFor(updated.Object, updated.ResourceVersion, _registry.Current.Types));
        var wanted = WithStatus(updated.Object);
        if (!Json.DeepEquals(wanted["status"], updated.Object["status"])) tx.Put(StorageKey, wanted);
    }

    private JsonObject WithStatus(JsonObject crd)
    {
        var copy = (JsonObject)crd.DeepClone();
        var spec = (JsonObject)copy["spec"]!;
        var names = (JsonObject)spec["names"]!.DeepClone();
        names["singular"] ??= Json.Str(names, "kind")!.ToLowerInvariant();
        names["listKind"] ??= Json.Str(names, "kind") + "List";
        var status = Json.Obj(copy, "status");
        var conditions = status["conditions"] as JsonArray ?? new JsonArray();
        var now = KubeTime.Format(_time.GetUtcNow());
        SetCondition(conditions, "NamesAccepted", "True", "NoConflicts", "no conflicts found", now);
        SetCondition(conditions, "Established", "True", "InitialNamesAccepted", "the initial names have been accepted", now);
        if (Json.Path(copy, "metadata.deletionTimestamp") is not null)
            SetCondition(conditions, "Terminating", "True", "InstanceDeletionPending",
                "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon", now);
        status["conditions"] = conditions;
        status["acceptedNames"] = names;
        var stored = status["storedVersions"] as JsonArray ?? new JsonArray();
        var storageVersion = (spec["versions"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(v => Json.Bool(v, "storage") == true);
        if (Json.Str(storageVersion, "name") is { } sv && stored.All(s => Json.ScalarText(s) != sv)) stored.Push(sv);
        status["storedVersions"] = stored;
        return copy;
    }

    private static void SetCondition(JsonArray conditions, string type, string status, string reason, string message, string now)
    {
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => Json.Str(c, "type") == type);
        if (existing is not null && Json.Str(existing, "status") == status && Json.Str(existing, "reason") == reason) return;
        if (existing is not null) conditions.Remove(existing);
        conditions.Push(new JsonObject
        {
            ["type"] = type, ["status"] = status, ["lastTransitionTime"] = now, ["reason"] = reason, ["message"] = message,
        });
    }

    /// <summary>
    /// The served types of a CRD. A version whose schema is unchanged keeps its compiled schema (and the RV it dates
    /// from); a new or changed schema is compiled here, once, dated <paramref name="revision"/>.
    /// </summary>
    private static List<ResourceType> TypesFor(JsonObject crd, long revision, IReadOnlyList<ResourceType> current)
    {
        var spec = (JsonObject)crd["spec"]!;
        var names = (JsonObject)spec["names"]!;
        var group = Json.Str(spec, "group")!;
        var kind = Json.Str(names, "kind")!;
        var plural = Json.Str(names, "plural")!;
        var types = new List<ResourceType>();
        var conversion = ConversionOf(spec);
        var storageVersion = (spec["versions"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(v => Json.Bool(v, "storage") == true).Select(v => Json.Str(v, "name")).FirstOrDefault() ?? "";
        foreach (var version in (spec["versions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Json.Bool(version, "served") == false) continue;
            var subresources = version["subresources"] as JsonObject;
            var scale = subresources?["scale"] as JsonObject;
            var schema = Json.Path(version, "schema.openAPIV3Schema") as JsonObject;
            var versionName = Json.Str(version, "name")!;
            var crdName = Json.Str(crd["metadata"], "name")!;
            var previous = current.FirstOrDefault(t => t.Custom?.CrdName == crdName && t.Version == versionName)?.Custom;
            var (compiled, since) = previous is not null && Json.DeepEquals(previous.OpenApiSchema, schema)
                ? (previous.Schema, previous.SchemaSince)
                : (schema is null ? null : StructuralSchema.Compile(schema), revision);
            types.Add(new ResourceType
            {
                Group = group,
                Version = Json.Str(version, "name")!,
                Resource = plural,
                Kind = kind,
                SingularName = Json.Str(names, "singular") ?? kind.ToLowerInvariant(),
                Namespaced = Json.Str(spec, "scope") != "Cluster",
                ShortNames = Strings(names["shortNames"]),
                Categories = Strings(names["categories"]),
                HasStatus = subresources?["status"] is not null,
                Scale = scale is null ? null : new ScaleSpec(Trim(Json.Str(scale, "specReplicasPath")) ?? "spec.replicas",
                    Trim(Json.Str(scale, "statusReplicasPath")) ?? "status.replicas", Trim(Json.Str(scale, "labelSelectorPath"))),
                TracksGeneration = true,
                AllowUnconditionalUpdate = false,
                FieldSelectors = (version["selectableFields"] as JsonArray ?? []).OfType<JsonObject>()
                    .Select(f => Trim(Json.Str(f, "jsonPath")))
                    .Where(p => p is not null)
                    .ToDictionary(p => p!, p => p!),
                Columns = (version["additionalPrinterColumns"] as JsonArray ?? []).OfType<JsonObject>().Select(Column).ToList(),
                Custom = new CustomResourceInfo
                {
                    CrdName = Json.Str(crd["metadata"], "name")!,
                    ListKind = Json.Str(names, "listKind") ?? kind + "List",
                    OpenApiSchema = schema,
                    Schema = compiled,
                    SchemaSince = since,
                    Deprecated = Json.Bool(version, "deprecated") == true,
                    DeprecationWarning = Json.Str(version, "deprecationWarning"),
                    StorageVersion = storageVersion,
                    Conversion = conversion,
                },
            });
        }
        return types;
    }

    private static TableColumn Column(JsonObject c)
    {
        var path = Json.Str(c, "jsonPath") ?? "";
        return new TableColumn(Json.Str(c, "name") ?? path, Json.Str(c, "type") ?? "string", Json.Str(c, "format") ?? "",
            Json.Str(c, "description") ?? "", (int)(Json.Long(c, "priority") ?? 0), o => JsonPathLite.Evaluate(o, path));
    }

    private static string? Trim(string? path) => path?.TrimStart('.');

    private static string[] Strings(JsonNode? node) => (node as JsonArray ?? []).Select(Json.ScalarText).OfType<string>().ToArray();
}
