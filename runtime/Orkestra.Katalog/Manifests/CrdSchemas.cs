using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Schema;
using Orkestra.Katalog.Diagnostics;

namespace Orkestra.Katalog.Manifests;

/// <summary>A compiled schema, or why there is none (both null: the version declares no schema).</summary>
public sealed record SchemaOrError(StructuralSchema? Schema, string? Error);

/// <summary>
/// The structural schema a <c>crdFile</c> declares for one served version, compiled as the API server compiles it. Used
/// by <c>ork render</c> (the CR as the server would store it) and by the runtime (status fields typed as the schema
/// declares them). Stateless and thread-safe.
/// </summary>
public static class CrdSchemas
{
    public static SchemaOrError Read(string crdFile, string version)
    {
        var bag = new DiagnosticBag();
        var documents = ManifestYaml.Load(crdFile, bag);
        if (bag.HasErrors) return new SchemaOrError(null, string.Join("\n", bag.Items.Select(d => d.ToString())));
        foreach (var doc in documents)
        {
            if (doc.Content is not JsonObject crd || (string?)crd["kind"] != "CustomResourceDefinition") continue;
            var versions = (crd["spec"]?["versions"] as JsonArray)?.OfType<JsonObject>().ToArray() ?? [];
            var served = versions.FirstOrDefault(v => v["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String
                                                          && n.GetValue<string>() == version);
            if (served is null)
                return new SchemaOrError(null, $"{doc.Location}: error: the CRD serves no version \"{version}\" (versions: "
                                               + $"{string.Join(", ", versions.Select(v => (string?)v["name"]))})");
            if (served["schema"]?["openAPIV3Schema"] is not JsonObject openApi) return new SchemaOrError(null, null);
            return new SchemaOrError(StructuralSchema.Compile(openApi), null);
        }
        return new SchemaOrError(null, $"{crdFile}: error: holds no CustomResourceDefinition");
    }
}
