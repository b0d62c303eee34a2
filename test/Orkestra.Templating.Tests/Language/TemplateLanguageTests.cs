using System.Text.Json;
using Orkestra.Templating.Functions;
using Orkestra.Templating.Values;
using static Orkestra.Templating.Tests.Language.TemplateTestKit;

namespace Orkestra.Templating.Tests.Language;

public class TemplateLanguageTests
{
    private const string Cr = """
        {"metadata":{"name":"web","namespace":"prod","labels":{"tier":"front","app":"shop"}},
         "spec":{"image":"nginx:1.27","replicas":3,"ratio":0.5,"enabled":true,"empty":"","ports":[80,443],
                 "env":{"B":"2","A":"1"},"nested":{"deep":{"value":"x"}},"nothing":null}}
        """;

    private static IEnumerable<TestCaseData> Renders()
    {
        static TestCaseData Case(string source, string expected) => new TestCaseData(source, expected).SetName($"renders {source}");
        // text, fields, missing keys
        yield return Case("plain text", "plain text");
        yield return Case("{{ .metadata.name }}", "web");
        yield return Case("{{.metadata.name}}-{{ .metadata.namespace }}", "web-prod");
        yield return Case("{{ .spec.replicas }}", "3");
        yield return Case("{{ .spec.ratio }}", "0.5");
        yield return Case("{{ .spec.enabled }}", "true");
        yield return Case("[{{ .spec.missing }}]", "[]");
        yield return Case("[{{ .spec.missing.deeper.still }}]", "[]");
        yield return Case("[{{ .spec.nothing }}]", "[]");
        yield return Case("{{ .spec.nested.deep.value }}", "x");
        yield return Case("{{ .spec.ports }}", "[80 443]");
        yield return Case("{{ .spec.env }}", "map[A:1 B:2]");
        yield return Case("{{ $.metadata.name }}", "web");
        // trimming and comments
        yield return Case("a  {{- .metadata.name -}}  b", "awebb");
        yield return Case("a {{- /* note */ -}} b", "ab");
        yield return Case("a{{/* note */}}b", "ab");
        yield return Case("x\n  {{- .metadata.name }}\n", "xweb\n");
        // literals
        yield return Case("{{ \"q\\\"uote\\n\" }}", "q\"uote\n");
        yield return Case("{{ `raw\\n` }}", "raw\\n");
        yield return Case("{{ 'a' }}", "97");
        yield return Case("{{ 0x1F }} {{ 017 }} {{ 1_000 }} {{ 1.5e3 }} {{ -2 }}", "31 15 1000 1500 -2");
        yield return Case("{{ true }} {{ false }}", "true false");
        yield return Case("[{{ nil }}]", "[]");
        // if / else if / else
        yield return Case("{{ if .spec.enabled }}on{{ else }}off{{ end }}", "on");
        yield return Case("{{ if .spec.empty }}on{{ else }}off{{ end }}", "off");
        yield return Case("{{ if .spec.missing }}a{{ else if .spec.replicas }}b{{ else }}c{{ end }}", "b");
        yield return Case("{{ if eq .spec.replicas 3 }}three{{ end }}", "three");
        yield return Case("{{ if and .spec.enabled (gt .spec.replicas 2) }}big{{ end }}", "big");
        yield return Case("{{ if or .spec.missing .spec.empty }}a{{ else }}none{{ end }}", "none");
        yield return Case("{{ if not .spec.missing }}absent{{ end }}", "absent");
        // range
        yield return Case("{{ range .spec.ports }}[{{ . }}]{{ end }}", "[80][443]");
        yield return Case("{{ range $i, $p := .spec.ports }}{{ $i }}={{ $p }};{{ end }}", "0=80;1=443;");
        yield return Case("{{ range $v := .spec.ports }}{{ $v }};{{ end }}", "80;443;");
        yield return Case("{{ range $k, $v := .spec.env }}{{ $k }}={{ $v }};{{ end }}", "A=1;B=2;");
        yield return Case("{{ range .spec.missing }}x{{ else }}empty{{ end }}", "empty");
        yield return Case("{{ range .spec.ports }}{{ if eq . 443 }}{{ break }}{{ end }}{{ . }}{{ end }}", "80");
        yield return Case("{{ range .spec.ports }}{{ if eq . 80 }}{{ continue }}{{ end }}{{ . }}{{ end }}", "443");
        yield return Case("{{ range 3 }}{{ . }}{{ end }}", "012");
        yield return Case("{{ range .spec.ports }}{{ $.metadata.name }}{{ end }}", "webweb");
        // with
        yield return Case("{{ with .spec.nested.deep }}{{ .value }}{{ end }}", "x");
        yield return Case("{{ with .spec.missing }}x{{ else with .spec.image }}{{ . }}{{ else }}none{{ end }}", "nginx:1.27");
        yield return Case("{{ with .spec.missing }}x{{ else }}none{{ end }}", "none");
        // variables
        yield return Case("{{ $n := .metadata.name }}{{ $n }}-{{ $n }}", "web-web");
        yield return Case("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", "2");
        yield return Case("{{ $x := 1 }}{{ range .spec.ports }}{{ $x = . }}{{ end }}{{ $x }}", "443");
        // pipelines: the piped value is the last argument
        yield return Case("{{ .metadata.name | printf \"%s-svc\" }}", "web-svc");
        yield return Case("{{ 3 | eq 3 }}", "true");
        yield return Case("{{ (index .spec.ports 1) }}", "443");
        yield return Case("{{ index .spec.env \"A\" }}", "1");
        yield return Case("{{ (.spec.nested).deep.value }}", "x");
        yield return Case("{{ len .spec.ports }} {{ len .metadata.name }} {{ len .spec.env }}", "2 3 2");
        // print family
        yield return Case("{{ print \"a\" 1 2 \"b\" }}", "a1 2b");
        yield return Case("{{ println 1 \"x\" }}", "1 x\n");
        yield return Case("{{ printf \"%d|%5d|%-4d|%05d\" 42 42 42 -42 }}", "42|   42|42  |-0042");
        yield return Case("{{ printf \"%.2f|%v|%q|%t|%x|%X|%o|%c\" 3.14159 .spec.ports \"hi\" true 255 255 8 65 }}", "3.14|[80 443]|\"hi\"|true|ff|FF|10|A");
        yield return Case("{{ printf \"%s %s\" \"one\" }}", "one %!s(MISSING)");
        yield return Case("{{ printf \"%d%%\" 50 }}", "50%");
        // comparisons
        yield return Case("{{ lt 1 2 }} {{ le 2 2 }} {{ gt \"b\" \"a\" }} {{ ge 1.5 2 }} {{ ne 1 2 }}", "true true true false true");
        yield return Case("{{ eq .spec.image \"x\" \"nginx:1.27\" }}", "true");
        yield return Case("{{ eq 1 \"1\" }}", "false");
        yield return Case("{{ and 1 0 2 }} {{ or 0 \"\" 5 }} {{ and 1 2 }}", "0 5 2");
    }

    [TestCaseSource(nameof(Renders))]
    public void Renders_like_go_text_template(string source, string expected) => Render(source, Cr).ShouldBe(expected);

    [Test]
    public void And_and_or_stop_evaluating_at_the_deciding_argument()
    {
        // the second call would fail (len of a number) if it were evaluated
        Render("{{ and false (len 3) }}").ShouldBe("false");
        Render("{{ or true (len 3) }}").ShouldBe("true");
    }

    private static IEnumerable<TestCaseData> Typed()
    {
        yield return new TestCaseData("{{ .spec.replicas }}", GoKind.Number, "3");
        yield return new TestCaseData("  {{ .spec.replicas }} ", GoKind.Number, "3");
        yield return new TestCaseData("{{ .spec.enabled }}", GoKind.Bool, "true");
        yield return new TestCaseData("{{ .spec.ports }}", GoKind.List, "[80 443]");
        yield return new TestCaseData("{{ .spec.env }}", GoKind.Map, "map[A:1 B:2]");
        yield return new TestCaseData("{{ .spec.missing }}", GoKind.Nil, "");
        yield return new TestCaseData("{{ len .spec.ports }}", GoKind.Number, "2");
        yield return new TestCaseData("x{{ .spec.replicas }}", GoKind.String, "x3");
        yield return new TestCaseData("{{ .spec.replicas }}{{ .spec.replicas }}", GoKind.String, "33");
    }

    [TestCaseSource(nameof(Typed))]
    public void A_single_action_keeps_its_type(string source, GoKind kind, string printed)
    {
        var value = Evaluate(source, Cr);
        GoValues.Kind(value).ShouldBe(kind);
        GoValues.Format(value).ShouldBe(printed);
    }

    [TestCase("plain", false, false, ValueShape.String)]
    [TestCase("{{ .spec.x }}", true, true, ValueShape.Any)]
    [TestCase("{{ printf \"%d\" 1 }}", true, true, ValueShape.String)]
    [TestCase("{{ len .x }}", true, true, ValueShape.Number)]
    [TestCase("{{ eq 1 2 }}", true, true, ValueShape.Bool)]
    [TestCase("{{ \"lit\" }}", true, true, ValueShape.String)]
    [TestCase("{{ 42 }}", true, true, ValueShape.Number)]
    [TestCase("a{{ 42 }}", true, false, ValueShape.String)]
    [TestCase("{{ $x := 1 }}", true, false, ValueShape.String)]
    [TestCase("{{ if .a }}x{{ end }}", true, false, ValueShape.String)]
    public void Knows_statically_what_a_template_can_produce(string source, bool hasActions, bool single, ValueShape shape)
    {
        var t = Compile(source);
        t.HasActions.ShouldBe(hasActions);
        t.IsSingleAction.ShouldBe(single);
        t.StaticShape.ShouldBe(shape);
    }

    [Test]
    public void Records_the_functions_and_root_fields_a_template_uses()
    {
        var t = Compile("{{ printf \"%s\" .spec.image }}{{ range .children.jobs }}{{ len . }}{{ end }}{{ $.external.x }}");
        t.Functions.ShouldBe(["printf", "len"], ignoreOrder: true);
        t.RootFields.ShouldBe(["spec", "children", "external"], ignoreOrder: true);
    }

    private static IEnumerable<TestCaseData> ParseErrors()
    {
        static TestCaseData Case(string source, int line, int column, string message) =>
            new TestCaseData(source, line, column, message).SetName($"rejects {source.Replace("\n", "\\n")}");
        yield return Case("{{ .a ", 1, 1, "unclosed action");
        yield return Case("{{ if .a }}x", 1, 1, "unexpected EOF: missing {{end}} for {{if}}");
        yield return Case("{{ end }}", 1, 4, "unexpected {{end}}");
        yield return Case("{{ nosuch .a }}", 1, 4, "function \"nosuch\" not defined");
        yield return Case("x\n  {{ nosuch }}", 2, 6, "function \"nosuch\" not defined");
        yield return Case("{{ $y }}", 1, 4, "undefined variable: $y");
        yield return Case("{{ $y = 1 }}", 1, 4, "undefined variable: $y");
        yield return Case("{{ eq 1 }}", 1, 4, "wrong number of args for eq: want at least 2 got 1");
        yield return Case("{{ not 1 2 }}", 1, 4, "wrong number of args for not: want 1 got 2");
        yield return Case("{{ \"abc }}", 1, 4, "unterminated quoted string");
        yield return Case("{{ .a | }}", 1, 9, "missing command after \"|\" in command");
        yield return Case("{{ }}", 1, 4, "missing value for command");
        yield return Case("{{ (.a }}", 1, 8, "unclosed left paren");
        yield return Case("{{ .a .b }}", 1, 7, "can't give argument to non-function .a");
        yield return Case("{{ break }}", 1, 4, "{{break}} outside {{range}}");
        yield return Case("{{ define \"x\" }}{{ end }}", 1, 4, "not supported: define");
        yield return Case("{{ 1x2 }}", 1, 4, "bad number syntax: \"1x2\"");
        yield return Case("{{ # }}", 1, 4, "unrecognized character in action: \"#\"");
        yield return Case("{{ \"\\q\" }}", 1, 5, "unknown escape sequence \\q");
        yield return Case("{{ range .a }}{{ else }}", 1, 1, "unexpected EOF: missing {{end}} for {{range}}");
    }

    [TestCaseSource(nameof(ParseErrors))]
    public void Reports_parse_errors_with_their_line_and_column(string source, int line, int column, string message)
    {
        var result = Compiler.Compile(source);
        result.Template.ShouldBeNull();
        var d = result.Diagnostics.ShouldHaveSingleItem();
        d.Message.ShouldBe(message);
        (d.Line, d.Column).ShouldBe((line, column));
    }

    [TestCase("{{ .spec.image.x }}", "can't evaluate field x in type string", 1, 4)]
    [TestCase("{{ len 3 }}", "error calling len: len of type int", 1, 4)]
    [TestCase("{{ index .spec.ports 5 }}", "error calling index: index out of range: 5", 1, 4)]
    [TestCase("{{ lt 1 \"a\" }}", "error calling lt: incompatible types for comparison: int and string", 1, 4)]
    [TestCase("x\n{{ range .spec.image }}{{ end }}", "range can't iterate over nginx:1.27", 2, 1)]
    [TestCase("{{ .metadata.name | .spec.image }}", "can't give argument to non-function", 1, 21)]
    public void Reports_render_errors_with_their_position(string source, string message, int line, int column)
    {
        var e = Should.Throw<TemplateRenderException>(() => Render(source, Cr));
        e.Message.ShouldBe(message);
        (e.Line, e.Column).ShouldBe((line, column));
        e.Template.ShouldBe(source);
    }

    [Test]
    public void Enforces_the_step_and_output_limits()
    {
        var t = Compile("{{ range 100000 }}x{{ end }}");
        Should.Throw<TemplateRenderException>(() => t.Render(new RenderScope(Data("{}")) { MaxSteps = 1000 })).Message.ShouldContain("exceeded 1000 evaluation steps");
        Should.Throw<TemplateRenderException>(() => t.Render(new RenderScope(Data("{}")) { MaxOutputLength = 50 })).Message.ShouldContain("exceeds 50 characters");
    }

    [Test]
    public async Task One_compiled_template_renders_concurrently_with_different_data()
    {
        var t = Compile("{{ .name }}:{{ range .items }}{{ . }},{{ end }}{{ if gt (len .items) 2 }}many{{ end }}");
        var tasks = Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                var n = (worker + i) % 5;
                var items = string.Join(",", Enumerable.Range(0, n));
                var data = Data($$"""{"name":"w{{worker}}","items":[{{items}}]}""");
                var expected = $"w{worker}:" + string.Concat(Enumerable.Range(0, n).Select(x => $"{x},")) + (n > 2 ? "many" : "");
                t.Render(new RenderScope(data)).ShouldBe(expected);
            }
        }));
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Test]
    public void The_ast_is_a_fluid_template_of_fluid_nodes()
    {
        var t = Compile("a{{ .x }}{{ if .y }}b{{ end }}");
        t.Ast.Statements.Count.ShouldBe(3);
        t.Ast.Statements[0].ShouldBeOfType<Fluid.Ast.TextSpanStatement>();
        t.Ast.Statements.ShouldAllBe(s => s is Fluid.Ast.Statement);
    }
}

public class FieldPathFastPathTests
{
    [Test]
    public void A_plain_field_path_evaluates_directly_on_json_without_allocating()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("""{"spec":{"image":"nginx","n":{"x":1}}}""");
        var t = TemplateTestKit.Compile("{{ .spec.image }}");
        t.IsFieldPath.ShouldBeTrue();
        t.TryEvaluateJson(doc.RootElement, out var v).ShouldBeTrue();
        v.GetString().ShouldBe("nginx");
        TemplateTestKit.Compile("{{ .spec.missing.deeper }}").TryEvaluateJson(doc.RootElement, out var missing).ShouldBeTrue();
        missing.ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Undefined);
        TemplateTestKit.Compile("{{ .spec.image | toUpper }}").TryEvaluateJson(doc.RootElement, out _).ShouldBeFalse();

        t.TryEvaluateJson(doc.RootElement, out _); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) t.TryEvaluateJson(doc.RootElement, out v);
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }
}
