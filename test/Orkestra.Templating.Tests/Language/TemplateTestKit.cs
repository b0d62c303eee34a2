using System.Text.Json;
using Fluid.Values;
using Orkestra.Templating.Functions;
using Orkestra.Templating.Values;

namespace Orkestra.Templating.Tests.Language;

/// <summary>One helper for every template test: compile against the standard registry, render against JSON data.</summary>
internal static class TemplateTestKit
{
    public static readonly TemplateCompiler Compiler = new(FunctionRegistry.Standard);

    public static CompiledTemplate Compile(string source, TemplateCompiler? compiler = null)
    {
        var result = (compiler ?? Compiler).Compile(source);
        result.Diagnostics.ShouldBeEmpty($"template {source} should compile");
        return result.Template!;
    }

    public static FluidValue Data(string json) => JsonValues.From(JsonDocument.Parse(json).RootElement.Clone());

    public static string Render(string source, string json = "{}") => Compile(source).Render(new RenderScope(Data(json)));

    public static FluidValue Evaluate(string source, string json = "{}") => Compile(source).EvaluateValue(new RenderScope(Data(json)));
}
