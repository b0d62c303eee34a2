using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Binding;

/// <summary>
/// Reads a <c>kind: Simulate</c> file (Orkestra's simulate.yaml) into a <see cref="SimulateSpec"/> with the Katalog's
/// own reader, so every problem — an unknown key, a wrong type, a missing file — is a diagnostic at its place in the
/// file. Stateless.
/// </summary>
public static class SimulateBinder
{
    public const int MaxCycles = 1000;

    private static readonly string[] Verbs = ["create", "update", "delete", "patch"];

    /// <summary>Loads <paramref name="path"/>; null (with diagnostics) when it is not a valid Simulate file.</summary>
    public static SimulateSpec? Load(string path, DiagnosticBag diagnostics)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            diagnostics.Error(SourceLocation.None(path), e is FileNotFoundException or DirectoryNotFoundException
                ? "simulate file not found" : $"cannot read the simulate file: {e.Message}");
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

    private static SimulateSpec? Bind(LoadContext ctx, YamlNode root)
    {
        if (ToolFileHeader.Read(ctx, root, "Simulate", "a Simulate file", "a simulation", "simulate",
                "a Simulate file names spec.katalog and spec.cr") is not { } header)
            return null;
        var (name, specMap) = header;
        var s = new MapReader(ctx, specMap, "spec");
        var katalog = s.Scalar("katalog") is { } k ? ctx.ResolveFile(k, "spec.katalog") : null;
        var cr = s.Scalar("cr") is { } c ? ctx.ResolveFile(c, "spec.cr") : null;
        var cycles = s.Int("cycles", 1, MaxCycles) ?? 10;
        var skipExternal = s.Bool("skipExternal") ?? false;
        s.NotSupported("target", "imports");
        var expect = s.MapNode("expect") is { } e ? BindExpect(ctx, e, "spec.expect", perCrd: true) : null;
        if (katalog is null && !s.Has("katalog")) ctx.Error(specMap, "spec.katalog is required (the Katalog to simulate)");
        if (cr is null && !s.Has("cr")) ctx.Error(specMap, "spec.cr is required (the custom resources to reconcile)");
        s.Finish();
        return katalog is null || cr is null ? null
            : new SimulateSpec(root.Location, name, katalog, cr, cycles, skipExternal, expect);
    }

    private static SimulateExpect BindExpect(LoadContext ctx, YamlMap map, string context, bool perCrd)
    {
        var r = new MapReader(ctx, map, context);
        var steady = r.Bool("steady");
        var steadyAt = r.Int("steadyAt", 1, MaxCycles);
        var noErrors = r.Bool("noErrors");
        var ops = r.List("ops").Select((n, i) => BindOperation(ctx, n, $"{context}.ops[{i}]")).OfType<ExpectedOperation>().ToArray();
        var absent = r.List("absent").Select((n, i) => BindOperation(ctx, n, $"{context}.absent[{i}]")).OfType<ExpectedOperation>()
            .ToArray();
        var crds = new Dictionary<string, SimulateExpect>(StringComparer.Ordinal);
        if (perCrd && r.MapNode("crds") is { } byCrd)
        {
            foreach (var entry in byCrd.Entries)
            {
                var at = $"{context}.crds.{entry.Key.Value}";
                if (entry.Value is YamlMap crdMap) crds[entry.Key.Value] = BindExpect(ctx, crdMap, at, false);
                else ctx.Error(entry.Value, $"{at} must be a map of expectations, not {entry.Value.Describe()}");
            }
        }
        r.Finish();
        return new SimulateExpect(map.Location, steady, steadyAt, noErrors, ops, absent, crds);
    }

    private static ExpectedOperation? BindOperation(LoadContext ctx, YamlNode node, string context)
    {
        if (node is not YamlMap map)
        {
            ctx.Error(node, $"{context} must be a map with verb and resource, not {node.Describe()}");
            return null;
        }
        var r = new MapReader(ctx, map, context);
        var cycle = r.Int("cycle", 1, MaxCycles);
        var verb = r.Scalar("verb");
        var resource = r.String("resource");
        var name = r.String("name");
        var count = r.Int("count", 1, int.MaxValue) ?? 1;
        r.Finish();
        if (verb is not null && !Verbs.Contains(verb.Value, StringComparer.Ordinal))
        {
            ctx.Error(verb, $"{context}.verb must be create, update, delete or patch, not '{verb.Value}'"
                            + Suggestions.Hint(verb.Value, Verbs));
            return null;
        }
        if (verb is null || resource is null)
        {
            ctx.Error(map, $"{context} needs verb and resource");
            return null;
        }
        return new ExpectedOperation(map.Location, cycle, verb.Value, resource, name, count);
    }
}
