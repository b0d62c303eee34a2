using Orkestra.Katalog.Binding;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;

namespace Orkestra.Host.Tests.Commands;

/// <summary>`ork e2e`: a kind: E2E file read with located errors, then run for real — the sandbox in process (or an
/// existing cluster by kubeconfig), the runtime's OperatorHost, the CR applied and deleted, each expectation polled
/// within its timeout.</summary>
[Parallelizable(ParallelScope.All)]
public class E2ECommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        return (Cli.Run(["e2e", .. args], stdout, stderr), stdout.ToString(), stderr.ToString());
    }

    private static string HelloWebsite(string file) => Repo.Combine("samples", "hello-website", file);

    public static IEnumerable<TestCaseData> SampleFiles() =>
        Directory.GetFiles(Repo.Combine("samples"), "e2e.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(f).SetName($"e2e {Path.GetFileName(Path.GetDirectoryName(f))}"));

    [TestCaseSource(nameof(SampleFiles))]
    public void Every_sample_e2e_passes(string file)
    {
        var (code, output, err) = Run("-f", file);
        code.ShouldBe(0, output + err);
        output.ShouldContain(" 0 failed");
        output.ShouldNotContain("FAIL ");
    }

    [Test]
    public void Hello_website_checks_its_children_after_the_CR_is_applied_and_after_it_is_deleted()
    {
        var (code, output, err) = Run("-f", HelloWebsite("e2e.yaml"), "--sandbox");
        code.ShouldBe(0, output + err);
        var lines = output.Split('\n');
        lines[0].ShouldStartWith("ork e2e hello-website: sandbox at https://127.0.0.1:");
        string[] expected =
        [
            "PASS  website-ready: Website default/hello ready — after ",
            "PASS  website-ready: Deployment default/hello ready — after ",
            "PASS  website-ready: Service default/hello exists — after ",
            "  ok  delete Website default/hello (",
            "PASS  children-removed: Deployment default/hello absent — after ",
            "PASS  children-removed: Service default/hello absent — after ",
        ];
        lines.Where(l => expected.Any(l.StartsWith)).Select(l => expected.First(l.StartsWith)).ShouldBe(expected);
        output.ShouldContain("5 assertions: 5 passed, 0 failed");
    }

    [Test]
    public void A_resource_that_never_appears_fails_its_expectation_by_name_and_exits_1()
    {
        using var dir = new TempDirectory("ork-e2e-");
        var file = dir.Write("e2e.yaml", $$"""
            apiVersion: orkestra.orkspace.io/v1
            kind: E2E
            metadata: {name: wrong}
            spec:
              katalog: {{HelloWebsite("katalog.yaml")}}
              cr: {{HelloWebsite("cr.yaml")}}
              expect:
                - name: too-hopeful
                  after: cr-applied
                  timeout: 300ms
                  resources:
                    - {kind: ConfigMap, name: never-there}
                    - {kind: Deployment, name: hello}
                - name: still-there
                  after: cr-deleted
                  timeout: 300ms
                  resources:
                    - {kind: Namespace, name: default, count: 0}
            """);
        var (code, output, err) = Run("-f", file);
        code.ShouldBe(1, output + err);
        output.ShouldContain("FAIL  too-hopeful: ConfigMap default/never-there exists — not found after ");
        output.ShouldContain($"(timeout 300 ms) at {file}:12:11");
        output.ShouldContain("PASS  too-hopeful: Deployment default/hello exists");
        output.ShouldContain("FAIL  still-there: Namespace default absent — still exists after ");
        output.ShouldContain("3 assertions: 1 passed, 2 failed");
    }

    [Test]
    public void A_bad_e2e_file_is_reported_with_locations_and_exits_2()
    {
        using var dir = new TempDirectory("ork-e2e-");
        var file = dir.Write("e2e.yaml", """
            apiVersion: orkestra.orkspace.io/v1
            kind: E2E
            spec:
              katalog: katalog.yaml
              cr: cr.yaml
              expcet: []
              setup:
                wait:
                  - {kind: Deployment, name: db, timeout: soon}
              expect:
                - name: ready
                  after: cr-aplied
                  resources:
                    - {kind: Deployment, name: web, count: 2}
                - name: scripted
                  after: cr-deleted
                  commands:
                    - run: kubectl get deployments
                  resources:
                    - {kind: Deployment, name: web, count: 0}
            """);
        var (code, output, err) = Run("-f", file);
        code.ShouldBe(2, output + err);
        output.ShouldBeEmpty();
        err.ShouldContain($"{file}:4:12: error: spec.katalog 'katalog.yaml' not found");
        err.ShouldContain($"{file}:6:3: error: unknown key 'expcet' in spec; did you mean 'expect'?");
        err.ShouldContain($"{file}:9:47: error: spec.setup.wait[0].timeout: invalid duration \"soon\"");
        err.ShouldContain($"{file}:12:14: error: spec.expect[0].after must be cr-applied or cr-deleted, not 'cr-aplied'; "
                          + "did you mean 'cr-applied'?");
        err.ShouldContain($"{file}:14:48: error: spec.expect[0].resources[0].count 2 with a name");
        err.ShouldContain($"{file}:17:7: error: not supported yet: commands (ork e2e runs no shell commands");
        err.ShouldContain("ork e2e: invalid input; nothing was run");
    }

    [Test]
    public void A_kind_cluster_is_refused_at_its_provider()
    {
        using var dir = new TempDirectory("ork-e2e-");
        var file = dir.Write("e2e.yaml", $$"""
            apiVersion: orkestra.orkspace.io/v1
            kind: E2E
            spec:
              katalog: {{HelloWebsite("katalog.yaml")}}
              cr: {{HelloWebsite("cr.yaml")}}
              cluster:
                provider: kind
                name: ork-e2e
              commands:
                - run: make deploy
              expect: []
            """);
        var (code, _, err) = Run("-f", file);
        code.ShouldBe(2);
        err.ShouldContain($"{file}:7:15: error: spec.cluster.provider: kind clusters are not supported by ork e2e; "
                          + "use the embedded sandbox");
        err.ShouldContain("or provider: existing (a kubeconfig context)");
        err.ShouldContain($"{file}:9:3: error: not supported yet: commands");
    }

    [Test]
    public void The_model_has_the_documented_defaults_and_kinds_resolve_from_the_katalog_or_the_built_ins()
    {
        using var dir = new TempDirectory("ork-e2e-");
        var file = dir.Write("e2e.yaml", $$"""
            apiVersion: orkestra.orkspace.io/v1
            kind: E2E
            spec:
              katalog: {{HelloWebsite("katalog.yaml")}}
              crd: {{HelloWebsite("crd.yaml")}}
              cr: {{HelloWebsite("cr.yaml")}}
              cluster: {provider: existing, name: staging}
              setup:
                apply: [{{HelloWebsite("cr.yaml")}}]
                wait:
                  - {kind: Deployment, name: db, ready: true}
              expect:
                - name: up
                  after: cr-applied
                  resources:
                    - {kind: Website, name: hello, ready: true}
                    - {kind: Service, namespace: web, count: 3}
                - name: down
                  after: cr-deleted
                  timeout: 2m
                  resources:
                    - {kind: Webiste, name: hello, count: 0}
            """);
        var diagnostics = new DiagnosticBag();
        var spec = E2EBinder.Load(file, diagnostics);
        diagnostics.HasErrors.ShouldBeFalse(string.Join("\n", diagnostics.Sorted()));
        spec.ShouldNotBeNull();
        spec.Cluster.Provider.ShouldBe(E2EProvider.Existing);
        spec.Cluster.Context.ShouldBe("staging");
        spec.SetupApply.ShouldBe([HelloWebsite("cr.yaml")]);
        spec.SetupWait.Single().Timeout.ShouldBe(TimeSpan.FromSeconds(30));
        spec.Expect.Select(e => (e.Name, e.After, e.Timeout))
            .ShouldBe([("up", E2EPhase.CrApplied, TimeSpan.FromSeconds(30)), ("down", E2EPhase.CrDeleted, TimeSpan.FromMinutes(2))]);
        spec.Expect[0].Resources[1].Describe(namespaced: true).ShouldBe("Service web/* count 3");
        spec.Expect[0].Resources[0].Describe(namespaced: true).ShouldBe("Website default/hello ready");

        var resolved = E2EBinder.ResolveKinds(spec, [("demo.orkestra.io/v1alpha1", "Website")], diagnostics);
        resolved.ShouldBeNull();
        diagnostics.Sorted().Single().ToString().ShouldBe(
            $"{file}:22:11: error: unknown kind 'Webiste': not a built-in kind nor a CRD of the Katalog; give its apiVersion; "
            + "did you mean 'Website'?");

        var fixedSpec = spec with { Expect = spec.Expect.Take(1).ToArray() };
        var ok = E2EBinder.ResolveKinds(fixedSpec, [("demo.orkestra.io/v1alpha1", "Website")], new DiagnosticBag())!;
        ok.SetupWait[0].ApiVersion.ShouldBe("apps/v1");
        ok.Expect[0].Resources.Select(r => r.ApiVersion).ShouldBe(["demo.orkestra.io/v1alpha1", "v1"]);
    }

    /// <summary>An existing cluster is reached by kubeconfig: here a sandbox started by the test, so the run touches
    /// only what it applied.</summary>
    [Test]
    public async Task An_existing_cluster_is_reached_by_its_kubeconfig()
    {
        await using var cluster = await TestSandbox.StartAsync();
        var (code, output, err) = await Task.Run(() => Run("-f", HelloWebsite("e2e.yaml"), "--kubeconfig", cluster.KubeconfigPath));
        code.ShouldBe(0, output + err);
        output.ShouldStartWith($"ork e2e hello-website: cluster {cluster.Server.BaseUrl}");
        output.ShouldContain("5 assertions: 5 passed, 0 failed");
        var (status, _, _) = await cluster.GetAsync("/apis/demo.orkestra.io/v1alpha1/namespaces/default/websites/hello");
        status.ShouldBe(404, "the CR is deleted at the end");
    }

    [Test]
    public void An_e2e_file_given_as_a_Katalog_points_to_ork_e2e()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Cli.Run(["validate", "-k", HelloWebsite("e2e.yaml")], stdout, stderr).ShouldBe(1);
        stderr.ToString().ShouldContain("e2e.yaml:4:7: error: kind E2E is an end-to-end test: run it with ork e2e -f FILE");
    }

    [Test]
    public void Usage_errors_and_a_missing_file_exit_2()
    {
        Run("--sandbox", "--cluster", "prod").Code.ShouldBe(2);
        Run("--sandbox", "--kubeconfig", "k").Code.ShouldBe(2);
        Run("extra").Code.ShouldBe(2);
        using var dir = new TempDirectory("ork-e2e-");
        var (code, _, err) = Run("-f", dir.File("missing.yaml"));
        code.ShouldBe(2);
        err.ShouldContain($"{dir.File("missing.yaml")}:0:0: error: e2e file not found");
    }
}
