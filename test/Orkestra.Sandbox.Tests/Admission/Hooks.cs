using System.Text.Json.Nodes;
using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Admission;

/// <summary>Builders for webhook configurations and the CRDs the admission and conversion tests share.</summary>
internal static class Hooks
{
    public const string Mutating = "mutatingwebhookconfigurations";
    public const string Validating = "validatingwebhookconfigurations";
    public const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    public static JsonObject Rule(string operations, string groups, string versions, string resources, string? scope = null)
    {
        var rule = new JsonObject
        {
            ["operations"] = List(operations), ["apiGroups"] = List(groups),
            ["apiVersions"] = List(versions), ["resources"] = List(resources),
        };
        if (scope is not null) rule["scope"] = scope;
        return rule;
    }

    /// <summary>Every operation on configmaps.</summary>
    public static JsonObject ConfigMapRule() => Rule("*", "", "v1", "configmaps");

    /// <summary>A webhook at <paramref name="path"/> of <paramref name="server"/> (url + caBundle), sideEffects None, v1 reviews.</summary>
    public static JsonObject Hook(string name, TestWebhookServer server, string path, params JsonObject[] rules) => new()
    {
        ["name"] = name,
        ["clientConfig"] = new JsonObject { ["url"] = server.Url(path), ["caBundle"] = server.CaBundle },
        ["rules"] = new JsonArray(rules.Select(r => (JsonNode?)r).ToArray()),
        ["sideEffects"] = "None",
        ["admissionReviewVersions"] = new JsonArray("v1"),
    };

    public static JsonObject Configuration(string plural, string name, params JsonObject[] hooks) => new()
    {
        ["apiVersion"] = "admissionregistration.k8s.io/v1",
        ["kind"] = plural == Mutating ? "MutatingWebhookConfiguration" : "ValidatingWebhookConfiguration",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["webhooks"] = new JsonArray(hooks.Select(h => h.DeepClone()).ToArray()),
    };

    public static async Task CreateAsync(TestSandbox sb, string plural, string name, params JsonObject[] hooks)
    {
        var (code, body, _) = await sb.PostAsync($"/apis/admissionregistration.k8s.io/v1/{plural}",
            Configuration(plural, name, hooks).ToJsonString());
        code.ShouldBe(201, body?.ToJsonString());
    }

    public static async Task DeleteAsync(TestSandbox sb, string plural, string name)
    {
        var (code, body, _) = await sb.SendAsync(HttpMethod.Delete, $"/apis/admissionregistration.k8s.io/v1/{plural}/{name}");
        code.ShouldBe(200, body?.ToJsonString());
    }

    public static Task<(int Code, JsonNode? Body, HttpResponseMessage Response)> MergePatchAsync(TestSandbox sb, string path,
        string patch) =>
        sb.SendAsync(HttpMethod.Patch, path, patch, "application/merge-patch+json");

    public static JsonArray List(string csv) => new(csv.Split(',').Select(s => (JsonNode?)s.Trim()).ToArray());

    public static string ConfigMap(string name, string? labels = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (labels is not null) metadata["labels"] = JsonNode.Parse(labels);
        var data = new JsonObject { ["a"] = "1" };
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = metadata, ["data"] = data }.ToJsonString();
    }

    /// <summary>widgets.example.com: v1 (storage, spec.size) and v2 (spec.sizeInGi), both served, with status and scale.</summary>
    public static JsonObject WidgetCrd(JsonObject? conversion = null)
    {
        static JsonObject Version(string name, bool storage, string field, string type) => new()
        {
            ["name"] = name, ["served"] = true, ["storage"] = storage,
            ["subresources"] = new JsonObject
            {
                ["status"] = new JsonObject(),
                ["scale"] = new JsonObject { ["specReplicasPath"] = ".spec.replicas", ["statusReplicasPath"] = ".status.replicas" },
            },
            ["schema"] = new JsonObject
            {
                ["openAPIV3Schema"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject
                    {
                        ["spec"] = new JsonObject
                        {
                            ["type"] = "object",
                            ["properties"] = new JsonObject
                            {
                                [field] = new JsonObject { ["type"] = type },
                                ["replicas"] = new JsonObject { ["type"] = "integer" },
                                ["color"] = new JsonObject { ["type"] = "string", ["default"] = "blue" },
                            },
                        },
                        ["status"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
                    },
                },
            },
        };
        var spec = new JsonObject
        {
            ["group"] = "example.com",
            ["scope"] = "Namespaced",
            ["names"] = new JsonObject { ["plural"] = "widgets", ["singular"] = "widget", ["kind"] = "Widget" },
            ["versions"] = new JsonArray(Version("v1", true, "size", "string"), Version("v2", false, "sizeInGi", "integer")),
        };
        if (conversion is not null) spec["conversion"] = conversion;
        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1", ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = "widgets.example.com" }, ["spec"] = spec,
        };
    }

    public static async Task CreateCrdAsync(TestSandbox sb, JsonObject crd)
    {
        var (code, body, _) = await sb.PostAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd.ToJsonString());
        code.ShouldBe(201, body?.ToJsonString());
    }
}
