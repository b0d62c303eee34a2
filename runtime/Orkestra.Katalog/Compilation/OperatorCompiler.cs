using Orkestra.Katalog.Manifests;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Compilation;

/// <summary>Compiles one CRD entry into a <see cref="CompiledOperator"/>. Per operator; not thread-safe.</summary>
internal sealed class OperatorCompiler(KatalogDocument katalog, CrdEntry crd, TemplateSet templates)
{
    private readonly string _path = $"spec.crds.{crd.Name}";

    public CompiledOperator Compile()
    {
        var mark = templates.Mark;
        var compiled = CompileOperator();
        CheckReadsAgainstSchema(mark);
        return compiled;
    }

    /// <summary>What the templates read from the CR, against the crdFile's schema (<see cref="TemplateSchemaChecker"/>);
    /// conversion paths render on the object of their source version, so they are left out.</summary>
    private void CheckReadsAgainstSchema(int mark)
    {
        if (crd.CrdFile is null || crd.ApiTypes.Version.Length == 0) return;
        var schema = CrdSchemas.Read(crd.CrdFile, crd.ApiTypes.Version).Schema;
        if (schema is null) return; // no schema, or the crdFile's own error is reported where it is read
        var conversion = $"{_path}.conversion.";
        var source = $"{Path.GetFileName(crd.CrdFile)}, {crd.ApiTypes.Version}";
        TemplateSchemaChecker.Check(templates.Since(mark).Where(t => !t.What.StartsWith(conversion, StringComparison.Ordinal)), schema,
            source, templates.Diagnostics);
    }

    private CompiledOperator CompileOperator()
    {
        var box = crd.OperatorBox;
        var boxPath = $"{_path}.operatorBox";
        CheckStaticCollisions(box);
        return new CompiledOperator(
            crd.Name,
            crd.ApiTypes,
            box.Reconciler,
            OperatorSettings.From(crd),
            box.Finalizers ?? katalog.Finalizers,
            Labels(crd.Labels, $"{_path}.labels"),
            Gate(box.Gate),
            Hook(box.OnCreate, boxPath),
            Hook(box.OnReconcile, boxPath),
            Hook(box.OnDelete, boxPath),
            new CompiledStatus(box.Status.Conditions, box.Status.Fields.Select((f, i) => StatusField(f,
                $"{boxPath}.status.fields[{i}]")).ToArray()),
            box.Cross.Select((c, i) => Cross(c, $"{boxPath}.cross[{i}]")).ToArray(),
            box.Reconciler.Requeue is { } rq ? new CompiledRequeue(templates.OptionalText(rq.After, $"{boxPath}.reconciler.requeue.after"),
                Gate(rq.Gate)) : null,
            box.Autoscale is { } a ? new CompiledAutoscale(a, Gate(a.Conditions)) : null,
            crd.Validation is { } v ? Validation(v) : null,
            crd.Mutation is { } m ? Mutation(m) : null,
            crd.Normalize is { } n ? new CompiledNormalize(n.Fields.Select(f => new CompiledNormalizeField(f.Path.Split('.'),
                templates.Text(f.Template, $"{_path}.normalize.spec.{f.Path}"), f.Type, f)).ToArray(), n.Audit) : null,
            crd.Conversion is { } c ? new CompiledConversion(c.StorageVersion, c.UpdateCrd, c.Participant,
                c.Paths.Select((p, i) => new CompiledConversionPath(p.From, p.To, templates.Node(p.Spec,
                    $"{_path}.conversion.paths[{i}].spec"), p) { ApiVersion = $"{crd.ApiTypes.Group}/{p.To}" }).ToArray()) : null);
    }

    /// <summary>
    /// Two entries of one kind in <c>onCreate</c>/<c>onReconcile</c> that always render the same name — both ungated,
    /// without forEach, with the same literal name (or none: the owner's name) and the same literal namespace (or
    /// none) — would overwrite each other on every reconcile: an error at load, at the second entry. Names that
    /// depend on the CR are checked at render time (OperatorRenderer).
    /// </summary>
    private void CheckStaticCollisions(OperatorBox box)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var hook in new[] { box.OnCreate, box.OnReconcile })
        {
            if (hook is null) continue;
            foreach (var child in hook.Children)
            {
                if (child.Kind.YamlKey == "custom" || !child.Gate.IsEmpty || child.ForEach is not null) continue;
                if (Literal(child, "name") is not { } name || Literal(child, "namespace") is not { } ns) continue;
                var identity = $"{child.Kind.YamlKey}/{ns}/{name}";
                var here = child.Describe(hook.Hook);
                if (seen.TryGetValue(identity, out var first))
                {
                    var what = name.Length == 0 ? "the same default name (the CR's)" : $"the same name \"{name}\"";
                    templates.Diagnostics.Error(child.Location,
                        $"{here} and {first} always render {what}: each would undo the other on every reconcile; " +
                        "give each entry a name of its own");
                }
                else seen[identity] = here;
            }
        }
    }

    /// <summary>The literal value of an entry field; "" when absent; null when templated or not a scalar.</summary>
    private static string? Literal(ChildEntry child, string field) => child.Body.Find(field)?.Value switch
    {
        null => "",
        YamlScalar { IsTemplate: false } scalar => scalar.Value,
        _ => null,
    };

    private CompiledHook? Hook(HookBlock? hook, string boxPath)
    {
        if (hook is null) return null;
        var name = Hooks.Name(hook.Hook);
        var children = new List<CompiledChild>();
        foreach (var child in hook.Children)
        {
            var path = child.Describe(hook.Hook);
            FieldTypeChecker.Check(child, path, templates);
            var forEach = child.ForEach is { } fe
                ? fe.Field.IsTemplate
                    ? new CompiledForEach(null, templates.Text(fe.Field, $"{path}.forEach.field"), fe.As)
                    : new CompiledForEach(SplitPath(fe.Field.Value), null, fe.As)
                : null;
            children.Add(new CompiledChild(child, hook.Hook, templates.Node(child.Body, path), Gate(child.Gate), forEach));
        }
        return new CompiledHook(hook.Hook, External(hook.External, $"{boxPath}.{name}.external"), Gate(hook.Gate), children);
    }

    private CompiledStatusField StatusField(StatusField field, string path) =>
        new(SplitPath(field.Path.Value), field.Path.Value, templates.Node(field.Value, $"{path}.value"), field.Type, Gate(field.Gate),
            field.ClearOnFalse, field);

    private CompiledCross Cross(CrossRead cross, string path) =>
        new(cross, templates.OptionalText(cross.SelectorName, $"{path}.selector.name"), templates.OptionalText(cross.SelectorNamespace,
            $"{path}.selector.namespace"),
            Labels(cross.MatchLabels, $"{path}.selector.matchLabels"), Labels(cross.LabelSelector, $"{path}.labelSelector"));

    private CompiledValidation Validation(ValidationConfig validation) =>
        new(External(validation.External, $"{_path}.validation.external"),
            validation.Rules.Select((r, i) => new CompiledValidationRule(Condition(r.Condition), templates.Text(r.Message,
                $"{_path}.validation.rules[{i}].message"), r.Action, Gate(r.Gate), r)).ToArray());

    private CompiledMutation Mutation(MutationConfig mutation) =>
        new(mutation.MutateFirst, External(mutation.External, $"{_path}.mutation.external"),
            mutation.Rules.Select((r, i) => new CompiledMutationRule(templates.Text(r.Field, $"{_path}.mutation.rules[{i}].field"),
                templates.Text(r.Value, $"{_path}.mutation.rules[{i}].{(r.IsOverride ? "override" : "default")}"), r.IsOverride,
                    r.ValueType, Gate(r.Gate), r.FiresReconcile, r)).ToArray());

    private IReadOnlyList<CompiledExternal> External(IReadOnlyList<ExternalCall> calls, string path) =>
        calls.Select((call, i) => new CompiledExternal(call, templates.Text(call.Url, $"{path}[{i}].url"), templates.OptionalText(call.Body,
            $"{path}[{i}].body"),
            Labels(call.Headers, $"{path}[{i}].headers"), templates.OptionalText(call.Token, $"{path}[{i}].token"),
                Gate(call.Gate))).ToArray();

    private IReadOnlyList<CompiledLabel> Labels(IReadOnlyList<NamedValue> values, string path) =>
        values.Select(v => new CompiledLabel(v.Name, templates.Text(v.Value, $"{path}.{v.Name}"))).ToArray();

    private CompiledGate Gate(ConditionGate gate) =>
        gate.IsEmpty ? CompiledGate.Always : new CompiledGate(gate.When.Select(Condition).ToArray(), gate.Or.Select(Condition).ToArray());

    private CompiledCondition Condition(ConditionSpec condition)
    {
        var what = $"condition on '{condition.Field.Value}'";
        var expected = templates.OptionalText(condition.Value, what);
        return condition.Field.IsTemplate
            ? new CompiledCondition(condition, null, templates.Text(condition.Field, what), expected)
            : new CompiledCondition(condition, SplitPath(condition.Field.Value), null, expected);
    }

    private static string[] SplitPath(string path) => path.TrimStart('.').Split('.');
}
