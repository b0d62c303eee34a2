using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Schema;
using Orkestra.Katalog.Compilation;
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
    public sealed record Outcome(IReadOnlyList<string> Unknown, IReadOnlyList<string> Errors)
    {
        /// <summary>The schema applied (it also types the status preview), or null.</summary>
        public StructuralSchema? Schema { get; init; }
    }

    /// <summary>Prunes, defaults and validates <paramref name="cr"/> in place against <paramref name="op"/>'s CRD.</summary>
    public static Outcome Apply(CompiledOperator op, JsonObject cr, Dictionary<string, SchemaOrError> schemas)
    {
        if (op.Settings.CrdFile is not { } crdFile) return new Outcome([], []);
        var version = ((string?)cr["apiVersion"] ?? "").Split('/')[^1];
        var key = $"{crdFile}\n{version}";
        if (!schemas.TryGetValue(key, out var found)) schemas[key] = found = CrdSchemas.Read(crdFile, version);
        if (found.Error is not null) return new Outcome([], [found.Error]);
        if (found.Schema is not { } schema) return new Outcome([], []);
        var unknown = schema.Prune(cr);
        schema.Default(cr);
        var errors = schema.Validate(cr).Select(e => e.Message).ToArray();
        return new Outcome(unknown, errors) { Schema = schema };
    }
}
