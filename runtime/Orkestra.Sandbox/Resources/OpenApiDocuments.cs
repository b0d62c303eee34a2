using System.Globalization;
using System.Text.Json.Nodes;
using Orkestra.Sandbox.Api;

namespace Orkestra.Sandbox.Resources;

/// <summary>
/// <c>/openapi/v3</c>: an index of group-versions and one document per group-version whose item PATCH operations
/// carry <c>x-kubernetes-group-version-kind</c> and a <c>fieldValidation</c> query parameter — what
/// kubectl's default strict validation looks for. Strategic merge is deliberately not advertised, so kubectl builds
/// strategic patches from its compiled-in types (built-ins) and merge patches for custom resources.
/// </summary>
internal static class OpenApiDocuments
{
    private static string Key(string group, string version) => group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";

    private static string Hash(RegistrySnapshot snapshot, string group, string version)
    {
        // Changes whenever the registry changes; stable otherwise (kubectl caches by URL).
        var text = $"{snapshot.Generation}:{group}/{version}";
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));
        return Convert.ToHexString(hash, 0, 32).ToUpperInvariant();
    }

    public static JsonObject Index(RegistrySnapshot snapshot)
    {
        var paths = new JsonObject();
        foreach (var gv in snapshot.Types.Select(t => (t.Group, t.Version)).Distinct())
        {
            var key = Key(gv.Group, gv.Version);
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={Hash(snapshot, gv.Group, gv.Version)}" };
        }
        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The document for <c>api/v1</c> or <c>apis/G/V</c> (the path after /openapi/v3/); null when not served.</summary>
    public static JsonObject? Document(RegistrySnapshot snapshot, string key)
    {
        var parts = key.Split('/', StringSplitOptions.RemoveEmptyEntries);
        (string Group, string Version)? gv = parts switch
        {
            ["api", var v] => ("", v),
            ["apis", var g, var v] => (g, v),
            _ => null,
        };
        if (gv is null || !snapshot.HasGroupVersion(gv.Value.Group, gv.Value.Version)) return null;
        var paths = new JsonObject();
        foreach (var t in snapshot.InGroupVersion(gv.Value.Group, gv.Value.Version))
        {
            var prefix = t.Group.Length == 0 ? $"/api/{t.Version}" : $"/apis/{t.Group}/{t.Version}";
            var collection = t.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{t.Resource}" : $"{prefix}/{t.Resource}";
            paths[collection] = new JsonObject
            {
                ["post"] = Operation(t, "create", includeForce: false, patchBody: false),
            };
            paths[$"{collection}/{{name}}"] = new JsonObject
            {
                ["put"] = Operation(t, "replace", includeForce: false, patchBody: false),
                ["patch"] = Operation(t, "patch", includeForce: true, patchBody: true),
            };
            if (t.HasStatus)
            {
                paths[$"{collection}/{{name}}/status"] = new JsonObject
                {
                    ["put"] = Operation(t, "replaceStatus", includeForce: false, patchBody: false),
                    ["patch"] = Operation(t, "patchStatus", includeForce: true, patchBody: true),
                };
            }
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        };
    }

    private static JsonObject Operation(ResourceType t, string verb, bool includeForce, bool patchBody)
    {
        var parameters = new JsonArray(Query("dryRun", "string"), Query("fieldManager", "string"), Query("fieldValidation", "string"));
        if (includeForce) parameters.Push(Query("force", "boolean"));
        var content = new JsonObject();
        if (patchBody)
        {
            content["application/json-patch+json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } };
            content["application/merge-patch+json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } };
            content["application/apply-patch+yaml"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } };
        }
        else
        {
            content["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } };
        }
        return new JsonObject
        {
            ["operationId"] = verb + t.Kind,
            ["x-kubernetes-action"] = verb.StartsWith("patch", StringComparison.Ordinal) ? "patch" : verb == "create" ? "post" : "put",
            ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = t.Group, ["version"] = t.Version, ["kind"] = t.Kind },
            ["parameters"] = parameters,
            ["requestBody"] = new JsonObject { ["content"] = content, ["required"] = true },
            ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
        };
    }

    private static JsonObject Query(string name, string type) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["schema"] = new JsonObject { ["type"] = type, ["uniqueItems"] = true },
    };

    internal static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
