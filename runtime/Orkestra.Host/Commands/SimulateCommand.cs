using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Binding;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Kube.Connection;
using Orkestra.Runtime.Cluster;
using Orkestra.Runtime.Hosting;
using Orkestra.Runtime.Observability;
using Orkestra.Runtime.Reconciliation;
using Orkestra.Runtime.Simulation;
using Orkestra.Sandbox;

namespace Orkestra.Host.Commands;

/// <summary>
/// <c>ork simulate</c>: runs the production reconciler (<see cref="CycleSimulator"/>) in cycles against an in-process
/// sandbox API server with its workload simulators, prints each cycle's writes, finds the steady state and checks the
/// Simulate file's <c>expect</c>. Exit 0 when every assertion holds (or none is given), 1 otherwise, 2 on usage.
/// </summary>
internal static class SimulateCommand
{
    public const string Summary = "reconcile a Katalog's CRs in cycles on an in-process sandbox and check the steady state";

    private const string Help = """
        Usage: ork simulate [-f simulate.yaml] [-k KATALOG --cr CR.yaml] [--crd NAME] [--cycles N] [--skip-external] [-o text|json]

        Starts an in-process sandbox API server (Deployments become Available, Jobs complete), applies the Katalog's
        CRDs and setup and the CRs, then reconciles with the runtime's own reconciler in cycles: each cycle waits until
        the caches hold what the server holds, then reconciles every simulated CR once and records its writes
        (create, update, delete, patch). The steady state is two consecutive cycles that write nothing. For each CRD
        the first CR of its kind in the CR file is simulated; further CRs of that kind are created but not reconciled
        (for conditions such as unique). Without expectations it prints the cycles and exits 0.

        Options:
          -f, --file FILE          a kind: Simulate file (spec.katalog, spec.cr, spec.cycles, spec.expect)
          -k, --katalog FILE       the Katalog (instead of -f; katalog.yaml with --cr)
          --cr FILE                the custom resources (instead of -f)
          --crd NAME               simulate only this CRD
          --cycles N               at most N cycles (default 10, or spec.cycles)
          --skip-external          do not make the Katalog's external HTTP calls (.external stays empty)
          -o, --output FORMAT      text (default) or json
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["-h" or "--help"]) { stdout.WriteLine(Help); return 0; }
        var line = CommandLine.Parse(args, [["--file", "-f"], ["--katalog", "-k"], ["--cr"], ["--crd"], ["--cycles"], ["--output", "-o"]],
            ["--skip-external"]);
        var usage = line.Error ?? (line.Positional.Count > 0 ? $"unexpected argument {line.Positional[0]}" : null)
                    ?? (line.One("--file") is not null && (line.One("--katalog") ?? line.One("--cr")) is not null
                        ? "-f excludes -k and --cr" : null)
                    ?? (line.One("--file") is null && line.One("--cr") is null ? "give a Simulate file (-f) or a CR file (--cr)" : null)
                    ?? (line.One("--output") is { } o && o is not ("text" or "json")
                        ? $"--output must be text or json, not \"{o}\"" : null);
        int? cycles = null;
        if (usage is null && line.One("--cycles") is { } cyclesText)
        {
            if (int.TryParse(cyclesText, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                && n is >= 1 and <= SimulateBinder.MaxCycles)
                cycles = n;
            else usage = $"--cycles must be a whole number from 1 to {SimulateBinder.MaxCycles}, not \"{cyclesText}\"";
        }
        if (usage is not null)
        {
            stderr.WriteLine($"ork simulate: {usage}");
            stderr.WriteLine(Help);
            return 2;
        }

        var diagnostics = new DiagnosticBag();
        SimulateSpec? spec = null;
        if (line.One("--file") is { } file)
        {
            spec = SimulateBinder.Load(file, diagnostics);
            if (spec is null) return Fail(stderr, diagnostics);
        }
        var katalogFile = spec?.Katalog ?? line.One("--katalog") ?? "katalog.yaml";
        var crFile = spec?.Cr ?? line.One("--cr")!;
        var compiled = KomposerLoad.Compile([katalogFile], Environment.GetEnvironmentVariable);
        var problems = RuntimeSupport.Diagnose(compiled);
        if (problems.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            foreach (var d in problems) stderr.WriteLine(d.ToString());
            return 1;
        }
        var crs = ManifestApplier.Load([crFile], diagnostics);
        if (diagnostics.HasErrors) return Fail(stderr, diagnostics);
        var operators = compiled.Katalogs.SelectMany(k => k.Operators).Where(o => o.Settings.Enabled)
            .Where(o => line.One("--crd") is not { } only || o.Name == only).ToArray();
        if (line.One("--crd") is { } crd && operators.Length == 0)
        {
            stderr.WriteLine($"ork simulate: no enabled CRD named \"{crd}\" in {katalogFile}");
            return 1;
        }
        var targets = Targets(operators, crs);
        if (targets.Count == 0)
        {
            stderr.WriteLine($"ork simulate: no CR in {crFile} is of a CRD of {katalogFile} "
                             + $"({string.Join(", ", operators.Select(o => $"{o.ApiTypes.Kind} {o.ApiTypes.ApiVersion}"))})");
            return 1;
        }
        var settings = new Plan(compiled.Katalogs, targets, crs, cycles ?? spec?.Cycles ?? 10,
            line.Has("--skip-external") || spec?.SkipExternal == true);
        SimulationRun run;
        var wall = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            run = SimulateAsync(settings, stderr).GetAwaiter().GetResult();
        }
        catch (SimulationFailedException e)
        {
            stderr.WriteLine($"ork simulate: {e.Message}");
            return 1;
        }
        var assertions = spec?.Expect is { } expect ? Expectations.Check(expect, run) : [];
        if (line.One("--output") == "json") WriteJson(stdout, run, wall.Elapsed, assertions);
        else WriteText(stdout, katalogFile, run, wall.Elapsed, targets, assertions);
        return assertions.All(a => a.Passed) ? 0 : 1;
    }

    private sealed record Plan(IReadOnlyList<CompiledKatalog> Katalogs, IReadOnlyList<(CompiledOperator Operator, ObjectKey Cr)> Targets,
        IReadOnlyList<ManifestObject> Objects, int Cycles, bool SkipExternal);

    private sealed class SimulationFailedException(string message) : Exception(message);

    private static int Fail(TextWriter stderr, DiagnosticBag diagnostics)
    {
        foreach (var d in diagnostics.Sorted()) stderr.WriteLine(d.ToString());
        return 1;
    }

    /// <summary>For each operator, the first CR of its kind (a CR without a namespace goes to <c>default</c>).</summary>
    private static List<(CompiledOperator, ObjectKey)> Targets(IReadOnlyList<CompiledOperator> operators, IReadOnlyList<ManifestObject> crs)
    {
        var targets = new List<(CompiledOperator, ObjectKey)>();
        foreach (var op in operators)
        {
            var first = crs.FirstOrDefault(c => c.Kind == op.ApiTypes.Kind && (string?)c.Body["apiVersion"] == op.ApiTypes.ApiVersion);
            if (first is null) continue;
            var ns = op.Settings.Namespaced ? (string?)first.Body["metadata"]?["namespace"] ?? "default" : null;
            targets.Add((op, new ObjectKey(ns, first.Name)));
        }
        return targets;
    }

    private static async Task<SimulationRun> SimulateAsync(Plan settings, TextWriter stderr)
    {
        using var logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning)
            .AddProvider(new LineLoggerProvider(stderr, LogFormat.Text, LogLevel.Warning)));
        var folder = Directory.CreateTempSubdirectory("ork-simulate-");
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 }).ConfigureAwait(false);
        try
        {
            var kubeconfig = Path.Combine(folder.FullName, "kubeconfig");
            sandbox.WriteKubeconfig(kubeconfig);
            using var connection = KubeConnection.Create(new KubeConnectionOptions
            {
                KubeconfigPath = kubeconfig, Qps = 10_000, Burst = 10_000, UserAgent = $"ork-simulate/{Cli.Version}",
            });
            var client = connection.CreateClient();
            var mapper = connection.CreateRestMapper();
            var time = TimeProvider.System;
            var plan = StartupPlan.For(settings.Katalogs, ApplyMode.Always, inCluster: false);
            var diagnostics = new DiagnosticBag();
            var setup = ManifestApplier.Load(plan.CrdFiles.Concat(plan.SetupFiles), diagnostics);
            if (diagnostics.HasErrors) throw new SimulationFailedException(string.Join("\n", diagnostics.Sorted()));
            var applier = new ManifestApplier(client, mapper, "default", logs.CreateLogger("ork.simulate"), time);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            if (!await applier.ApplyAsync(setup, TimeSpan.FromSeconds(30), timeout.Token).ConfigureAwait(false)
                || !await applier.ApplyAsync(settings.Objects, TimeSpan.FromSeconds(30), timeout.Token).ConfigureAwait(false))
                throw new SimulationFailedException("the CRDs, setup or CRs could not be applied (see above)");
            using var externalHttp = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var request = new SimulationRequest(settings.Katalogs, settings.Targets, settings.Cycles,
                settings.SkipExternal ? null : new ExternalCalls(externalHttp, time));
            try
            {
                return await CycleSimulator.RunAsync(client, mapper, request, time, timeout.Token).ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                throw new SimulationFailedException(e.Message);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static void WriteText(TextWriter stdout, string katalog, SimulationRun run, TimeSpan wall,
        IReadOnlyList<(CompiledOperator Operator, ObjectKey Cr)> targets, IReadOnlyList<Assertion> assertions)
    {
        var ms = run.Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
        var state = run.SteadyAt is { } at ? $"steady at cycle {at}" : $"no steady state after {run.Cycles.Count} cycles";
        stdout.WriteLine($"ork simulate {katalog}: {string.Join(", ", targets.Select(t => $"{t.Operator.Name} {t.Cr}"))} — "
                         + $"{state}, {run.Cycles.Count} cycles in {ms} ms "
                         + $"({wall.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms with the sandbox's start)");
        stdout.WriteLine();
        stdout.WriteLine("cycle  create  update   patch  delete  errors  warnings      ms");
        foreach (var cycle in run.Cycles)
        {
            int Count(string verb) => cycle.Operations.Count(o => o.Verb == verb);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{cycle.Number,5}{Count("create"),8}{Count("update"),8}{Count("patch"),8}{Count("delete"),8}{cycle.Errors.Count,8}"
                + $"{cycle.Warnings.Count,10}{cycle.Duration.TotalMilliseconds,8:0.0}"));
        }
        stdout.WriteLine();
        foreach (var cycle in run.Cycles.Where(c => c.Operations.Count + c.Errors.Count + c.Warnings.Count > 0))
        {
            stdout.WriteLine($"cycle {cycle.Number}:");
            foreach (var op in cycle.Operations) stdout.WriteLine($"  {op}");
            foreach (var error in cycle.Errors) stdout.WriteLine($"  error {error.Crd} {error.Key}: {error.Message}");
            foreach (var warning in cycle.Warnings) stdout.WriteLine($"  warning event {warning.Key}: {warning.Message}");
        }
        if (run.SteadyAt is null && run.Cycles.Count >= 2)
        {
            var last = run.Cycles[^1].Signature();
            var before = run.Cycles[^2].Signature();
            stdout.WriteLine($"no steady state after {run.Cycles.Count} cycles; cycle {run.Cycles[^2].Number} → {run.Cycles[^1].Number}:");
            foreach (var gone in before.Except(last, StringComparer.Ordinal)) stdout.WriteLine($"  - {gone}");
            foreach (var added in last.Except(before, StringComparer.Ordinal)) stdout.WriteLine($"  + {added}");
            foreach (var again in last.Intersect(before, StringComparer.Ordinal)) stdout.WriteLine($"  = {again} (again)");
        }
        if (assertions.Count == 0) return;
        stdout.WriteLine();
        foreach (var a in assertions) stdout.WriteLine($"{(a.Passed ? "PASS" : "FAIL")} {a.Name}: {a.Detail}");
        var passed = assertions.Count(a => a.Passed);
        var plural = assertions.Count == 1 ? "" : "s";
        stdout.WriteLine($"{assertions.Count} assertion{plural}: {passed} passed, {assertions.Count - passed} failed");
    }

    private static void WriteJson(TextWriter stdout, SimulationRun run, TimeSpan wall, IReadOnlyList<Assertion> assertions)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            if (run.SteadyAt is { } at) json.WriteNumber("steadyAt", at);
            else json.WriteNull("steadyAt");
            json.WriteNumber("elapsedMs", Math.Round(run.Elapsed.TotalMilliseconds, 1));
            json.WriteNumber("wallMs", Math.Round(wall.TotalMilliseconds, 1));
            json.WriteStartArray("cycles");
            foreach (var cycle in run.Cycles)
            {
                json.WriteStartObject();
                json.WriteNumber("cycle", cycle.Number);
                json.WriteNumber("durationMs", Math.Round(cycle.Duration.TotalMilliseconds, 2));
                json.WriteStartArray("ops");
                foreach (var op in cycle.Operations)
                {
                    json.WriteStartObject();
                    json.WriteString("crd", op.Crd);
                    json.WriteString("verb", op.Verb);
                    json.WriteString("resource", op.Resource);
                    if (op.Namespace is not null) json.WriteString("namespace", op.Namespace);
                    json.WriteString("name", op.Name);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                Notes(json, "errors", cycle.Errors);
                Notes(json, "warnings", cycle.Warnings);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("assertions");
            foreach (var a in assertions)
            {
                json.WriteStartObject();
                json.WriteString("name", a.Name);
                json.WriteBoolean("passed", a.Passed);
                json.WriteString("detail", a.Detail);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        stdout.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void Notes(Utf8JsonWriter json, string name, IReadOnlyList<CycleNote> notes)
    {
        json.WriteStartArray(name);
        foreach (var note in notes)
        {
            json.WriteStartObject();
            json.WriteString("crd", note.Crd);
            json.WriteString("key", note.Key);
            json.WriteString("message", note.Message);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
