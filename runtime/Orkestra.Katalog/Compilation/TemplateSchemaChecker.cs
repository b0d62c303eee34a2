using Orkestra.ApiMachinery.Schema;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Manifests;
using Orkestra.Templating;

namespace Orkestra.Katalog.Compilation;

/// <summary>
/// Load-time check of what templates read from the CR against the CRD's structural schema (its <c>crdFile</c>, the
/// served version the operator watches): <c>{{ .spec.imagee }}</c> is an error at the chain's file:line:col with
/// "did you mean", because the API server prunes any field the schema does not describe, so the template would
/// always see nothing; a field of a string, number or list is an error, because rendering would fail on every CR.
/// Only chains rooted at the CR (<c>.spec</c>, <c>.status</c>, <c>.metadata</c>, <c>.apiVersion</c>, <c>.kind</c>, also
/// through <c>with</c>, <c>range</c> and variables) are checked; <c>x-kubernetes-preserve-unknown-fields</c>,
/// <c>additionalProperties</c> and embedded resources make the rest of a path untyped. Templates rendered on another
/// object (conversion paths, rendered per source version) are left out by the caller. Stateless.
/// </summary>
internal static class TemplateSchemaChecker
{
    private static readonly HashSet<string> CrRoots = new(StringComparer.Ordinal) { "spec", "status", "metadata", "apiVersion", "kind" };

    public static void Check(IEnumerable<CompiledScalar> templates, StructuralSchema schema, string schemaSource, DiagnosticBag diagnostics)
    {
        foreach (var (scalar, template, what) in templates)
        {
            var reported = new HashSet<string>(StringComparer.Ordinal);
            foreach (var read in FieldReads.Of(template))
            {
                if (read.Path.Count == 0 || !CrRoots.Contains(read.Path[0])) continue;
                var problem = Problem(schema.Resolve(read.Path), read.Path, schemaSource);
                if (problem is null || !reported.Add(problem)) continue;
                diagnostics.Error(scalar.LocationOf(read.Offset), $"{what}: {problem} in template {TemplateText.Quote(scalar.Value)}");
            }
        }
    }

    private static string? Problem(SchemaPath resolved, IReadOnlyList<string> path, string schemaSource) => resolved.Kind switch
    {
        SchemaPathKind.NotDescribed when path[0] == "metadata" =>
            $".{Join(path, 2)} is not a field of an object's metadata{Hint(path[1], resolved.Known, path, 1)}",
        SchemaPathKind.NotDescribed =>
            $".{Join(path, resolved.Index + 1)} is not in the CRD's schema ({schemaSource}), so the API server prunes it and the "
            + $"template always reads nothing{Hint(path[resolved.Index], resolved.Known, path, resolved.Index)}",
        SchemaPathKind.NoFields =>
            $".{Join(path, resolved.Index + 1)} reads a field of .{Join(path, resolved.Index)}, which the CRD's schema ({schemaSource}) "
            + $"declares as {Article(resolved.Type!)}: rendering would fail on every CR",
        _ => null,
    };

    private static string Hint(string field, IReadOnlyList<string> known, IReadOnlyList<string> path, int index)
    {
        if (Suggestions.Closest(field, known) is { } close) return $"; did you mean .{Join(path, index)}{(index > 0 ? "." : "")}{close}?";
        return known.Count is > 0 and <= 12 ? $" (.{Join(path, index)} has: {string.Join(", ", known)})" : "";
    }

    private static string Join(IReadOnlyList<string> path, int count) =>
        string.Join('.', path.Take(count)).Replace(".[]", "[]", StringComparison.Ordinal);

    private static string Article(string type) => type switch
    {
        "integer" or "int-or-string" or "array" => $"an {type}",
        _ => $"a {type}",
    };
}
