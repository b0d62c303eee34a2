using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Schema;
using Orkestra.Katalog.Children;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Conditions;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Templating;
using Orkestra.Templating.Values;

namespace Orkestra.Katalog.Rendering;

/// <summary>What to render: one CR of an operator, the children observed for it, and which hooks.</summary>
public sealed record RenderRequest(CompiledOperator Operator, JsonElement Cr, IReadOnlyList<JsonElement> ObservedChildren)
{
    public IReadOnlySet<HookKind> Hooks { get; init; } = new HashSet<HookKind> { HookKind.OnCreate, HookKind.OnReconcile };
    public TemplateValue? Cross { get; init; }
    public TemplateValue? External { get; init; }
    public TimeProvider Time { get; init; } = TimeProvider.System;
    public Random Random { get; init; } = Random.Shared;

    /// <summary>The other instances of the CR's kind, for <c>unique</c> conditions (null: <c>unique</c> passes).</summary>
    public PeerInstances? Peers { get; init; }

    /// <summary>The CRD's structural schema (from its crdFile): status fields are written as the types it declares.</summary>
    public StructuralSchema? Schema { get; init; }
}

/// <summary>A child the reconciler would apply, with how it is to be applied.</summary>
public sealed record DesiredChild(CompiledChild Entry, JsonObject Manifest)
{
    /// <summary>Corrected every cycle (onReconcile, or onCreate with reconcile: true; never Jobs).</summary>
    public bool DriftCorrected => Entry.Kind.YamlKey != "jobs" && (Entry.Hook == HookKind.OnReconcile || Entry.Source.Reconcile);

    /// <summary>
    /// Created only when absent: secrets with <c>once: true</c> (outside onReconcile and without reconcile), and
    /// generated TLS secrets — a fresh certificate on every render must not replace the one in use.
    /// </summary>
    public bool Once => (Entry.Source.Once && !DriftCorrected) || IsGeneratedCertificate;

    private bool IsGeneratedCertificate => Entry.Kind.YamlKey == "secrets" && (string?)Manifest["type"] == "kubernetes.io/tls"
                                           && Entry.Source.Body.Find("tls") is not null;

    public string Name => (string)Manifest["metadata"]!["name"]!;
}

/// <summary>
/// An entry whose conditions were false for this CR; <see cref="Reason"/> names the failing condition. For a
/// drift-corrected entry, <see cref="Manifest"/> is what it would have been (so the reconciler can delete a child
/// whose conditions turned false); null otherwise or when it cannot be rendered.
/// </summary>
public sealed record SkippedChild(CompiledChild? Entry, string Describe, string Reason)
{
    public JsonObject? Manifest { get; init; }
}

/// <summary>The status the reconciler would write: the Ready condition, observedGeneration and status.fields.</summary>
public sealed record StatusPreview(JsonObject Status, IReadOnlyList<Diagnostic> Errors);

public sealed record RenderResult(
    IReadOnlyList<DesiredChild> Children,
    IReadOnlyList<SkippedChild> Skipped,
    IReadOnlyList<Diagnostic> Errors,
    StatusPreview Status,
    RenderScope Scope)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Renders one CR of a compiled operator into the child manifests the reconciler applies and the status it
/// writes. The one implementation behind both <c>ork render</c> and the runtime's reconcile. Pure given its
/// request (time and randomness are injected); safe to call concurrently for different CRs.
/// </summary>
public static class OperatorRenderer
{
    private static readonly HookKind[] Order = [HookKind.OnCreate, HookKind.OnReconcile, HookKind.OnDelete];

    public static RenderResult Render(RenderRequest request)
    {
        var op = request.Operator;
        var owner = Owner(request.Cr, op);
        var children = ChildrenView.Build(op.ObservedKinds.Select(k => (k, (string?)null)).ToArray(), request.ObservedChildren);
        var data = TemplateData.ForObject(request.Cr, children, request.Cross, request.External);
        var scope = Scope(data, request);
        var context = new ChildBuildContext(owner, request.Time);

        var desired = new List<DesiredChild>();
        var skipped = new List<SkippedChild>();
        var errors = new List<Diagnostic>();

        if (!Passes(op.Gate, scope, "operatorBox", skipped, errors, null))
            return new RenderResult(desired, skipped, errors, Status(op, request, scope, errors), scope);

        foreach (var kind in Order)
        {
            if (!request.Hooks.Contains(kind)) continue;
            var hook = kind switch { HookKind.OnCreate => op.OnCreate, HookKind.OnReconcile => op.OnReconcile, _ => op.OnDelete };
            if (hook is null) continue;
            if (!Passes(hook.Gate, scope, Hooks.Name(kind), skipped, errors, null)) continue;
            foreach (var child in hook.Children) RenderChild(child, data, request, context, desired, skipped, errors);
        }
        RemoveCollisions(desired, errors);
        return new RenderResult(desired, skipped, errors, Status(op, request, scope, errors), scope);
    }

    /// <summary>
    /// Two entries that render the same object (kind, namespace and name) would overwrite each other on every
    /// reconcile, each write undoing the other's: neither is applied, and the error names both entries (Ready=False,
    /// a Warning event; the reconciler applies nothing for them).
    /// </summary>
    private static void RemoveCollisions(List<DesiredChild> desired, List<Diagnostic> errors)
    {
        var groups = desired.GroupBy(ObjectIdentity, StringComparer.Ordinal).Where(g => g.Count() > 1).ToArray();
        if (groups.Length == 0) return;
        foreach (var group in groups)
        {
            var first = group.First();
            var entries = string.Join(" and ", group.Select(c => c.Entry.Describe()).Distinct(StringComparer.Ordinal));
            errors.Add(Diagnostic.Error(first.Entry.Source.Location,
                $"{entries} render the same {first.Manifest["kind"]} \"{first.Name}\": give each a name of its own " +
                "(neither is applied while they collide)"));
        }
        var colliding = groups.SelectMany(g => g).ToHashSet();
        desired.RemoveAll(colliding.Contains);
    }

    private static string ObjectIdentity(DesiredChild child)
    {
        var metadata = child.Manifest["metadata"]!;
        var apiVersion = (string?)child.Manifest["apiVersion"] ?? "";
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var group = slash >= 0 ? apiVersion[..slash] : "";
        return $"{group}/{child.Manifest["kind"]}/{(string?)metadata["namespace"]}/{child.Name}";
    }

    private static void RenderChild(CompiledChild child, TemplateValue data, RenderRequest request, ChildBuildContext context,
        List<DesiredChild> desired, List<SkippedChild> skipped, List<Diagnostic> errors)
    {
        foreach (var (iterationData, label) in Iterations(child, data, request, errors))
        {
            var scope = Scope(iterationData, request);
            var describe = child.Describe() + label;
            if (!Passes(child.Gate, scope, describe, skipped, errors, child))
            {
                if (skipped.Count > 0 && skipped[^1].Entry == child && IsDriftCorrected(child))
                    skipped[^1] = skipped[^1] with { Manifest = TryBuild(child, scope, context) };
                continue;
            }
            try
            {
                if (child.Body.Render(scope) is not JsonObject entry)
                {
                    errors.Add(Diagnostic.Error(child.Source.Location, $"{describe}: the entry did not render to a map"));
                    continue;
                }
                desired.Add(new DesiredChild(child, child.Kind.Build(entry, context)));
            }
            catch (KatalogRenderException e)
            {
                errors.Add(e.ToDiagnostic());
            }
            catch (ChildBuildException e)
            {
                errors.Add(Diagnostic.Error(FieldLocation(child, e.FieldPath), $"{describe}: {e.Message}"));
            }
        }
    }

    private static bool IsDriftCorrected(CompiledChild child) =>
        child.Kind.YamlKey != "jobs" && (child.Hook == HookKind.OnReconcile || child.Source.Reconcile);

    /// <summary>Renders and builds an entry ignoring its gate; null when that fails (nothing to clean up then).</summary>
    private static JsonObject? TryBuild(CompiledChild child, RenderScope scope, ChildBuildContext context)
    {
        try
        {
            return child.Body.Render(scope) is JsonObject entry ? child.Kind.Build(entry, context) : null;
        }
        catch (Exception e) when (e is KatalogRenderException or ChildBuildException)
        {
            return null;
        }
    }

    /// <summary>One iteration without forEach; with forEach one per element (.item/.&lt;as&gt;, and .value for maps).</summary>
    private static IEnumerable<(TemplateValue Data, string Label)> Iterations(CompiledChild child, TemplateValue data,
        RenderRequest request, List<Diagnostic> errors)
    {
        if (child.ForEach is not { } forEach)
        {
            yield return (data, "");
            yield break;
        }
        TemplateValue collection;
        try
        {
            collection = forEach.Template is { } template
                ? template.Evaluate(Scope(data, request))
                : forEach.Path!.Aggregate(data, (v, segment) => v.TryGetMember(segment, out var next) ? next : TemplateValue.Nil);
        }
        catch (KatalogRenderException e)
        {
            errors.Add(e.ToDiagnostic());
            yield break;
        }
        if (collection.Kind == GoKind.String && collection.ToString().TrimStart().StartsWith('['))
        {
            using var doc = JsonDocument.Parse(collection.ToString());
            collection = TemplateValue.FromJson(doc.RootElement.Clone());
        }
        switch (collection.Kind)
        {
            case GoKind.List:
                var i = 0;
                foreach (var item in collection.EnumerateList())
                {
                    yield return (TemplateData.WithLoopVariables(data, new Dictionary<string, TemplateValue> { ["item"] = item,
                        [forEach.As] = item }), $"[item {i}]");
                    i++;
                }
                break;
            case GoKind.Map:
                foreach (var (key, value) in collection.EnumerateMap())
                {
                    var k = TemplateValue.String(key);
                    yield return (TemplateData.WithLoopVariables(data, new Dictionary<string, TemplateValue> { ["item"] = k,
                        ["value"] = value, [forEach.As] = k }), $"[{key}]");
                }
                break;
            case GoKind.Nil:
                break;
            default:
                errors.Add(Diagnostic.Error(child.Source.Location,
                    $"{child.Describe()}: forEach field is {collection.TypeName}, not a list or map"));
                break;
        }
    }

    private static bool Passes(CompiledGate gate, RenderScope scope, string describe, List<SkippedChild> skipped, List<Diagnostic> errors,
        CompiledChild? child)
    {
        if (gate.IsEmpty) return true;
        try
        {
            if (gate.FirstFailure(scope) is { } failed)
            {
                skipped.Add(new SkippedChild(child, describe, $"when: {failed} is false"));
                return false;
            }
            if (!gate.OrPasses(scope))
            {
                skipped.Add(new SkippedChild(child, describe,
                    $"or: none of {string.Join(", ", gate.Or.Select(c => c.ToString()))} is true"));
                return false;
            }
            return true;
        }
        catch (KatalogRenderException e)
        {
            errors.Add(e.ToDiagnostic());
            return false;
        }
    }

    private static StatusPreview Status(CompiledOperator op, RenderRequest request, RenderScope scope, List<Diagnostic> errors)
    {
        var statusErrors = new List<Diagnostic>();
        var status = new JsonObject();
        var succeeded = errors.Count == 0;
        var generation = request.Cr.TryGetProperty("metadata", out var md) && md.TryGetProperty("generation",
            out var g) && g.TryGetInt64(out var gen) ? gen : 0;
        if (op.Status.Conditions)
        {
            if (generation > 0) status["observedGeneration"] = generation;
            status["conditions"] = new JsonArray();   // filled below, once the fields are known
        }
        foreach (var field in op.Status.Fields)
        {
            // Unconditional fields are written only after a successful reconcile; conditional ones always.
            if (field.Gate.IsEmpty && !succeeded) continue;
            try
            {
                if (!field.Gate.Evaluate(scope))
                {
                    if (field.ClearOnFalse) StatusValues.TrySet(status, field.PathText, "", out _);
                    continue;
                }
                var value = field.Value.Render(scope);
                if (!StatusFieldTypes.TryNormalize(field.Type, out var type) || !StatusValues.TryCoerce(value, type, out var typed,
                    out var error))
                {
                    statusErrors.Add(Diagnostic.Error(field.Source.Location,
                        $"status.fields {field.PathText}: "
                        + $"{(type.Length == 0 ? $"unknown type \"{field.Type}\"" : null)}{ErrorOf(value, type)}"));
                    continue;
                }
                if (SchemaType(request.Schema, field.PathText) is { } declared && !StatusValues.TryCoerce(typed, declared, out typed,
                        out var schemaError))
                {
                    statusErrors.Add(Diagnostic.Error(field.Source.Location,
                        $"status.fields {field.PathText}: {schemaError} (the CRD's schema declares status.{field.PathText} "
                        + $"{SchemaTypeName(declared)})"));
                    continue;
                }
                if (!StatusValues.TrySet(status, field.PathText, typed, out var pathError))
                    statusErrors.Add(Diagnostic.Error(field.Source.Location, pathError!));
            }
            catch (KatalogRenderException e)
            {
                statusErrors.Add(e.ToDiagnostic());
            }
        }
        if (status["conditions"] is JsonArray conditions)
        {
            // A status field that cannot be written as its declared type is a failed reconcile too (reason
            // StatusFieldInvalid, the message naming the field), so Ready never claims a status that was not written.
            var failed = succeeded ? statusErrors : errors;
            conditions.Add((JsonNode)new JsonObject
            {
                ["type"] = "Ready",
                ["status"] = failed.Count == 0 ? "True" : "False",
                ["reason"] = failed.Count == 0 ? "ReconcileSucceeded" : succeeded ? "StatusFieldInvalid" : "ReconcileError",
                ["message"] = string.Join("; ", failed.Select(e => e.Message)),
            });
        }
        return new StatusPreview(status, statusErrors);
    }

    /// <summary>The status field type (int, float, bool, string) the schema declares at <c>status.&lt;path&gt;</c>, or null.</summary>
    private static string? SchemaType(StructuralSchema? schema, string path) =>
        schema?.TypeAt(["status", .. path.Split('.')]) switch
        {
            "integer" => "int",
            "number" => "float",
            "boolean" => "bool",
            "string" => "string",
            _ => null,
        };

    private static string SchemaTypeName(string type) => type switch
    {
        "int" => "an integer", "float" => "a number", "bool" => "a boolean", _ => "a string",
    };

    private static string? ErrorOf(JsonNode? value, string type) =>
        type.Length == 0 ? null : StatusValues.TryCoerce(value, type, out _, out var error) ? null : error;

    private static RenderScope Scope(TemplateValue data, RenderRequest request) =>
        new(data, request.Time, request.Random) { Extension = request.Peers };

    /// <summary>The Katalog location of a child entry field (the key inside the entry when it is there).</summary>
    private static SourceLocation FieldLocation(CompiledChild child, string fieldPath)
    {
        var top = fieldPath.Split('.', '[')[0];
        return child.Source.Body.Find(top)?.Key.Location ?? child.Source.Location;
    }

    private static ChildOwner Owner(JsonElement cr, CompiledOperator op)
    {
        string? Str(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name,
            out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var metadata = cr.TryGetProperty("metadata", out var m) ? m : default;
        return new ChildOwner(
            Str(cr, "apiVersion") ?? op.ApiTypes.ApiVersion,
            Str(cr, "kind") ?? op.ApiTypes.Kind,
            Str(metadata, "name") ?? "",
            op.Settings.Namespaced ? Str(metadata, "namespace") ?? "default" : null,
            Str(metadata, "uid") ?? "");
    }
}
