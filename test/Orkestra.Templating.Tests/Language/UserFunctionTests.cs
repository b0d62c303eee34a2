using Orkestra.Templating.Functions;
using static Orkestra.Templating.Tests.Language.TemplateTestKit;

namespace Orkestra.Templating.Tests.Language;

/// <summary>notes.functions: user-defined functions compiled into a child registry of the standard library.</summary>
public class UserFunctionTests
{
    private static UserFunctionsResult CompileFunctions(params (string Name, string Expression, bool Shadow)[] functions) =>
        Compiler.CompileUserFunctions(functions.Select(f => new UserFunctionSource(f.Name, "", f.Expression, f.Shadow, f.Name)).ToArray());

    [Test]
    public void User_functions_call_builtins_and_each_other_in_any_order_with_the_callers_dot()
    {
        var result = CompileFunctions(
            ("fullImage", "{{ imageName }}:{{ .spec.tag | default \"latest\" }}", false),
            ("imageName", "{{ .spec.image | toLower }}", false));
        result.Diagnostics.ShouldBeEmpty();
        var compiler = new TemplateCompiler(result.Registry);
        var t = compiler.Compile("{{ fullImage }}|{{ with .spec.sidecar }}{{ fullImage }}{{ end }}").Template!;
        t.Render(new RenderScope(Data("""{"spec":{"image":"NGINX","sidecar":{"spec":{"image":"Envoy","tag":"1.3"}}}}""")))
            .ShouldBe("nginx:latest|envoy:1.3");
        result.Registry.TryGet("fullImage", out var f).ShouldBeTrue();
        f.UserDefined.ShouldBeTrue();
        f.Returns.ShouldBe(ValueShape.String);
    }

    [Test]
    public void A_cycle_is_reported_with_its_chain()
    {
        var result = CompileFunctions(("a", "{{ b }}", false), ("b", "{{ c }}", false), ("c", "{{ a }}", false));
        result.Diagnostics.ShouldContain(d => d.Diagnostic.Message == "user functions call each other in a cycle: a → b → c → a");
    }

    [Test]
    public void Names_must_be_identifiers_unique_and_may_shadow_a_builtin_only_when_asked()
    {
        var result = CompileFunctions(("my-func", "x", false), ("twice", "x", false), ("twice", "y", false), ("toUpper", "x", false), ("toLower", "lower!", true));
        var messages = result.Diagnostics.Select(d => d.Diagnostic.Message).ToArray();
        messages.ShouldContain("function name \"my-func\" is not a valid identifier");
        messages.ShouldContain("function \"twice\" is defined twice");
        messages.ShouldContain("function \"toUpper\" shadows a built-in function; set shadow: true to replace it");
        messages.Length.ShouldBe(3);
        new TemplateCompiler(result.Registry).Compile("{{ toLower }}").Template!.Render(new RenderScope(Data("{}"))).ShouldBe("lower!");
    }

    [Test]
    public void An_error_inside_a_user_function_is_tagged_with_the_function()
    {
        var result = CompileFunctions(("bad", "{{ .x | nosuch }}", false));
        var (tag, diagnostic) = result.Diagnostics.ShouldHaveSingleItem();
        tag.ShouldBe("bad");
        diagnostic.Message.ShouldBe("function \"nosuch\" not defined");
        diagnostic.Column.ShouldBe(9);
    }
}
