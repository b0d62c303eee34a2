using System.Text;
using Orkestra.Templating.Tests.Language;

namespace Orkestra.Templating.Tests.Robustness;

/// <summary>
/// Feeds ≥10,000 seeded mutations of valid templates to the compiler and renders what compiles: compiling never
/// throws, every rejection has a diagnostic positioned inside the text, and rendering fails only with
/// <see cref="TemplateRenderException"/>. Deterministic (fixed seed).
/// </summary>
public class TemplateMutationTests
{
    private static readonly string[] Seeds =
    [
        "{{ .metadata.name }}-{{ .spec.image | default \"nginx\" }}",
        "{{ if and .spec.enabled (gt (len .spec.ports) 1) }}multi{{ else if .spec.x }}x{{ else }}single{{ end }}",
        "{{ range $i, $p := .spec.ports }}{{ if $i }},{{ end }}{{ $p }}{{ end }}",
        "{{- with .spec.nested -}}{{ .deep.value | toUpper }}{{- end -}}",
        "{{ printf \"%s:%d\" .metadata.name (toInt .spec.replicas) }}",
        "{{ $x := index .spec.env \"A\" }}{{ $x = printf \"%v!\" $x }}{{ $x }}",
        "{{/* comment */}}{{ ternary .spec.enabled `yes` 'n' }}",
        "{{ range .spec.env }}{{ . }}{{ break }}{{ end }}{{ get . \"spec\" \"image\" }}",
        "{{ toJson (asMap .spec.json) }} {{ sha256sum .metadata.name }} {{ 0x1F }} {{ -1.5e2 }}",
        "{{ coalesce .spec.missing .spec.image }}{{ if not (empty .spec.ports) }}!{{ end }}",
    ];

    private const string Data = """
        {"metadata":{"name":"web"},"spec":{"image":"nginx","replicas":"3","enabled":true,"ports":[80,443],
         "env":{"A":"1","B":"2"},"nested":{"deep":{"value":"v"}},"json":"{\"k\":1}"}}
        """;

    private const string Alphabet = "{}|.$()\"`'-=:, abcfiorxyz0123\\/*\n";

    [Test]
    public void Ten_thousand_mutated_templates_never_crash_the_compiler_or_the_renderer()
    {
        var random = new Random(20261123);
        var data = TemplateTestKit.Data(Data);
        int compiled = 0, rejected = 0;
        for (var n = 0; n < 10_000; n++)
        {
            var source = Mutate(Seeds[random.Next(Seeds.Length)], random);
            TemplateCompileResult result = null!;
            Should.NotThrow(() => result = TemplateTestKit.Compiler.Compile(source), $"compile threw for: {source}");
            if (result.Template is null)
            {
                rejected++;
                result.Diagnostics.ShouldNotBeEmpty(source);
                foreach (var d in result.Diagnostics)
                {
                    d.Line.ShouldBeGreaterThanOrEqualTo(1, source);
                    d.Column.ShouldBeGreaterThanOrEqualTo(1, source);
                    d.Offset.ShouldBeInRange(0, source.Length, source);
                    d.Message.ShouldNotBeNullOrWhiteSpace();
                }
                continue;
            }
            compiled++;
            try
            {
                result.Template.Render(new RenderScope(data, random: new Random(n)) { MaxSteps = 10_000, MaxOutputLength = 10_000 });
            }
            catch (TemplateRenderException e)
            {
                e.Line.ShouldBeGreaterThanOrEqualTo(1, source);
            }
        }
        TestContext.Out.WriteLine($"{compiled} compiled, {rejected} rejected");
        compiled.ShouldBeGreaterThan(500, "the mutations should not all be rejected");
        rejected.ShouldBeGreaterThan(500, "the mutations should exercise the error paths");
    }

    private static string Mutate(string source, Random random)
    {
        var sb = new StringBuilder(source);
        var edits = 1 + random.Next(3);
        for (var e = 0; e < edits && sb.Length > 0; e++)
        {
            var at = random.Next(sb.Length);
            switch (random.Next(5))
            {
                case 0: sb.Remove(at, 1); break;
                case 1: sb.Insert(at, Alphabet[random.Next(Alphabet.Length)]); break;
                case 2: sb[at] = Alphabet[random.Next(Alphabet.Length)]; break;
                case 3: sb.Insert(at, sb.ToString(at, Math.Min(4, sb.Length - at))); break;
                default: sb.Length = at; break;
            }
        }
        return sb.ToString();
    }
}
