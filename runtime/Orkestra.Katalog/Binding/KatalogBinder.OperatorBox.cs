using Orkestra.Katalog.Children;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Binding;

internal sealed partial class KatalogBinder
{
    private static readonly string[] s_commonEntryKeys = ["reconcile", "when", "or", "anyOf", "forEach", "sleep", "forceConflict"];

    private OperatorBox BindOperatorBox(MapReader crd, string crdPath)
    {
        // Aliases on the CRD entry itself: workers, resync, queue (seen in docs and seeds).
        var crdWorkers = crd.Entry("workers");
        var crdResync = crd.Entry("resync");
        var crdQueue = crd.Entry("queue");
        var node = crd.MapNode("operatorBox");
        var path = $"{crdPath}.operatorBox";
        var r = node is null ? null : new MapReader(ctx, node, path);

        var reconcilerEntry = r?.Entry("reconciler", "reconcile");
        MapReader? rr = null;
        if (reconcilerEntry?.Value is YamlMap reconcilerMap) rr = new MapReader(ctx, reconcilerMap, $"{path}.{reconcilerEntry.Key.Value}");
        else if (reconcilerEntry is not null && reconcilerEntry.Value is not YamlScalar { IsNull: true })
            ctx.Error(reconcilerEntry.Value, $"{path}.{reconcilerEntry.Key.Value} must be a map, not {reconcilerEntry.Value.Describe()}");
        var defaultNode = rr?.Entry("default");
        if (r?.Entry("default") is { } boxDefault)
        {
            if (defaultNode is not null) ctx.Error(boxDefault.Key, $"'default' is set both on {path} and on its reconciler; keep one");
            defaultNode = boxDefault;
        }
        if (defaultNode is not null && ctx.AsBool(defaultNode.Value, $"{path}.default") == false)
            ctx.Error(defaultNode.Value, "not supported yet: default: false (custom Go constructors); only the generic reconciler runs");

        int? workers = Pick(crdWorkers, rr?.Entry("workers"), "workers", n => ctx.AsInt(n, "workers", 1, 50));
        TimeSpan? resync = Pick(crdResync, rr?.Entry("resync"), "resync", n => ctx.AsDuration(n, "resync", extended: false));
        var queueEntry = PickEntry(crdQueue, rr?.Entry("queue"), "queue");
        var queue = queueEntry is null ? QueueConfig.Default : BindQueue(queueEntry);
        var requeue = rr?.MapNode("requeue") is { } rq ? BindRequeue(rq, $"{rr.Context}.requeue") : null;
        rr?.NotSupported("profile", "hooks", "constructor", "include");
        rr?.Finish();
        var reconciler = new ReconcilerConfig(workers, resync, queue, requeue);
        if (r is null) return new OperatorBox(reconciler, null, null, null, null, StatusConfig.Default, [], null, ConditionGate.Empty);

        var finalizers = r.Has("finalizers") ? Finalizers(r, "finalizers") : null;
        var onCreate = r.MapNode("onCreate") is { } c ? BindHook(c, HookKind.OnCreate, path) : null;
        var onReconcile = r.MapNode("onReconcile") is { } rc ? BindHook(rc, HookKind.OnReconcile, path) : null;
        var onDelete = r.MapNode("onDelete") is { } d ? BindHook(d, HookKind.OnDelete, path) : null;
        var status = r.MapNode("status") is { } s ? BindStatus(s, $"{path}.status") : StatusConfig.Default;
        var cross = r.List("cross").Select((n, i) => BindCross(n, $"{path}.cross[{i}]")).OfType<CrossRead>().ToArray();
        var autoscale = r.MapNode("autoscale") is { } a ? BindAutoscale(a, $"{path}.autoscale") : null;
        var gate = BindGate(r);
        r.NotSupported("preReconcile", "observe", "providers", "rollback", "rollBackOnError", "emit", "runtime");
        r.Finish();
        return new OperatorBox(reconciler, finalizers, onCreate, onReconcile, onDelete, status, cross, autoscale, gate);
    }

    private YamlEntry? PickEntry(YamlEntry? onCrd, YamlEntry? onReconciler, string key)
    {
        if (onCrd is not null && onReconciler is not null)
            ctx.Error(onCrd.Key,
                $"'{key}' is set both on the CRD entry and in operatorBox.reconciler; "
                + $"keep one (operatorBox.reconciler.{key} is canonical)");
        return onReconciler ?? onCrd;
    }

    private T? Pick<T>(YamlEntry? onCrd, YamlEntry? onReconciler, string key, Func<YamlNode, T?> read) where T : struct =>
        PickEntry(onCrd, onReconciler, key) is { } e ? read(e.Value) : null;

    private QueueConfig BindQueue(YamlEntry entry)
    {
        if (entry.Value is not YamlMap map)
        {
            ctx.Error(entry.Value, $"queue must be a map (type, maxDepth, retryBackoff, failureThreshold), not {entry.Value.Describe()}");
            return QueueConfig.Default;
        }
        var q = new MapReader(ctx, map, "queue");
        var type = QueueType.RateLimited;
        if (q.Scalar("type") is { } t)
        {
            switch (t.Value)
            {
                case "ratelimited": break;
                case "delayed": type = QueueType.Delayed; break;
                default: ctx.Error(t, $"queue.type must be 'ratelimited' or 'delayed', not '{t.Value}'"); break;
            }
        }
        var result = new QueueConfig(type, q.Int("maxDepth", 0, int.MaxValue) ?? 0, q.Int("failureThreshold", 0, int.MaxValue),
            q.Node("retryBackoff") is { } rb ? BindRetryBackoff(rb, "queue.retryBackoff") : null);
        q.NotSupported("shared", "behaviour");
        q.Finish();
        return result;
    }

    private RetryBackoff? BindRetryBackoff(YamlNode node, string path)
    {
        if (node is YamlScalar)
            return ctx.AsDuration(node, path, extended: false) is { } initial ? new RetryBackoff(initial, null, null, null) : null;
        if (node is not YamlMap map)
        {
            ctx.Error(node, $"{path} must be a duration or a map (initial, max, multiplier, maxAttempts), not {node.Describe()}");
            return null;
        }
        var r = new MapReader(ctx, map, path);
        var initialNode = r.Node("initial");
        var initialValue = initialNode is null ? null : ctx.AsDuration(initialNode, $"{path}.initial", false);
        if (initialNode is null) ctx.Error(map, $"{path}.initial is required");
        var max = r.Duration("max");
        var multiplier = r.Node("multiplier") is { } m ? ctx.AsNumber(m, $"{path}.multiplier") : null;
        if (multiplier is < 1) ctx.Error(r.Node("multiplier")!, $"{path}.multiplier must be at least 1");
        var attempts = r.Int("maxAttempts", 0, int.MaxValue);
        r.Finish();
        if (initialValue is { } i && max is { } mx && mx < i) ctx.Error(map, $"{path}.max must not be less than initial");
        return initialValue is null ? null : new RetryBackoff(initialValue.Value, max, multiplier, attempts);
    }

    private RequeueConfig BindRequeue(YamlMap map, string path)
    {
        var r = new MapReader(ctx, map, path);
        var after = r.Scalar("after");
        if (after is not null && !after.IsTemplate && !after.IsNull && !Durations.TryParse(after.Value, false, out _, out var error))
            ctx.Error(after, $"{path}.after: {error}");
        var result = new RequeueConfig(after, BindGate(r));
        r.Finish();
        return result;
    }

    private HookBlock BindHook(YamlMap map, HookKind hook, string boxPath)
    {
        var name = Hooks.Name(hook);
        var path = $"{boxPath}.{name}";
        var r = new MapReader(ctx, map, path);
        var external = BindExternalList(r, "external");
        var gate = BindGate(r);
        r.NotSupported("ordered", "groups", "timeout", "name");
        var children = new List<ChildEntry>();
        foreach (var entry in map.Entries)
        {
            var key = entry.Key.Value;
            if (!ChildKinds.TryGet(key, out var kind)) continue;
            r.Known(key);
            if (entry.Value is YamlScalar { IsNull: true }) continue;
            if (entry.Value is not YamlList list)
            {
                ctx.Error(entry.Value, $"{path}.{key} must be a list of entries, not {entry.Value.Describe()}");
                continue;
            }
            for (var i = 0; i < list.Items.Count; i++)
            {
                if (BindChild(list.Items[i], kind, i, hook, $"{name}.{key}[{i}]") is { } child) children.Add(child);
            }
        }
        foreach (var entry in map.Entries)
        {
            if (ChildKinds.NotSupportedYet.Contains(entry.Key.Value)) r.NotSupported(entry.Key.Value);
        }
        r.Finish(ChildKinds.All.Select(k => k.YamlKey));
        return new HookBlock(hook, map.Location, external, gate, children);
    }

    private ChildEntry? BindChild(YamlNode node, IChildKind kind, int index, HookKind hook, string path)
    {
        if (node is not YamlMap map)
        {
            ctx.Error(node, $"{path} must be a map of fields, not {node.Describe()}");
            return null;
        }
        var r = new MapReader(ctx, map, path);
        var reconcile = r.Bool("reconcile") ?? false;
        var gate = BindGate(r);
        var forEach = r.MapNode("forEach") is { } fe ? BindForEach(fe, $"{path}.forEach") : null;
        var sleep = r.Duration("sleep", extended: true);
        var forceConflict = r.Bool("forceConflict");
        var once = false;
        TimeSpan? rotateAfter = null;
        if (kind.YamlKey == "secrets")
        {
            var onceEntry = r.Entry("once");
            once = onceEntry is not null && ctx.AsBool(onceEntry.Value, $"{path}.once") == true;
            rotateAfter = r.Duration("rotateAfter", extended: true);
            if (once && (reconcile || hook == HookKind.OnReconcile))
                ctx.Diagnostics.Warning(onceEntry!.Key.Location,
                    $"{path}: once has no effect {(reconcile ? "with reconcile: true" : "under onReconcile")}; "
                    + "the secret is rewritten every reconcile");
            if (rotateAfter is not null && !once)
                ctx.Error(r.Entry("rotateAfter")!.Key, $"{path}: rotateAfter needs once: true");
        }
        var body = new List<YamlEntry>();
        foreach (var entry in map.Entries)
        {
            if (kind.Fields.ContainsKey(entry.Key.Value) && !s_commonEntryKeys.Contains(entry.Key.Value))
            {
                r.Known(entry.Key.Value);
                body.Add(entry);
            }
        }
        foreach (var field in kind.Fields.Values)
        {
            if (field.Required && map.Find(field.Name) is null) ctx.Error(map, $"{path} needs '{field.Name}'");
        }
        r.Finish(kind.Fields.Keys);
        return new ChildEntry(kind, index, map.Location, new YamlMap(map.Source, map.Start, map.End, body), reconcile, gate, forEach, sleep,
            forceConflict, once, rotateAfter);
    }

    private ForEachSpec? BindForEach(YamlMap map, string path)
    {
        var r = new MapReader(ctx, map, path);
        var field = r.Scalar("field");
        var asNode = r.Scalar("as");
        r.Finish();
        if (field is null || field.IsNull)
        {
            ctx.Error(map, $"{path}.field is required (the list or map to expand over)");
            return null;
        }
        var name = asNode?.Value ?? "item";
        if (!IsIdentifier(name))
        {
            ctx.Error(asNode!, $"{path}.as must be a plain name (letters, digits, _), not '{name}'");
            return null;
        }
        return new ForEachSpec(field, name, map.Location);
    }

    private StatusConfig BindStatus(YamlMap map, string path)
    {
        var r = new MapReader(ctx, map, path);
        var conditions = r.Bool("conditions") ?? true;
        var fields = new List<StatusField>();
        var items = r.List("fields");
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = $"{path}.fields[{i}]";
            if (items[i] is not YamlMap item)
            {
                ctx.Error(items[i], $"{itemPath} must be a map (path, value, type, when), not {items[i].Describe()}");
                continue;
            }
            var f = new MapReader(ctx, item, itemPath);
            var fieldPath = f.Scalar("path");
            var value = f.Node("value");
            var typeNode = f.Scalar("type");
            var type = "string";
            if (typeNode is not null && !StatusFieldTypes.TryNormalize(typeNode.Value, out type))
            {
                ctx.Error(typeNode, $"{itemPath}.type must be string, int, float, bool or auto, not '{typeNode.Value}'");
                type = "string";
            }
            var gate = BindGate(f);
            var clearOnFalse = f.Bool("clearOnFalse") ?? false;
            f.Finish();
            if (fieldPath is null || fieldPath.IsNull) { ctx.Error(item, $"{itemPath}.path is required"); continue; }
            if (!IsDotPath(fieldPath.Value)) { ctx.Error(fieldPath,
                $"{itemPath}.path '{fieldPath.Value}' must be a dot path relative to status, such as db.host"); continue; }
            if (value is null) { ctx.Error(item, $"{itemPath}.value is required"); continue; }
            fields.Add(new StatusField(fieldPath, value, type, gate, clearOnFalse, item.Location));
        }
        r.Finish();
        return new StatusConfig(conditions, fields);
    }

    private CrossRead? BindCross(YamlNode node, string path)
    {
        if (node is not YamlMap map)
        {
            ctx.Error(node, $"{path} must be a map (crd, selector, as), not {node.Describe()}");
            return null;
        }
        var r = new MapReader(ctx, map, path);
        var crd = r.String("crd");
        var labelSelector = r.StringMap("labelSelector").Select(kv => new NamedValue(kv.Key, kv.Value)).ToArray();
        YamlScalar? name = null, ns = null;
        IReadOnlyList<NamedValue> matchLabels = [];
        if (r.MapNode("selector") is { } selector)
        {
            var s = new MapReader(ctx, selector, $"{path}.selector");
            name = s.Scalar("name");
            ns = s.Scalar("namespace");
            matchLabels = s.StringMap("matchLabels").Select(kv => new NamedValue(kv.Key, kv.Value)).ToArray();
            s.Finish();
        }
        var asName = r.String("as");
        var strategy = CrossStrategy.First;
        if (r.Scalar("strategy") is { } st)
        {
            if (st.Value == "all") strategy = CrossStrategy.All;
            else if (st.Value != "first") ctx.Error(st, $"{path}.strategy must be 'first' or 'all', not '{st.Value}'");
        }
        r.NotSupported("source");
        r.Finish();
        if (crd is null == (labelSelector.Length == 0))
        {
            ctx.Error(map, $"{path} needs exactly one of crd or labelSelector");
            return null;
        }
        if (name is null && matchLabels.Count == 0)
            ctx.Error(map, $"{path} needs selector.name or selector.matchLabels to pick the CR to read");
        asName ??= crd;
        if (asName is null)
        {
            ctx.Error(map, $"{path}.as is required when reading by labelSelector");
            return null;
        }
        return new CrossRead(crd, labelSelector, name, ns, matchLabels, asName, strategy, map.Location);
    }

    private AutoscaleConfig? BindAutoscale(YamlMap map, string path)
    {
        var r = new MapReader(ctx, map, path);
        var interval = r.Duration("interval") ?? TimeSpan.FromSeconds(15);
        var cooldown = r.Duration("cooldown") ?? TimeSpan.FromMinutes(2);
        var conditions = ConditionGate.Empty;
        if (r.MapNode("conditions") is { } c)
        {
            var cr = new MapReader(ctx, c, $"{path}.conditions");
            conditions = BindGate(cr);
            cr.Finish();
        }
        int? workers = null, depth = null;
        TimeSpan? resync = null;
        if (r.MapNode("do") is { } d)
        {
            var dr = new MapReader(ctx, d, $"{path}.do");
            workers = dr.Int("workers", 1, 50);
            depth = dr.Int("queueDepth", 0, int.MaxValue);
            resync = dr.Duration("resync");
            dr.Finish();
        }
        else ctx.Error(map, $"{path}.do is required (workers, queueDepth or resync to apply while the conditions hold)");
        if (conditions.IsEmpty) ctx.Error(map, $"{path}.conditions needs at least one when or or condition");
        if (interval <= TimeSpan.Zero) ctx.Error(r.Node("interval")!, $"{path}.interval must be positive");
        r.Finish();
        return new AutoscaleConfig(interval, cooldown, conditions, workers, depth, resync, map.Location);
    }

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static bool IsDotPath(string path) =>
        path.Length > 0 && path.Split('.').All(segment => segment.Length > 0 && !segment.Any(char.IsWhiteSpace));
}
