using Fluid.Values;
using Orkestra.Templating.Functions;
using Orkestra.Templating.Syntax;
using Orkestra.Templating.Values;

namespace Orkestra.Templating;

/// <summary>A user-defined function (<c>notes.functions</c>): a named template rendered with the caller's dot.</summary>
public sealed record UserFunctionSource(string Name, string Description, string Expression, bool Shadow, object? Tag);

/// <summary>The registry holding the user functions (over the compiler's registry), and what went wrong per function.</summary>
public sealed record UserFunctionsResult(FunctionRegistry Registry, IReadOnlyList<(object? Tag,
    TemplateDiagnostic Diagnostic)> Diagnostics);

/// <summary>
/// Compiles template text (Go text/template syntax) into <see cref="CompiledTemplate"/>s against a function
/// registry. Never throws on bad input: problems come back as diagnostics with a position inside the text.
/// Shared, immutable, thread-safe.
/// </summary>
public sealed class TemplateCompiler(FunctionRegistry functions)
{
    public FunctionRegistry Functions { get; } = functions;

    public TemplateCompileResult Compile(string text)
    {
        try
        {
            var parsed = Parser.Parse(text, Functions);
            return new TemplateCompileResult(new CompiledTemplate(text, parsed.Statements, parsed.Functions, parsed.RootFields,
                parsed.TextIsBlank), []);
        }
        catch (TemplateSyntaxException e)
        {
            var (line, column) = CompiledTemplate.Position(CompiledTemplate.LineStarts(text), Math.Min(e.Offset, text.Length));
            return new TemplateCompileResult(null, [new TemplateDiagnostic(e.Offset, line, column, e.Length, e.Message)]);
        }
    }

    /// <summary>
    /// Compiles user-defined functions into a child registry. They may call built-ins and each other in any order;
    /// a cycle, a duplicate name, an invalid name, or shadowing a built-in without <c>shadow: true</c> is reported.
    /// </summary>
    public UserFunctionsResult CompileUserFunctions(IReadOnlyList<UserFunctionSource> sources)
    {
        var registry = new FunctionRegistry(Functions);
        var diagnostics = new List<(object?, TemplateDiagnostic)>();
        var holders = new Dictionary<string, Holder>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            if (!IsIdentifier(source.Name))
            {
                diagnostics.Add((source.Tag, new TemplateDiagnostic(0, 1, 1, 0,
                    $"function name \"{source.Name}\" is not a valid identifier")));
                continue;
            }
            if (holders.ContainsKey(source.Name))
            {
                diagnostics.Add((source.Tag, new TemplateDiagnostic(0, 1, 1, 0, $"function \"{source.Name}\" is defined twice")));
                continue;
            }
            if (Functions.TryGet(source.Name, out _) && !source.Shadow)
            {
                diagnostics.Add((source.Tag, new TemplateDiagnostic(0, 1, 1, 0,
                    $"function \"{source.Name}\" shadows a built-in function; set shadow: true to replace it")));
                continue;
            }
            var holder = new Holder(source);
            holders[source.Name] = holder;
            registry.Add(new FunctionDescriptor(source.Name, "user", source.Name,
                string.IsNullOrWhiteSpace(source.Description) ? "user-defined function" : source.Description,
                0, 0, ValueShape.String, holder.Invoke) { UserDefined = true });
        }
        registry.Freeze();

        var compiler = new TemplateCompiler(registry);
        foreach (var holder in holders.Values)
        {
            var result = compiler.Compile(holder.Source.Expression);
            foreach (var d in result.Diagnostics) diagnostics.Add((holder.Source.Tag, d));
            holder.Template = result.Template;
        }
        foreach (var cycle in FindCycles(holders))
        {
            diagnostics.Add((holders[cycle[0]].Source.Tag, new TemplateDiagnostic(0, 1, 1, 0,
                $"user functions call each other in a cycle: {string.Join(" → ", cycle)}")));
        }
        return new UserFunctionsResult(registry, diagnostics);
    }

    private sealed class Holder(UserFunctionSource source)
    {
        public UserFunctionSource Source { get; } = source;
        public CompiledTemplate? Template { get; set; }

        public FluidValue Invoke(ReadOnlySpan<FluidValue> args, in FunctionCall call)
        {
            var template = Template ?? throw new TemplateFunctionException($"{Source.Name}: the function's expression did not compile");
            return GoValues.String(template.Render(call.Scope, call.Dot));
        }
    }

    private static List<List<string>> FindCycles(Dictionary<string, Holder> holders)
    {
        var cycles = new List<List<string>>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on stack, 2 = done
        var stack = new List<string>();
        void Visit(string name)
        {
            state[name] = 1;
            stack.Add(name);
            foreach (var callee in holders[name].Template?.Functions ?? [])
            {
                if (!holders.ContainsKey(callee)) continue;
                if (state.GetValueOrDefault(callee) == 1)
                {
                    var cycle = stack.Skip(stack.IndexOf(callee)).ToList();
                    cycle.Add(callee);
                    cycles.Add(cycle);
                }
                else if (state.GetValueOrDefault(callee) == 0) Visit(callee);
            }
            stack.RemoveAt(stack.Count - 1);
            state[name] = 2;
        }
        foreach (var name in holders.Keys.Order(StringComparer.Ordinal))
        {
            if (state.GetValueOrDefault(name) == 0) Visit(name);
        }
        return cycles;
    }

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_');
}
