using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Manifests;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Rendering;

namespace Orkestra.Host.Commands;

/// <summary>
/// <c>ork render -k KATALOG --cr CR.yaml …</c>: print, as multi-document YAML, every child manifest the
/// reconciler would apply for each CR, then a <c>StatusPreview</c> document with the status it would write.
/// Gated-off entries are listed on stderr with the condition that failed. Same code path as the runtime
/// (<see cref="OperatorRenderer"/>), on the CR as the API server would store it (<see cref="StoredCustomResource"/>).
/// </summary>
internal static class RenderCommand
{
    public const string Summary = "print the child manifests and status an operator would write for a CR";

    private const string Help = """
        Usage: ork render -k KATALOG --cr CR.yaml [--crd NAME] [--child FILE.yaml …] [--hook onCreate|onReconcile|onDelete|all] [--seed N]

        Renders, offline, what the operator would apply for every CR in CR.yaml (multi-document allowed), after
        pruning, defaulting and validating the CR against its CRD's schema (crdFile) as the API server would:
        the child manifests, then one "kind: StatusPreview" document per CR. Children observed in the cluster
        can be given with --child (they feed .children in templates and status). Entries whose conditions are
        false are listed on stderr. Exit 0 when everything rendered, 1 on any error.

        Options:
          -k, -f, --katalog FILE   the Katalog (repeatable)
          --cr FILE                custom resource(s) to render
          --crd NAME               the CRD entry to use (default: the one whose kind matches each CR)
          --child FILE             observed child objects (repeatable, multi-document)
          --hook HOOK              onCreate, onReconcile, onDelete, or all (default: onCreate and onReconcile)
          --seed N                 seed for random functions (reproducible output)
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["-h" or "--help"]) { stdout.WriteLine(Help); return 0; }
        var line = CommandLine.Parse(args, [["--katalog", "-k", "-f", "--file"], ["--cr"], ["--crd"], ["--child"], ["--hook"], ["--seed"]],
            []);
        if (line.Error is not null || line.Positional.Count > 0 || line.One("--cr") is null)
        {
            stderr.WriteLine($"ork render: {line.Error
                ?? (line.Positional.Count > 0 ? $"unexpected argument {line.Positional[0]}" : "--cr is required")}");
            stderr.WriteLine(Help);
            return 2;
        }
        if (!TryHooks(line.One("--hook"), out var hooks))
        {
            stderr.WriteLine($"ork render: --hook must be onCreate, onReconcile, onDelete or all, not \"{line.One("--hook")}\"");
            return 2;
        }
        var random = Random.Shared;
        if (line.One("--seed") is { } seedText)
        {
            if (!int.TryParse(seedText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed))
            {
                stderr.WriteLine($"ork render: --seed must be an integer, not \"{seedText}\"");
                return 2;
            }
            random = new Random(seed);
        }

        var files = line.All("--katalog").Count > 0 ? line.All("--katalog") : ["katalog.yaml"];
        var compiled = KomposerLoad.Compile(files, Environment.GetEnvironmentVariable);
        if (compiled.HasErrors)
        {
            foreach (var d in compiled.Diagnostics) stderr.WriteLine(d.ToString());
            return 1;
        }
        var operators = compiled.Katalogs.SelectMany(k => k.Operators).ToArray();

        var inputs = new DiagnosticBag();
        var crs = ManifestYaml.Load(line.One("--cr")!, inputs);
        var observed = line.All("--child").SelectMany(f => ManifestYaml.Load(f, inputs)).ToArray();
        if (inputs.HasErrors)
        {
            foreach (var d in inputs.Items) stderr.WriteLine(d.ToString());
            return 1;
        }
        var observedElements = observed.Where(d => d.Content is JsonObject).Select(d => ToElement(d.Content!)).ToArray();

        var schemas = new Dictionary<string, SchemaOrError>(StringComparer.Ordinal);
        var output = new List<JsonNode?>();
        var failed = false;
        var rendered = 0;
        foreach (var doc in crs)
        {
            if (doc.Content is not JsonObject cr)
            {
                stderr.WriteLine($"{doc.Location}: error: a custom resource must be a map");
                failed = true;
                continue;
            }
            var op = Select(operators, cr, line.One("--crd"), out var why);
            if (op is null)
            {
                // other CRDs' CRs in a shared file
                if (line.One("--crd") is null && crs.Count > 1 && why.StartsWith("no CRD", StringComparison.Ordinal)) continue;
                stderr.WriteLine($"{doc.Location}: error: {why}");
                failed = true;
                continue;
            }
            var crName = (string?)cr["metadata"]?["name"] ?? "";
            var stored = StoredCustomResource.Apply(op, cr, schemas);
            foreach (var path in stored.Unknown) stderr.WriteLine($"{doc.Location}: warning: {crName}: unknown field \"{path}\" (dropped)");
            if (stored.Errors.Count > 0)
            {
                foreach (var error in stored.Errors) stderr.WriteLine($"{doc.Location}: error: {crName}: {error}");
                failed = true;
                continue;
            }
            rendered++;
            var result = OperatorRenderer.Render(new RenderRequest(op, ToElement(cr), observedElements) { Hooks = hooks, Random = random,
                Schema = stored.Schema });
            foreach (var skipped in result.Skipped) stderr.WriteLine($"{crName}: skipped {skipped.Describe}: {skipped.Reason}");
            foreach (var error in result.Errors.Concat(result.Status.Errors)) stderr.WriteLine(error.ToString());
            failed |= !result.Succeeded || result.Status.Errors.Count > 0;
            foreach (var child in result.Children) output.Add(child.Manifest);
            var metadata = new JsonObject { ["name"] = crName };
            if (cr["metadata"]?["namespace"] is { } ns) metadata["namespace"] = ns.DeepClone();
            output.Add(new JsonObject
            {
                ["apiVersion"] = "orkestra.orkspace.io/v1",
                ["kind"] = "StatusPreview",
                ["metadata"] = metadata,
                ["target"] = new JsonObject { ["apiVersion"] = (string?)cr["apiVersion"], ["kind"] = (string?)cr["kind"],
                    ["crd"] = op.Name },
                ["status"] = result.Status.Status,
            });
        }
        if (rendered == 0 && !failed)
        {
            stderr.WriteLine($"ork render: no custom resource in {line.One("--cr")} matches a CRD of the Katalog");
            return 1;
        }
        ManifestYamlWriter.Write(stdout, output);
        return failed ? 1 : 0;
    }

    private static bool TryHooks(string? text, out IReadOnlySet<HookKind> hooks)
    {
        hooks = text switch
        {
            null => new HashSet<HookKind> { HookKind.OnCreate, HookKind.OnReconcile },
            "onCreate" => new HashSet<HookKind> { HookKind.OnCreate },
            "onReconcile" => new HashSet<HookKind> { HookKind.OnReconcile },
            "onDelete" => new HashSet<HookKind> { HookKind.OnDelete },
            "all" => new HashSet<HookKind> { HookKind.OnCreate, HookKind.OnReconcile, HookKind.OnDelete },
            _ => null!,
        };
        return hooks is not null;
    }

    private static CompiledOperator? Select(CompiledOperator[] operators, JsonObject cr, string? crd, out string why)
    {
        var apiVersion = (string?)cr["apiVersion"] ?? "";
        var kind = (string?)cr["kind"] ?? "";
        if (crd is not null)
        {
            var named = operators.FirstOrDefault(o => o.Name == crd);
            why = named is null ? $"no CRD named \"{crd}\" in the Katalog (have: {string.Join(", ", operators.Select(o => o.Name))})" : "";
            return named;
        }
        var match = operators.FirstOrDefault(o => o.ApiTypes.Kind == kind && o.ApiTypes.ApiVersion == apiVersion)
                    ?? operators.FirstOrDefault(o => o.ApiTypes.Kind == kind);
        why = match is null ? $"no CRD in the Katalog has kind {kind} ({apiVersion}); use --crd to choose one" : "";
        return match;
    }

    private static JsonElement ToElement(JsonNode node)
    {
        using var doc = JsonDocument.Parse(node.ToJsonString());
        return doc.RootElement.Clone();
    }
}
