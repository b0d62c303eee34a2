using Orkestra.ApiMachinery.Kinds;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Binding;

/// <summary>
/// Reads a <c>kind: E2E</c> file (Orkestra's e2e.yaml) into an <see cref="E2ESpec"/> with the Katalog's own reader, as
/// <see cref="SimulateBinder"/> does for simulate.yaml: an unknown key, a wrong type, a missing file, a value out of
/// range is a diagnostic at its place in the file. What ork e2e does not do is an error too, never ignored: a kind
/// cluster (<c>provider: kind</c>), <c>reuse</c>, and shell <c>commands</c>. Stateless.
/// </summary>
public static class E2EBinder
{
    private static readonly string[] Phases = ["cr-applied", "cr-deleted"];
    private static readonly string[] Providers = ["existing", "sandbox", "kind"];

    private const string CommandsDetail = "ork e2e runs no shell commands; state what must exist in expect[].resources";

    /// <summary>Loads <paramref name="path"/>; null (with diagnostics) when it is not a valid E2E file.</summary>
    public static E2ESpec? Load(string path, DiagnosticBag diagnostics)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            diagnostics.Error(SourceLocation.None(path), e is FileNotFoundException or DirectoryNotFoundException
                ? "e2e file not found" : $"cannot read the e2e file: {e.Message}");
            return null;
        }
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        var source = new SourceText(path, text.Replace("\r\n", "\n", StringComparison.Ordinal));
        var root = YamlTreeReader.Read(source, diagnostics);
        if (root is null) return null;
        var ctx = new LoadContext(diagnostics, Path.GetDirectoryName(Path.GetFullPath(path)) ?? Directory.GetCurrentDirectory());
        var before = diagnostics.Items.Count(d => d.Severity == DiagnosticSeverity.Error);
        var spec = Bind(ctx, root);
        return diagnostics.Items.Count(d => d.Severity == DiagnosticSeverity.Error) > before ? null : spec;
    }

    /// <summary>
    /// Completes each resource's apiVersion: as written, else the built-in kind of that name, else the CR kind of that
    /// name in <paramref name="customKinds"/> (apiVersion, kind). A kind found nowhere is an error at the resource.
    /// Null (with diagnostics) when any is unknown.
    /// </summary>
    public static E2ESpec? ResolveKinds(E2ESpec spec, IReadOnlyList<(string ApiVersion, string Kind)> customKinds,
        DiagnosticBag diagnostics)
    {
        var ok = true;
        E2EResource Resolve(E2EResource r)
        {
            if (r.ApiVersion is not null) return r;
            var custom = customKinds.Where(c => c.Kind == r.Kind).Select(c => c.ApiVersion).Distinct(StringComparer.Ordinal).ToArray();
            if (custom.Length == 1) return r with { ApiVersion = custom[0] };
            if (custom.Length == 0 && BuiltInKinds.TryGet(r.Kind, out var builtIn)) return r with { ApiVersion = builtIn.ApiVersion };
            ok = false;
            var known = BuiltInKinds.All.Select(k => k.Kind).Concat(customKinds.Select(c => c.Kind));
            diagnostics.Error(r.Location, custom.Length > 1
                ? $"kind '{r.Kind}' is served in {string.Join(" and ", custom)}; give its apiVersion"
                : $"unknown kind '{r.Kind}': not a built-in kind nor a CRD of the Katalog; give its apiVersion"
                  + Suggestions.Hint(r.Kind, known));
            return r;
        }
        var resolved = spec with
        {
            SetupWait = spec.SetupWait.Select(Resolve).ToArray(),
            Expect = spec.Expect.Select(e => e with { Resources = e.Resources.Select(Resolve).ToArray() }).ToArray(),
        };
        return ok ? resolved : null;
    }

    private static E2ESpec? Bind(LoadContext ctx, YamlNode root)
    {
        if (ToolFileHeader.Read(ctx, root, "E2E", "an E2E file", "an end-to-end test", "e2e",
                "an E2E file names spec.katalog, spec.cr and spec.expect") is not { } header)
            return null;
        var (name, specMap) = header;
        var s = new MapReader(ctx, specMap, "spec");
        var katalog = s.Scalar("katalog") is { } k ? ctx.ResolveFile(k, "spec.katalog") : null;
        var crd = s.Scalar("crd") is { } d ? ctx.ResolveFile(d, "spec.crd") : null;
        var cr = s.Scalar("cr") is { } c ? ctx.ResolveFile(c, "spec.cr") : null;
        var cluster = s.MapNode("cluster") is { } clusterMap ? BindCluster(ctx, clusterMap)
            : new E2ECluster(specMap.Location, E2EProvider.Sandbox, null);
        IReadOnlyList<string> apply = [];
        IReadOnlyList<E2EResource> wait = [];
        if (s.MapNode("setup") is { } setup)
        {
            var u = new MapReader(ctx, setup, "spec.setup");
            apply = u.StringList("apply", allowSingle: true).Select(f => ctx.ResolveFile(f, "spec.setup.apply")).OfType<string>().ToArray();
            wait = u.List("wait").Select((n, i) => BindResource(ctx, n, $"spec.setup.wait[{i}]", wait: true)).OfType<E2EResource>()
                .ToArray();
            Commands(u);
            u.Finish();
        }
        var expect = s.List("expect").Select((n, i) => BindExpect(ctx, n, i)).OfType<E2EExpect>().ToArray();
        Commands(s);
        if (katalog is null && !s.Has("katalog")) ctx.Error(specMap, "spec.katalog is required (the Katalog under test)");
        if (cr is null && !s.Has("cr")) ctx.Error(specMap, "spec.cr is required (the custom resources to apply)");
        if (!s.Has("expect")) ctx.Error(specMap, "spec.expect is required (what must exist after cr-applied and cr-deleted)");
        s.Finish();
        return katalog is null || cr is null || cluster is null ? null
            : new E2ESpec(root.Location, name, katalog, crd, cr, cluster, apply, wait, expect);
    }

    /// <summary><c>commands</c> (shell steps in Orkestra's examples) is refused at its key: ork e2e does not run them.</summary>
    private static void Commands(MapReader r)
    {
        r.Known("commands");
        if (r.Map.Find("commands") is { } entry) r.Ctx.NotSupported(entry.Key, CommandsDetail);
    }

    private static E2ECluster? BindCluster(LoadContext ctx, YamlMap map)
    {
        var r = new MapReader(ctx, map, "spec.cluster");
        var provider = r.Scalar("provider");
        var name = r.String("name");
        r.NotSupported("reuse");
        r.Finish();
        var kind = E2EProvider.Sandbox;
        switch (provider?.Value)
        {
            case null or "sandbox": break;
            case "existing": kind = E2EProvider.Existing; break;
            case "kind":
                ctx.Error(provider, "spec.cluster.provider: kind clusters are not supported by ork e2e; use the embedded sandbox "
                                    + "(leave provider out, or ork e2e --sandbox) or provider: existing (a kubeconfig context)");
                return null;
            default:
                ctx.Error(provider, $"spec.cluster.provider must be existing or sandbox, not '{provider.Value}'"
                                    + Suggestions.Hint(provider.Value, Providers));
                return null;
        }
        if (name is not null && kind != E2EProvider.Existing)
        {
            ctx.Error(r.Node("name")!, "spec.cluster.name is the kubeconfig context of provider: existing; the sandbox has no name");
            return null;
        }
        return new E2ECluster(map.Location, kind, name);
    }

    private static E2EExpect? BindExpect(LoadContext ctx, YamlNode node, int index)
    {
        var context = $"spec.expect[{index}]";
        if (node is not YamlMap map)
        {
            ctx.Error(node, $"{context} must be a map with name, after and resources, not {node.Describe()}");
            return null;
        }
        var r = new MapReader(ctx, map, context);
        var name = r.String("name") ?? $"expect[{index}]";
        var after = r.Scalar("after");
        var timeout = r.Duration("timeout") ?? E2EExpect.DefaultTimeout;
        var items = r.List("resources");
        var resources = items.Select((n, i) => BindResource(ctx, n, $"{context}.resources[{i}]", wait: false))
            .OfType<E2EResource>().ToArray();
        Commands(r);
        var ok = true;
        if (items.Count == 0 && r.Node("resources") is not (YamlMap or YamlScalar { IsNull: false }))
        {
            ctx.Error(map, $"{context} needs resources (at least one)");
            ok = false;
        }
        r.Finish();
        if (timeout <= TimeSpan.Zero) { ctx.Error(r.Node("timeout")!, $"{context}.timeout must be positive"); ok = false; }
        var phase = E2EPhase.CrApplied;
        if (after is null)
        {
            ctx.Error(map, $"{context} needs after: cr-applied or cr-deleted");
            ok = false;
        }
        else if (after.Value == "cr-deleted") phase = E2EPhase.CrDeleted;
        else if (after.Value != "cr-applied")
        {
            ctx.Error(after, $"{context}.after must be cr-applied or cr-deleted, not '{after.Value}'"
                             + Suggestions.Hint(after.Value, Phases));
            ok = false;
        }
        return ok ? new E2EExpect(map.Location, name, phase, timeout, resources) : null;
    }

    private static E2EResource? BindResource(LoadContext ctx, YamlNode node, string context, bool wait)
    {
        if (node is not YamlMap map)
        {
            ctx.Error(node, $"{context} must be a map with kind and name, not {node.Describe()}");
            return null;
        }
        var r = new MapReader(ctx, map, context);
        var apiVersion = r.String("apiVersion");
        var kind = r.String("kind");
        var name = r.String("name");
        var ns = r.String("namespace");
        var ready = r.Bool("ready") ?? false;
        var count = r.Int("count", 0, 10_000);
        TimeSpan? timeout = null;
        if (wait) timeout = r.Duration("timeout") ?? E2EExpect.DefaultTimeout;
        r.Finish();
        var ok = true;
        if (kind is null)
        {
            if (!r.Has("kind")) ctx.Error(map, $"{context} needs kind");
            ok = false;
        }
        if (count > 1 && name is not null)
        {
            ctx.Error(r.Node("count")!, $"{context}.count {count} with a name: one object has one name (leave name out to count)");
            ok = false;
        }
        if (count == 0 && ready)
        {
            ctx.Error(r.Node("ready")!, $"{context}: ready with count 0 (must not exist) contradicts itself");
            ok = false;
        }
        if (timeout <= TimeSpan.Zero) { ctx.Error(r.Node("timeout")!, $"{context}.timeout must be positive"); ok = false; }
        return ok ? new E2EResource(map.Location, apiVersion, kind!, name, ns, ready, count, timeout) : null;
    }
}
