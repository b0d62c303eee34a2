using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Yaml;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Syntax;
using Orkestra.Templating;

namespace Orkestra.Katalog.Compilation;

/// <summary>
/// Compiles the templates of one Katalog with that Katalog's functions (its <c>notes.functions</c> over the
/// standard library). Each distinct template text is compiled once and shared; diagnostics are mapped from the
/// position inside the scalar to the Katalog's file:line:col and quote the user's template.
/// Per Katalog compile; not thread-safe (the templates it returns are).
/// </summary>
internal sealed class TemplateSet(TemplateCompiler compiler, DiagnosticBag diagnostics)
{
    private readonly Dictionary<string, TemplateCompileResult> _cache = new(StringComparer.Ordinal);
    private readonly HashSet<YamlScalar> _reported = new(ReferenceEqualityComparer.Instance);
    private readonly List<CompiledScalar> _compiled = [];

    public DiagnosticBag Diagnostics { get; } = diagnostics;

    /// <summary>Number of distinct templates compiled (each text once).</summary>
    public int DistinctTemplates => _cache.Count;

    /// <summary>The template of a scalar containing <c>{{</c>; null for literal text or when it did not compile (reported).</summary>
    public CompiledTemplate? Compile(YamlScalar scalar, string what)
    {
        if (!scalar.IsTemplate) return null;
        if (!_cache.TryGetValue(scalar.Value, out var result))
        {
            result = compiler.Compile(scalar.Value);
            _cache[scalar.Value] = result;
        }
        if (!_reported.Add(scalar)) return result.Template; // a scalar compiled twice (type check, tree) reports once
        if (result.Template is { } compiled) _compiled.Add(new CompiledScalar(scalar, compiled, what));
        foreach (var d in result.Diagnostics)
            Diagnostics.Error(scalar.LocationOf(d.Offset), $"{what}: {d.Message} in template {TemplateText.Quote(scalar.Value)}");
        return result.Template;
    }

    /// <summary>How many scalars have been compiled so far: a mark for <see cref="Since"/>.</summary>
    public int Mark => _compiled.Count;

    /// <summary>The scalars compiled since <paramref name="mark"/>, each once, in order.</summary>
    public IEnumerable<CompiledScalar> Since(int mark) => _compiled.Skip(mark);

    public CompiledText Text(YamlScalar scalar, string what) => CompiledText.FromScalar(scalar, Compile(scalar, what));

    public CompiledText? OptionalText(YamlScalar? scalar, string what) => scalar is null ? null : Text(scalar, what);

    /// <summary>Compiles a YAML subtree; map keys may be templates too.</summary>
    public CompiledNode Node(YamlNode node, string what)
    {
        switch (node)
        {
            case YamlScalar s when s.IsTemplate:
                var template = Compile(s, what);
                return template is null ? new CompiledLiteral(s.Location, null) : new CompiledTemplateNode(s, template);
            case YamlScalar s:
                return new CompiledLiteral(s.Location, Literal(s, what));
            case YamlMap map:
                return new CompiledMap(map.Location, map.Entries.Select(e => (Text(e.Key, $"{what} key"), Node(e.Value,
                    $"{what}.{e.Key.Value}"))).ToArray());
            case YamlList list:
                return new CompiledList(list.Location, list.Items.Select((item, i) => Node(item, $"{what}[{i}]")).ToArray());
            default:
                throw new InvalidOperationException($"unexpected node {node.GetType().Name}");
        }
    }

    /// <summary>The JSON of a literal scalar, typed as Kubernetes types YAML; a float JSON cannot hold is reported.</summary>
    private JsonNode? Literal(YamlScalar scalar, string what)
    {
        if (!scalar.IsPlain) return JsonValue.Create(scalar.Value);
        if (YamlScalars.TryToJson(scalar.Value, out var value, out var error)) return value;
        Diagnostics.Error(scalar.Location, $"{what}: {error}");
        return JsonValue.Create(scalar.Value);
    }
}

/// <summary>A template scalar of the Katalog, its compiled template and what it is (<c>spec.crds.x.….image</c>).</summary>
internal sealed record CompiledScalar(YamlScalar Scalar, CompiledTemplate Template, string What);
