using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Binding;

internal sealed partial class KatalogBinder
{
    private static readonly string[] s_httpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    private IReadOnlyList<ExternalCall> BindExternalList(MapReader parent, string key)
    {
        var items = parent.List(key);
        var calls = new List<ExternalCall>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            if (BindExternal(items[i], $"{parent.PathOf(key)}[{i}]") is not { } call) continue;
            if (!names.Add(call.Name)) ctx.Diagnostics.Error(call.Location,
                $"external call name '{call.Name}' is used twice in {parent.PathOf(key)}");
            else calls.Add(call);
        }
        return calls;
    }

    private ExternalCall? BindExternal(YamlNode node, string path)
    {
        if (node is not YamlMap map)
        {
            ctx.Error(node, $"{path} must be a map (name, url, method, …), not {node.Describe()}");
            return null;
        }
        var r = new MapReader(ctx, map, path);
        var name = r.Scalar("name");
        var protocol = r.Scalar("protocol");
        var url = r.Scalar("url");
        var methodNode = r.Scalar("method");
        var method = methodNode?.Value.ToUpperInvariant() ?? "GET";
        if (methodNode is not null && !s_httpMethods.Contains(method)) ctx.Error(methodNode,
            $"{path}.method '{methodNode.Value}' is not an HTTP method");
        var body = r.Scalar("body");
        var headers = r.StringMap("headers").Select(kv => new NamedValue(kv.Key, kv.Value)).ToArray();
        var token = r.Scalar("token");
        var timeout = r.Duration("timeout") ?? TimeSpan.FromSeconds(10);
        var expected = r.Int("expectedStatus", 0, 599) ?? 0;
        if (expected is > 0 and < 100) ctx.Error(r.Node("expectedStatus")!,
            $"{path}.expectedStatus must be 0 (any 2xx) or an HTTP status code");
        var continueOnError = r.Bool("continueOnError") ?? false;
        var gate = BindGate(r);
        var sleep = r.Duration("sleep", extended: true);
        var fires = BindFires(r);
        var cacheFor = r.Duration("cacheFor");
        var retry = r.Node("retryBackoff") is { } rb ? BindRetryBackoff(rb, $"{path}.retryBackoff") : null;
        r.NotSupported("auth", "query", "poolSize", "include");
        r.Finish();
        if (protocol is not null && protocol.Value != "http")
        {
            ctx.Error(protocol, $"not supported yet: protocol '{protocol.Value}' (only http calls run)");
            return null;
        }
        if (name is null || name.IsNull) { ctx.Error(map, $"{path}.name is required"); return null; }
        if (!IsIdentifier(name.Value))
        {
            ctx.Error(name,
                $"{path}.name '{name.Value}' must be a plain name (letters, digits, _) so templates can read .external.{name.Value}");
            return null;
        }
        if (url is null || url.IsNull) { ctx.Error(map, $"{path}.url is required"); return null; }
        return new ExternalCall(name.Value, url, method, body, headers, token, timeout, expected, continueOnError, gate, sleep, fires,
            cacheFor, retry, map.Location);
    }

    /// <summary><c>fires: {reconcile: bool}</c>; true when absent.</summary>
    private bool BindFires(MapReader r)
    {
        if (r.MapNode("fires") is not { } fires) return true;
        var f = new MapReader(ctx, fires, r.PathOf("fires"));
        var result = f.Bool("reconcile") ?? true;
        f.Finish();
        return result;
    }

    /// <summary>Reads an <c>include</c> file holding a top-level list under <paramref name="listKey"/>.</summary>
    private IReadOnlyList<YamlNode> IncludeList(MapReader r, string listKey)
    {
        if (r.Scalar("include") is not { } include || include.IsNull) return [];
        if (ctx.ResolveFile(include, "include") is not { } full) return [];
        string text;
        try { text = File.ReadAllText(full).Replace("\r\n", "\n", StringComparison.Ordinal); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ctx.Error(include, $"include '{include.Value}' cannot be read: {e.Message}");
            return [];
        }
        var source = new SourceText(Path.Combine(Path.GetDirectoryName(include.Source.File) ?? "", include.Value.Trim()), text);
        var root = YamlTreeReader.Read(source, ctx.Diagnostics);
        if (root is null) return [];
        if (root is not YamlMap map)
        {
            ctx.Error(root, $"an include file must be a map with '{listKey}:', not {root.Describe()}");
            return [];
        }
        var ir = new MapReader(ctx, map, $"include file {include.Value}");
        var items = ir.List(listKey);
        if (!ir.Has(listKey)) ctx.Error(map, $"include file '{include.Value}' has no '{listKey}:' list");
        ir.Finish();
        return items;
    }

    private ValidationConfig BindValidation(YamlMap map, string path)
    {
        var r = new MapReader(ctx, map, path);
        var items = IncludeList(r, "rules").Concat(r.List("rules")).ToArray();
        var external = BindExternalList(r, "external");
        var rules = new List<ValidationRule>();
        for (var i = 0; i < items.Length; i++)
        {
            var rulePath = $"{path}.rules[{i}]";
            if (items[i] is not YamlMap rule)
            {
                ctx.Error(items[i], $"{rulePath} must be a map (field, operator, message), not {items[i].Describe()}");
                continue;
            }
            var rr = new MapReader(ctx, rule, rulePath);
            var condition = BindCondition(rr);
            var message = rr.Scalar("message");
            var action = RuleAction.Deny;
            if (rr.Scalar("action") is { } a)
            {
                if (a.Value == "warn") action = RuleAction.Warn;
                else if (a.Value != "deny") ctx.Error(a, $"{rulePath}.action must be 'deny' or 'warn', not '{a.Value}'");
            }
            var gate = BindGate(rr);
            rr.Finish(s_operatorNames);
            if (message is null || message.IsNull) { ctx.Error(rule,
                $"{rulePath}.message is required (what the user is told when the rule fails)"); continue; }
            if (condition is not null) rules.Add(new ValidationRule(condition, message, action, gate, rule.Location));
        }
        r.Finish();
        return new ValidationConfig(external, rules);
    }

    private MutationConfig BindMutation(YamlMap map, string path)
    {
        var r = new MapReader(ctx, map, path);
        var items = IncludeList(r, "rules").Concat(r.List("rules")).ToArray();
        var mutateFirst = r.Bool("mutateFirst") ?? false;
        var external = BindExternalList(r, "external");
        var rules = new List<MutationRule>();
        for (var i = 0; i < items.Length; i++)
        {
            var rulePath = $"{path}.rules[{i}]";
            if (items[i] is not YamlMap rule)
            {
                ctx.Error(items[i], $"{rulePath} must be a map (field, default or override), not {items[i].Describe()}");
                continue;
            }
            var rr = new MapReader(ctx, rule, rulePath);
            var field = rr.Scalar("field");
            var dflt = rr.Scalar("default");
            var over = rr.Scalar("override");
            var valueType = rr.Scalar("valueType") is { } vt ? ParseValueType(vt, $"{rulePath}.valueType") : null;
            var gate = BindGate(rr);
            var fires = BindFires(rr);
            rr.Finish();
            if (field is null || field.IsNull) { ctx.Error(rule, $"{rulePath}.field is required"); continue; }
            if (!field.IsTemplate && !IsDotPath(field.Value)) { ctx.Error(field,
                $"{rulePath}.field '{field.Value}' must be a dot path such as spec.replicas"); continue; }
            if ((dflt is null) == (over is null)) { ctx.Error(rule, $"{rulePath} needs exactly one of default or override"); continue; }
            rules.Add(new MutationRule(field, (dflt ?? over)!, over is not null, valueType ?? ConditionValueType.String, gate, fires,
                rule.Location));
        }
        r.Finish();
        return new MutationConfig(mutateFirst, external, rules);
    }

    private NormalizeConfig BindNormalize(YamlMap map, string path)
    {
        var r = new MapReader(ctx, map, path);
        var spec = r.StringMap("spec");
        var types = r.StringMap("types");
        var audit = r.Bool("audit") ?? false;
        r.Finish();
        var fields = new List<NormalizeField>();
        foreach (var (key, template) in spec)
        {
            if (!IsDotPath(key)) { ctx.Error(template, $"{path}.spec key '{key}' must be a dot path under spec"); continue; }
            string? type = null;
            var declared = types.FirstOrDefault(t => t.Key == key).Value;
            if (declared is not null)
            {
                type = declared.Value switch
                {
                    "int" or "integer" => "int",
                    "bool" or "boolean" => "bool",
                    "float" or "number" => "float",
                    "string" => "string",
                    _ => null,
                };
                if (type is null) ctx.Error(declared, $"{path}.types.{key} must be int, bool, float or string, not '{declared.Value}'");
            }
            fields.Add(new NormalizeField(key, template, type, template.Location));
        }
        foreach (var (key, node) in types)
        {
            if (!spec.Any(s => s.Key == key)) ctx.Error(node, $"{path}.types.{key} has no matching {path}.spec entry");
        }
        return new NormalizeConfig(fields, audit);
    }

    private ConversionConfig BindConversion(YamlMap map, string path)
    {
        var r = new MapReader(ctx, map, path);
        var storage = r.String("storageVersion");
        if (storage is null && !r.Has("storageVersion")) ctx.Error(map, $"{path}.storageVersion is required");
        var updateCrd = r.Bool("updateCRD") ?? false;
        var participant = r.Bool("participant") ?? false;
        var paths = new List<ConversionPath>();
        var items = r.List("paths");
        for (var i = 0; i < items.Count; i++)
        {
            var p = $"{path}.paths[{i}]";
            if (items[i] is not YamlMap pm) { ctx.Error(items[i], $"{p} must be a map (from, to, spec), not {items[i].Describe()}");
                continue; }
            var pr = new MapReader(ctx, pm, p);
            var from = pr.String("from");
            var to = pr.String("to");
            var spec = pr.MapNode("spec");
            pr.Finish();
            if (from is null || to is null) { ctx.Error(pm, $"{p} needs from and to (bare versions such as v1)"); continue; }
            if (from.Contains('/') || to.Contains('/')) { ctx.Error(pm,
                $"{p}: from and to are bare versions (v1), not group/version"); continue; }
            if (paths.Any(x => x.From == from && x.To == to)) { ctx.Error(pm,
                $"{p}: a path from {from} to {to} is already declared"); continue; }
            paths.Add(new ConversionPath(from, to, spec ?? new YamlMap(pm.Source, pm.Start, pm.Start, []), pm.Location));
        }
        r.Finish();
        return new ConversionConfig(storage ?? "", updateCrd, participant, paths);
    }

    private SecurityConfig BindSecurity(YamlMap map)
    {
        var r = new MapReader(ctx, map, "security");
        var serviceName = r.String("serviceName");
        var gatewayEndpoint = r.String("gatewayEndpoint");
        // cleanupOnShutdown defaults to true here (Orkestra: false): nothing ork registered outlives a graceful stop
        // unless the Katalog asks for it (docs/runtime.md, "Webhooks").
        var deletion = new DeletionProtectionConfig(true, FailurePolicy.Fail, true, false);
        if (r.MapNode("deletionProtection") is { } dp)
        {
            var d = new MapReader(ctx, dp, "security.deletionProtection");
            deletion = new DeletionProtectionConfig(d.Bool("enabled") ?? true, Policy(d), d.Bool("cleanupOnShutdown") ?? true,
                d.Bool("strictMode") ?? false);
            d.Finish();
        }
        NamespaceProtectionConfig? nsProtection = null;
        if (r.MapNode("namespaceProtection") is { } np)
        {
            var n = new MapReader(ctx, np, "security.namespaceProtection");
            var restricted = n.StringList("restrictedNamespaces").Select(s => s.Value).ToArray();
            var allowed = n.StringList("allowedNamespaces").Select(s => s.Value).ToArray();
            if (restricted.Length > 0 && allowed.Length > 0) ctx.Error(np,
                "security.namespaceProtection: declare restrictedNamespaces or allowedNamespaces, not both");
            nsProtection = new NamespaceProtectionConfig(n.Bool("enabled") ?? true, restricted, allowed, Policy(n),
                n.Bool("cleanupOnShutdown") ?? true);
            n.Finish();
        }
        var webhooks = new SecurityWebhooksConfig(false, FailurePolicy.Fail, null, true);
        if (r.MapNode("webhooks") is { } wh)
        {
            var w = new MapReader(ctx, wh, "security.webhooks");
            var admission = false;
            var policy = Policy(w);
            if (w.MapNode("admission") is { } ad)
            {
                // failurePolicy is accepted under admission as well (the seeds' shape); one place only.
                var a = new MapReader(ctx, ad, "security.webhooks.admission");
                admission = a.Bool("enabled") ?? false;
                if (a.Scalar("failurePolicy") is { } nested)
                {
                    if (w.Has("failurePolicy"))
                        ctx.Error(nested, "security.webhooks.admission.failurePolicy and security.webhooks.failurePolicy " +
                                          "mean the same; use one of them");
                    else policy = Policy(a);
                }
                a.Finish();
            }
            webhooks = new SecurityWebhooksConfig(admission, policy, w.String("serviceName"), w.Bool("cleanupOnShutdown") ?? true);
            w.Finish();
        }
        var conversion = new ConversionWebhookConfig(false, 100);
        if (r.MapNode("conversion") is { } cv)
        {
            var c = new MapReader(ctx, cv, "security.conversion");
            conversion = new ConversionWebhookConfig(c.Bool("enabled") ?? false, 100);
            c.NotSupported("conversionWindow");
            c.Finish();
        }
        r.NotSupported("certManager");
        r.Finish();
        return new SecurityConfig(serviceName, gatewayEndpoint, deletion, nsProtection, webhooks, conversion, map.Location);
    }

    private FailurePolicy Policy(MapReader r)
    {
        if (r.Scalar("failurePolicy") is not { } p) return FailurePolicy.Fail;
        if (p.Value == "Fail") return FailurePolicy.Fail;
        if (p.Value == "Ignore") return FailurePolicy.Ignore;
        ctx.Error(p, $"{r.PathOf("failurePolicy")} must be Fail or Ignore, not '{p.Value}'");
        return FailurePolicy.Fail;
    }

    private IReadOnlyList<UserFunction> BindNotes(YamlMap map)
    {
        var r = new MapReader(ctx, map, "notes");
        var items = IncludeList(r, "functions").Concat(r.List("functions")).ToArray();
        r.Finish();
        var functions = new List<UserFunction>();
        for (var i = 0; i < items.Length; i++)
        {
            var p = $"notes.functions[{i}]";
            if (items[i] is not YamlMap fm) { ctx.Error(items[i],
                $"{p} must be a map (name, description, expression), not {items[i].Describe()}"); continue; }
            var f = new MapReader(ctx, fm, p);
            var name = f.Scalar("name");
            var description = f.String("description") ?? "";
            var expression = f.Scalar("expression");
            var shadow = f.Bool("shadow") ?? false;
            f.Finish();
            if (name is null || name.IsNull) { ctx.Error(fm, $"{p}.name is required"); continue; }
            if (expression is null || expression.IsNull) { ctx.Error(fm, $"{p}.expression is required"); continue; }
            functions.Add(new UserFunction(name.Value, description, expression, shadow, name.Location));
        }
        return functions;
    }
}
