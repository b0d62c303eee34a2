using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Schema;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Manifests;

namespace Orkestra.Host.Commands;

/// <summary>
/// What the API server would store for a custom resource given to <c>ork render</c>: the CR pruned of fields its
/// CRD's schema does not describe, filled with the schema's defaults, then validated — the same
/// <see cref="StructuralSchema"/> steps, in the same order, as the sandbox API server's write path. So render
/// prints what the live operator writes (a defaulted <c>spec.port</c> included). An operator without a
/// <c>crdFile</c> has no schema here: its CRs are rendered as given.
/// </summary>
internal static class StoredCustomResource
{
    /// <summary>The outcome for one CR: dropped paths (kubectl's "unknown field" warnings) and validation errors.</summary>
    public sealed record Outcome(IReadOnlyList<string> Unknown, IReadOnlyList<string> Errors);

    /// <summary>Prunes, defaults and validates <paramref name="cr"/> in place against <paramref name="op"/>'s CRD.</summary>
    public static Outcome Apply(CompiledOperator op, JsonObject cr, Dictionary<string, SchemaOrError> schemas)
    {
        if (op.Settings.CrdFile is not { } crdFile) return new Outcome([], []);
        var version = ((string?)cr["apiVersion"] ?? "").Split('/')[^1];
        var key = $"{crdFile}\n{version}";
        if (!schemas.TryGetValue(key, out var found)) schemas[key] = found = Read(crdFile, version);
        if (found.Error is not null) return new Outcome([], [found.Error]);
        if (found.Schema is not { } schema) return new Outcome([], []);
        var unknown = schema.Prune(cr);
        schema.Default(cr);
        var errors = schema.Validate(cr).Select(e => e.Message).ToArray();
        return new Outcome(unknown, errors);
    }

    /// <summary>A compiled schema, or why there is none.</summary>
    internal sealed record SchemaOrError(StructuralSchema? Schema, string? Error);

    private static SchemaOrError Read(string crdFile, string version)
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
