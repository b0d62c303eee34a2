namespace Orkestra.Host.Tests.Commands;

[NonParallelizable] // changes the current directory
public class ValidateAndRenderTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var previous = Directory.GetCurrentDirectory();
        try
        {
            Directory.SetCurrentDirectory(Repo.Root);
            return (Cli.Run(args, stdout, stderr), stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
    }

    [TestCase("hello-website")]
    [TestCase("conditional-resources")]
    [TestCase("status-fields")]
    [TestCase("secrets-config-env")]
    [TestCase("pipeline")]
    [TestCase("cross-database")]
    public void Every_sample_validates(string sample)
    {
        var (code, output, err) = Run("validate", "-k", $"samples/{sample}/katalog.yaml");
        code.ShouldBe(0, err);
        output.ShouldContain("is valid");
    }

    [Test]
    public void A_komposer_of_two_samples_validates_as_one_katalog()
    {
        var (code, output, err) = Run("validate", "-k", "test/Orkestra.Operators.Tests/Katalogs/komposer/komposer.yaml");
        code.ShouldBe(0, err);
        output.ShouldContain("Katalog platform is valid");
        output.ShouldContain("  website: demo.orkestra.io/v1alpha1 Website");
        output.ShouldContain("  database: ");
    }

    [Test]
    public void A_bad_komposer_prints_located_errors_of_its_own_and_of_its_imports_and_exits_1()
    {
        using var dir = new TempDirectory("ork-validate-");
        dir.Write("katalogs/web.yaml", """
            apiVersion: orkestra.orkspace.io/v1
            kind: Katalog
            metadata: {name: web}
            spec:
              crds:
                website:
                  apiTypes: {group: demo.example.com, version: v1, kind: Website, plural: websites}
                  replicaz: 2
            """);
        var file = dir.Write("komposer.yaml", """
            apiVersion: orkestra.orkspace.io/v1
            kind: Komposer
            metadata: {name: platform}
            imports:
              files: [katalogs/web.yaml, komposer.yaml]
              helm: [{repo: https://charts.example.com, chart: web}]
            spec:
              crds:
                webiste: {enabled: false}
            """);
        var (code, output, err) = Run("validate", "-k", file);
        code.ShouldBe(1);
        output.ShouldBeEmpty();
        var web = Path.Combine(dir.Path, "katalogs", "web.yaml");
        err.ShouldContain($"{web}:8:7: error: imported by imports.files[0] at {file}:5:11: unknown key 'replicaz'");
        err.ShouldContain($"{file}:5:30: error: import cycle: komposer.yaml → komposer.yaml");
        err.ShouldContain($"{file}:6:3: error: not supported yet: imports.helm");
        err.ShouldContain($"{file}:9:5: error: spec.crds.webiste overrides no imported CRD");
        err.ShouldContain("4 errors");
    }

    [Test]
    public void An_invalid_katalog_prints_every_error_with_its_location_and_exits_1()
    {
        using var dir = new TempDirectory("ork-validate-");
        var file = dir.Write("katalog.yaml", """
            apiVersion: orkestra.orkspace.io/v1
            kind: Katalog
            metadata:
              name: broken
            spec:
              crds:
                website:
                  apiTypes: {group: demo.io, version: v1, kind: Website, plural: websites}
                  operatorBox:
                    onCreate:
                      deployments:
                        - name: "{{ .metadata.name }"
                          image: "{{ nosuch .spec.image }}"
                          replcas: 2
            """);
        var (code, _, err) = Run("validate", "-k", file);
        code.ShouldBe(1);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Count(l => l.StartsWith(file + ":", StringComparison.Ordinal) && l.Contains(": error: "))
            .ShouldBeGreaterThanOrEqualTo(3, err);
        err.ShouldContain($"{file}:12:");
        err.ShouldContain($"{file}:13:");
        err.ShouldContain($"{file}:14:");
        err.ShouldContain("replcas");
        err.ShouldContain("nosuch");
    }

    [Test]
    public void A_missing_katalog_is_an_error_not_a_crash()
    {
        var (code, _, err) = Run("validate", "-k", "does/not/exist.yaml");
        code.ShouldBe(1);
        err.ShouldContain("does/not/exist.yaml");
    }

    [Test]
    public void Render_reports_a_cr_that_matches_no_crd()
    {
        var (code, _, err) = Run("render", "-k", "samples/hello-website/katalog.yaml", "--cr", "samples/status-fields/cr.yaml");
        code.ShouldBe(1);
        err.ShouldContain("no CRD in the Katalog has kind Database");
    }

    /// <summary>Render sees the CR as the API server stores it: the CRD's defaults filled in (the live operator
    /// writes targetPort 8080 for a CR without a port, so render must too), unknown fields dropped with a warning,
    /// and a CR the API server would refuse is an error naming the field, not a rendering of it.</summary>
    [Test]
    public void Render_prunes_defaults_and_validates_the_cr_against_its_crd_schema()
    {
        using var dir = new TempDirectory("ork-render-");
        var cr = dir.Write("cr.yaml", """
            apiVersion: demo.orkestra.io/v1alpha1
            kind: Website
            metadata: {name: plain, namespace: default}
            spec: {image: "nginx:1.27", colour: blue}
            """);
        var (code, output, err) = Run("render", "-k", "samples/hello-website/katalog.yaml", "--cr", cr);
        code.ShouldBe(0, err);
        output.ShouldContain("targetPort: 8080");
        output.ShouldContain("replicas: 1");
        err.ShouldContain("plain: unknown field \"spec.colour\" (dropped)");

        var bad = dir.Write("bad.yaml", """
            apiVersion: demo.orkestra.io/v1alpha1
            kind: Website
            metadata: {name: bad, namespace: default}
            spec: {image: "nginx:1.27", replicas: -1}
            """);
        var (badCode, badOutput, badErr) = Run("render", "-k", "samples/hello-website/katalog.yaml", "--cr", bad);
        badCode.ShouldBe(1);
        badErr.ShouldContain("bad: spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0");
        badOutput.ShouldNotContain("kind: Deployment");
    }

    [Test]
    public void Render_onDelete_only_renders_the_delete_hook()
    {
        using var dir = new TempDirectory("ork-render-");
        var katalog = dir.Write("katalog.yaml", """
            apiVersion: orkestra.orkspace.io/v1
            kind: Katalog
            metadata:
              name: website-operator
            spec:
              crds:
                website:
                  apiTypes: {group: demo.orkestra.io, version: v1alpha1, kind: Website, plural: websites}
                  operatorBox:
                    onCreate:
                      deployments:
                        - name: "{{ .metadata.name }}"
                          image: "{{ .spec.image }}"
                    onDelete:
                      configMaps:
                        - name: "{{ .metadata.name }}-goodbye"
                          data: {image: "{{ .spec.image }}"}
            """);
        var (code, output, err) = Run("render", "-k", katalog, "--cr", "samples/hello-website/cr.yaml", "--hook", "onDelete");
        code.ShouldBe(0, err);
        output.ShouldContain("kind: ConfigMap");
        output.ShouldContain("name: hello-goodbye");
        output.ShouldContain("image: nginx:1.27");
        output.ShouldContain("kind: StatusPreview");
        output.ShouldNotContain("kind: Deployment");

        // Without --hook the same Katalog renders the create hook and not the delete one.
        var (allCode, all, allErr) = Run("render", "-k", katalog, "--cr", "samples/hello-website/cr.yaml");
        allCode.ShouldBe(0, allErr);
        all.ShouldContain("kind: Deployment");
        all.ShouldNotContain("hello-goodbye");
    }

    [Test]
    public void Render_usage_errors_exit_2()
    {
        Run("render", "-k", "samples/hello-website/katalog.yaml").Code.ShouldBe(2);
        Run("render", "--cr", "x.yaml", "--hook", "sometimes").Code.ShouldBe(2);
        Run("validate", "--bogus").Code.ShouldBe(2);
    }
}
