using System.Text.Json.Nodes;

namespace Orkestra.Host.Tests.Commands;

/// <summary>`ork simulate` end to end: the real reconciler in cycles on an in-process sandbox, its assertions, the
/// steady state and its absence, and located errors in the Simulate file.</summary>
[Parallelizable(ParallelScope.All)]
public class SimulateCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        return (Cli.Run(["simulate", .. args], stdout, stderr), stdout.ToString(), stderr.ToString());
    }

    private const string Website = """
        apiVersion: demo.orkestra.io/v1alpha1
        kind: Website
        metadata: {name: hello, namespace: default}
        spec: {image: "nginx:1.27"}
        """;

    public static IEnumerable<TestCaseData> SampleFiles() =>
        Directory.GetFiles(Repo.Combine("samples"), "simulate.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(f).SetName($"simulate {Path.GetFileName(Path.GetDirectoryName(f))}"));

    [TestCaseSource(nameof(SampleFiles))]
    public void Every_sample_simulation_passes(string file)
    {
        var (code, output, err) = Run("-f", file);
        code.ShouldBe(0, output + err);
        output.ShouldContain(" 0 failed");
        output.ShouldNotContain("FAIL ");
    }

    [Test]
    public void The_pipeline_reaches_its_steady_state_only_after_each_job_completed()
    {
        var (code, output, err) = Run("-k", Repo.Combine("samples", "pipeline", "katalog.yaml"), "--cr", Repo.Combine("samples", "pipeline", "cr.yaml"),
            "-o", "json");
        code.ShouldBe(0, err);
        var report = JsonNode.Parse(output)!;
        var cycles = report["cycles"]!.AsArray();
        var creates = cycles.SelectMany(c => c!["ops"]!.AsArray().Where(o => (string?)o!["verb"] == "create")
            .Select(o => ((int)c["cycle"]!, (string)o!["name"]!))).ToArray();
        creates.Select(c => c.Item2).ShouldBe(["release-42-build", "release-42-test", "release-42-notify"]);
        creates.Select(c => c.Item1).ShouldBeInOrder(SortDirection.Ascending);
        creates[0].Item1.ShouldBeLessThan(creates[1].Item1, "the test job waits for the build job to complete");
        ((int)report["steadyAt"]!).ShouldBeGreaterThan(creates[2].Item1);
        cycles.Last()!["ops"]!.AsArray().ShouldBeEmpty();
    }

    [Test]
    public void A_failed_expectation_is_a_FAIL_line_and_exit_1()
    {
        using var dir = new TempDirectory("ork-simulate-");
        dir.Write("cr.yaml", Website);
        var file = dir.Write("simulate.yaml", $$"""
            apiVersion: orkestra.orkspace.io/v1
            kind: Simulate
            metadata: {name: wrong}
            spec:
              katalog: {{Repo.Combine("samples", "hello-website", "katalog.yaml")}}
              cr: cr.yaml
              expect:
                steadyAt: 1
                ops:
                  - {verb: create, resource: configmaps}
                absent:
                  - {cycle: 1, verb: create, resource: services, name: hello}
            """);
        var (code, output, err) = Run("-f", file);
        code.ShouldBe(1, err);
        output.ShouldContain("FAIL steadyAt 1: steady at cycle 2");
        output.ShouldContain("FAIL ops[0] create configmaps: none found");
        output.ShouldContain("FAIL absent[0] create services hello in cycle 1: 1 found (cycle 1: create services default/hello)");
        output.ShouldContain("3 assertions: 0 passed, 3 failed");
    }

    /// <summary>A status that changes on every reconcile (a fresh UUID) writes every cycle: that is a hot loop, not a
    /// steady state, though every cycle looks the same.</summary>
    [Test]
    public void A_katalog_that_never_converges_has_no_steady_state_and_says_what_repeats()
    {
        using var dir = new TempDirectory("ork-simulate-");
        var katalog = dir.Write("katalog.yaml", """
            apiVersion: orkestra.orkspace.io/v1
            kind: Katalog
            metadata: {name: restless}
            spec:
              crds:
                website:
                  crdFile: crd.yaml
                  operatorBox:
                    status:
                      fields:
                        - path: token
                          value: "{{ uuidv4 }}"
            """);
        File.Copy(Repo.Combine("samples", "hello-website", "crd.yaml"), Path.Combine(dir.Path, "crd.yaml"));
        var cr = dir.Write("cr.yaml", Website);
        var (code, output, err) = Run("-k", katalog, "--cr", cr, "--cycles", "4");
        code.ShouldBe(0, err);   // no expectations: it reports, it does not judge
        output.ShouldContain("no steady state after 4 cycles; cycle 3 → 4:");
        output.ShouldContain("  = patch websites/status default/hello (again)");

        var file = dir.Write("simulate.yaml", """
            apiVersion: orkestra.orkspace.io/v1
            kind: Simulate
            spec: {katalog: katalog.yaml, cr: cr.yaml, cycles: 4, expect: {steady: true}}
            """);
        var (failed, failedOutput, _) = Run("-f", file);
        failed.ShouldBe(1);
        failedOutput.ShouldContain("FAIL steady: no steady state after 4 cycles");
    }

    [Test]
    public void A_bad_simulate_file_is_reported_with_locations()
    {
        using var dir = new TempDirectory("ork-simulate-");
        var file = dir.Write("simulate.yaml", """
            apiVersion: orkestra.orkspace.io/v1
            kind: Simulate
            spec:
              katalog: katalog.yaml
              cr: cr.yaml
              cycels: 3
              expect:
                ops:
                  - {verb: replace, resource: deployments}
                  - {resource: services}
            """);
        var (code, _, err) = Run("-f", file);
        code.ShouldBe(1);
        err.ShouldContain($"{file}:6:3: error: unknown key 'cycels' in spec; did you mean 'cycles'?");
        err.ShouldContain($"{file}:9:16: error: spec.expect.ops[0].verb must be create, update, delete or patch, not 'replace'");
        err.ShouldContain($"{file}:10:9: error: spec.expect.ops[1] needs verb and resource");
        err.ShouldContain($"{file}:4:12: error: spec.katalog 'katalog.yaml' not found");
    }

    [Test]
    public void Usage_errors_exit_2()
    {
        Run().Code.ShouldBe(2);
        Run("-f", "a.yaml", "--cr", "b.yaml").Code.ShouldBe(2);
        Run("--cr", "b.yaml", "--cycles", "0").Code.ShouldBe(2);
        Run("--cr", "b.yaml", "-o", "yaml").Code.ShouldBe(2);
    }

    [Test]
    public void A_cr_file_with_no_cr_of_the_katalog_is_an_error()
    {
        var (code, _, err) = Run("-k", Repo.Combine("samples", "hello-website", "katalog.yaml"),
            "--cr", Repo.Combine("samples", "status-fields", "cr.yaml"));
        code.ShouldBe(1);
        err.ShouldContain("no CR in");
        err.ShouldContain("Website demo.orkestra.io/v1alpha1");
    }
}
