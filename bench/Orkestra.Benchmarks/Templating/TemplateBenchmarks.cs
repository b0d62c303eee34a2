using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Rendering;
using Orkestra.Templating;
using Orkestra.Templating.Functions;
using Orkestra.Templating.Values;

namespace Orkestra.Benchmarks.Templating;

/// <summary>
/// Template hot paths, phases measured separately: compile a whole Katalog, render one field, render a full
/// child set through the same pipeline as the reconciler. Run: ./build.sh bench micro --filter '*Template*'.
/// </summary>
[MemoryDiagnoser]
public class TemplateBenchmarks
{
    private static readonly string Root = Repository.Root;
    private string _largestKatalog = "";
    private CompiledTemplate _field = null!;
    private CompiledTemplate _mixed = null!;
    private JsonElement _cr;
    private TemplateValue _crValue;
    private CompiledOperator _website = null!;

    [GlobalSetup]
    public void Setup()
    {
        _largestKatalog = Path.Combine(Root, "samples", "cross-database", "katalog.yaml");
        var compiler = new TemplateCompiler(FunctionRegistry.Standard);
        _field = compiler.Compile("{{ .spec.image }}").Template!;
        _mixed = compiler.Compile("{{ .metadata.name }}-{{ .spec.image | default \"nginx\" }}:{{ printf \"%d\" (toInt .spec.replicas) }}").Template!;
        using var doc = JsonDocument.Parse("""
            {"apiVersion":"demo.orkestra.io/v1alpha1","kind":"Website","metadata":{"name":"hello","namespace":"default","uid":"u1","generation":1},
             "spec":{"image":"nginx:1.27","replicas":2,"port":8080}}
            """);
        _cr = doc.RootElement.Clone();
        _crValue = TemplateValue.FromJson(_cr);
        var compiled = KatalogCompiler.CompileFiles([Path.Combine(Root, "samples", "hello-website", "katalog.yaml")]);
        _website = compiled.Katalogs[0].Operators[0];
    }

    [Benchmark(Description = "compile the largest sample Katalog")]
    public int CompileKatalog() => KatalogCompiler.CompileFiles([_largestKatalog]).Katalogs.Count;

    [Benchmark(Description = "render one field (JSON fast path)")]
    public bool RenderFieldJson() => _field.TryEvaluateJson(_cr, out _);

    [Benchmark(Description = "evaluate one field (template values)")]
    public TemplateValue EvaluateField() => _field.Evaluate(new RenderScope(_crValue));

    [Benchmark(Description = "render a three-action string")]
    public string RenderMixed() => _mixed.Render(new RenderScope(_crValue));

    [Benchmark(Description = "render the hello-website child set + status")]
    public int RenderChildSet() => OperatorRenderer.Render(new RenderRequest(_website, _cr, [])).Children.Count;
}
