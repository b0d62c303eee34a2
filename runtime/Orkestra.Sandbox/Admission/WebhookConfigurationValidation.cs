using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Selectors;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Resources;

namespace Orkestra.Sandbox.Admission;

/// <summary>
/// Defaulting and validation of <c>admissionregistration.k8s.io/v1</c> Mutating/ValidatingWebhookConfigurations as
/// kube does on create and update (APIS <c>admissionregistration/v1/defaults.go</c>, <c>validation/validation.go</c>):
/// failurePolicy Fail, matchPolicy Equivalent, empty selectors, timeoutSeconds 10, reinvocationPolicy Never, rule scope
/// <c>*</c>, service port 443; required names, sideEffects and admissionReviewVersions, rules, selectors and
/// clientConfig checked with kube's texts. <c>matchConditions</c> (CEL) are refused: the sandbox cannot evaluate them.
/// </summary>
internal static class WebhookConfigurationValidation
{
    private static readonly string[] FailurePolicies = ["Fail", "Ignore"];
    private static readonly string[] MatchPolicies = ["Equivalent", "Exact"];
    private static readonly string[] SideEffectClasses = ["None", "NoneOnDryRun"];
    private static readonly string[] Operations = ["*", "CONNECT", "CREATE", "DELETE", "UPDATE"];
    private static readonly string[] Scopes = ["*", "Cluster", "Namespaced"];
    private static readonly string[] ReinvocationPolicies = ["IfNeeded", "Never"];

    public static bool Is(ResourceType type) =>
        type.Group == "admissionregistration.k8s.io" && type.Kind is "MutatingWebhookConfiguration" or "ValidatingWebhookConfiguration";

    /// <summary>Applies kube's defaults to <paramref name="obj"/> and throws the 422 (or 400 for ill-typed JSON) kube would.</summary>
    public static void DefaultAndValidate(ResourceType type, JsonObject obj)
    {
        var mutating = type.Kind == "MutatingWebhookConfiguration";
        var name = Json.Str(obj["metadata"], "name") ?? "";
        var causes = new List<Cause>();
        var webhooks = obj["webhooks"];
        if (webhooks is not null and not JsonArray) throw Undecodable(type, "webhooks", "an array");
        var list = webhooks as JsonArray ?? [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            var path = $"webhooks[{i}]";
            if (list[i] is not JsonObject hook) throw Undecodable(type, path, "an object");
            Default(hook, mutating);
            Validate(type, hook, path, mutating, causes);
            var hookName = Json.Str(hook, "name") ?? "";
            if (hookName.Length > 0 && !seen.Add(hookName))
            {
                causes.Add(new Cause("FieldValueDuplicate", $"{path}.name", $"Duplicate value: \"{hookName}\"",
                    $"{path}.name: Duplicate value: \"{hookName}\""));
            }
        }
        if (causes.Count > 0) throw ApiError.Invalid(type, name, causes.ToArray());
    }

    private static void Default(JsonObject hook, bool mutating)
    {
        hook["failurePolicy"] ??= "Fail";
        hook["matchPolicy"] ??= "Equivalent";
        hook["namespaceSelector"] ??= new JsonObject();
        hook["objectSelector"] ??= new JsonObject();
        hook["timeoutSeconds"] ??= 10;
        if (mutating) hook["reinvocationPolicy"] ??= "Never";
        foreach (var rule in (hook["rules"] as JsonArray ?? []).OfType<JsonObject>()) rule["scope"] ??= "*";
        if (Json.Path(hook, "clientConfig.service") is JsonObject service) service["port"] ??= 443;
    }

    private static void Validate(ResourceType type, JsonObject hook, string path, bool mutating, List<Cause> causes)
    {
        FullyQualifiedName(Json.Str(hook, "name") ?? "", $"{path}.name", causes);
        if (hook["rules"] is not null and not JsonArray) throw Undecodable(type, $"{path}.rules", "an array");
        var rules = hook["rules"] as JsonArray ?? [];
        for (var j = 0; j < rules.Count; j++)
        {
            if (rules[j] is not JsonObject rule) throw Undecodable(type, $"{path}.rules[{j}]", "an object");
            ValidateRule(type, rule, $"{path}.rules[{j}]", causes);
        }
        OneOf(hook, "failurePolicy", FailurePolicies, $"{path}.failurePolicy", causes);
        OneOf(hook, "matchPolicy", MatchPolicies, $"{path}.matchPolicy", causes);
        var sideEffects = Json.Str(hook, "sideEffects");
        if (sideEffects is null) causes.Add(Cause.Required($"{path}.sideEffects", "must specify one of None, NoneOnDryRun"));
        else OneOf(hook, "sideEffects", SideEffectClasses, $"{path}.sideEffects", causes);
        if (hook["timeoutSeconds"] is not JsonValue || Json.Long(hook, "timeoutSeconds") is not { } timeout)
            throw Undecodable(type, $"{path}.timeoutSeconds", "an integer");
        if (timeout is < 1 or > 30)
        {
            causes.Add(Cause.InvalidValue($"{path}.timeoutSeconds", Json.Render(hook["timeoutSeconds"]),
                "the timeout value must be between 1 and 30 seconds"));
        }
        var selectorErrors = new List<Orkestra.ApiMachinery.Schema.FieldError>();
        LabelSelector.Parse(hook["namespaceSelector"], $"{path}.namespaceSelector", selectorErrors);
        LabelSelector.Parse(hook["objectSelector"], $"{path}.objectSelector", selectorErrors);
        causes.AddRange(selectorErrors.Select(e => new Cause(e.Reason, e.Field, e.Body, e.Message)));
        if (mutating) OneOf(hook, "reinvocationPolicy", ReinvocationPolicies, $"{path}.reinvocationPolicy", causes);
        WebhookEndpoint.Parse(hook["clientConfig"], $"{path}.clientConfig", causes);
        if (hook["matchConditions"] is JsonArray { Count: > 0 })
            causes.Add(Cause.Forbidden($"{path}.matchConditions", "matchConditions (CEL) are not supported by the sandbox"));
        ReviewVersions(type, hook["admissionReviewVersions"], $"{path}.admissionReviewVersions", causes);
    }

    private static void ValidateRule(ResourceType type, JsonObject rule, string path, List<Cause> causes)
    {
        var operations = StringList(type, rule, "operations", path);
        if (operations.Length == 0) causes.Add(Cause.Required($"{path}.operations"));
        if (operations.Length > 1 && operations.Contains("*"))
        {
            causes.Add(Cause.InvalidValue($"{path}.operations", GoStrings(operations),
                "if '*' is present, must not specify other operations"));
        }
        for (var i = 0; i < operations.Length; i++)
        {
            if (!Operations.Contains(operations[i]))
                causes.Add(Cause.NotSupported($"{path}.operations[{i}]", $"\"{operations[i]}\"", Operations));
        }
        var groups = StringList(type, rule, "apiGroups", path);
        if (groups.Length == 0) causes.Add(Cause.Required($"{path}.apiGroups"));
        if (groups.Length > 1 && groups.Contains("*"))
            causes.Add(Cause.InvalidValue($"{path}.apiGroups", GoStrings(groups), "if '*' is present, must not specify other API groups"));
        var versions = StringList(type, rule, "apiVersions", path);
        if (versions.Length == 0) causes.Add(Cause.Required($"{path}.apiVersions"));
        if (versions.Length > 1 && versions.Contains("*"))
        {
            causes.Add(Cause.InvalidValue($"{path}.apiVersions", GoStrings(versions),
                "if '*' is present, must not specify other API versions"));
        }
        for (var i = 0; i < versions.Length; i++)
        {
            if (versions[i].Length == 0) causes.Add(Cause.Required($"{path}.apiVersions[{i}]"));
        }
        ValidateResources(StringList(type, rule, "resources", path), $"{path}.resources", causes);
        var scope = Json.Str(rule, "scope");
        if (scope is not null && !Scopes.Contains(scope)) causes.Add(Cause.NotSupported($"{path}.scope", $"\"{scope}\"", Scopes));
    }

    /// <summary>kube's validateResources: wildcard combinations that make no sense are refused.</summary>
    private static void ValidateResources(string[] resources, string path, List<Cause> causes)
    {
        if (resources.Length == 0) causes.Add(Cause.Required(path));
        var wildcardSubOf = new HashSet<string>(StringComparer.Ordinal);
        var wildcardResFor = new HashSet<string>(StringComparer.Ordinal);
        var doubleWildcard = false;
        var singleWildcard = false;
        var withoutSub = false;
        for (var i = 0; i < resources.Length; i++)
        {
            var resSub = resources[i];
            if (resSub.Length == 0)
            {
                causes.Add(Cause.Required($"{path}[{i}]"));
                continue;
            }
            if (resSub == "*/*") doubleWildcard = true;
            if (resSub == "*") singleWildcard = true;
            var slash = resSub.IndexOf('/');
            if (slash < 0)
            {
                withoutSub = resSub != "*";
                continue;
            }
            var (res, sub) = (resSub[..slash], resSub[(slash + 1)..]);
            if (wildcardSubOf.Contains(res))
                causes.Add(Cause.InvalidValue($"{path}[{i}]", $"\"{resSub}\"", $"if '{res}/*' is present, must not specify {resSub}"));
            if (wildcardResFor.Contains(sub))
                causes.Add(Cause.InvalidValue($"{path}[{i}]", $"\"{resSub}\"", $"if '*/{sub}' is present, must not specify {resSub}"));
            if (sub == "*") wildcardSubOf.Add(res);
            if (res == "*") wildcardResFor.Add(sub);
        }
        if (resources.Length > 1 && doubleWildcard)
            causes.Add(Cause.InvalidValue(path, GoStrings(resources), "if '*/*' is present, must not specify other resources"));
        if (singleWildcard && withoutSub)
        {
            causes.Add(Cause.InvalidValue(path, GoStrings(resources),
                "if '*' is present, must not specify other resources without subresources"));
        }
    }

    private static void ReviewVersions(ResourceType type, JsonNode? node, string path, List<Cause> causes)
    {
        if (node is not null and not JsonArray) throw Undecodable(type, path, "an array");
        var versions = Webhook.Strings(node);
        if (versions.Length == 0)
        {
            causes.Add(Cause.Required(path, "must specify one of v1, v1beta1"));
            return;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < versions.Length; i++)
        {
            if (!seen.Add(versions[i])) causes.Add(Cause.InvalidValue($"{path}[{i}]", $"\"{versions[i]}\"", "duplicate version"));
        }
        if (!versions.Any(v => v is "v1" or "v1beta1"))
            causes.Add(Cause.InvalidValue(path, GoStrings(versions), "must include at least one of v1, v1beta1"));
    }

    /// <summary>kube's IsFullyQualifiedName: a DNS subdomain with at least three segments.</summary>
    internal static void FullyQualifiedName(string name, string path, List<Cause> causes)
    {
        if (name.Length == 0) causes.Add(Cause.Required(path));
        else if (!Names.IsSubdomain(name)) causes.Add(Cause.InvalidValue(path, $"\"{name}\"", Names.SubdomainMessage));
        else if (name.Split('.').Length < 3)
            causes.Add(Cause.InvalidValue(path, $"\"{name}\"", "should be a domain with at least three segments separated by dots"));
    }

    private static void OneOf(JsonObject hook, string key, string[] allowed, string path, List<Cause> causes)
    {
        var value = Json.Str(hook, key);
        if (value is not null && !allowed.Contains(value)) causes.Add(Cause.NotSupported(path, $"\"{value}\"", allowed));
        else if (value is null && hook[key] is not null) causes.Add(Cause.NotSupported(path, Json.Render(hook[key]), allowed));
    }

    private static string[] StringList(ResourceType type, JsonObject parent, string key, string path)
    {
        var node = parent[key];
        if (node is null) return [];
        if (node is not JsonArray array || array.Any(n => n is not JsonValue v || !v.TryGetValue<string>(out _)))
            throw Undecodable(type, $"{path}.{key}", "an array of strings");
        return Webhook.Strings(array);
    }

    /// <summary>Go renders a []string field value as <c>[]string{"a", "b"}</c>.</summary>
    private static string GoStrings(IEnumerable<string> values) => "[]string{" + string.Join(", ", values.Select(v => $"\"{v}\"")) + "}";

    private static ApiError Undecodable(ResourceType type, string path, string expected) =>
        ApiError.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: {path} must be {expected}");
}
