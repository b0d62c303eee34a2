using System.Text.Json.Nodes;
using Orkestra.Operators.Tests.Support;
using Orkestra.Runtime.Observability;

namespace Orkestra.Operators.Tests;

/// <summary>What dashboards and people read from a running <c>ork run</c> on the sandbox: the metric families under both
/// naming schemes with their exact labels, the Grafana dashboard's queries, and one JSON log line per reconcile that
/// did something, correlated with its Events by the reconcile's id.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ObservabilityTests
{
    private static async Task<RunningOperators> HelloAsync(params string[] arguments)
    {
        var ork = await RunningOperators.StartAsync(["samples/hello-website/katalog.yaml"], arguments: arguments);
        try
        {
            await ork.WaitReadyAsync();
            await ork.OkAsync($"apply -f {Repo.Path("samples/hello-website/cr.yaml")}");
            await ork.OkAsync("wait --for=condition=Ready website/hello --timeout=60s");
            return ork;
        }
        catch
        {
            await ork.DisposeAsync();
            throw;
        }
    }

    /// <summary>Each family by the label names of its samples (histograms by their <c>_bucket</c> series).</summary>
    private static readonly (string Family, string[] Labels)[] ControllerRuntimeFamilies =
    [
        ("controller_runtime_reconcile_total", ["controller", "result"]),
        ("controller_runtime_reconcile_errors_total", ["controller"]),
        ("controller_runtime_reconcile_time_seconds_bucket", ["controller"]),
        ("controller_runtime_max_concurrent_reconciles", ["controller"]),
        ("controller_runtime_active_workers", ["controller"]),
        ("workqueue_depth", ["name"]),
        ("workqueue_adds_total", ["name"]),
        ("workqueue_queue_duration_seconds_bucket", ["name"]),
        ("workqueue_work_duration_seconds_bucket", ["name"]),
        ("workqueue_retries_total", ["name"]),
        ("workqueue_unfinished_work_seconds", ["name"]),
        ("workqueue_longest_running_processor_seconds", ["name"]),
        ("rest_client_requests_total", ["code", "method", "host"]),
        ("leader_election_master_status", ["name"]),
    ];

    private static readonly (string Family, string[] Labels)[] OrkestraFamilies =
    [
        ("controller_reconcile_total", ["crd", "result"]),
        ("controller_reconcile_duration_seconds_bucket", ["crd"]),
        ("controller_resource_count", ["crd"]),
        ("controller_queue_depth", ["crd"]),
        ("controller_workers_active", ["crd"]),
        ("orkestra_reconcile_noop_total", ["crd"]),
    ];

    [Test]
    public async Task Both_naming_schemes_are_exported_by_default_with_their_exact_labels()
    {
        await using var ork = await HelloAsync();
        var metrics = await ork.MetricsAsync();
        var series = PromQl.Series(metrics);
        foreach (var (family, labels) in ControllerRuntimeFamilies.Concat(OrkestraFamilies))
        {
            series.ContainsKey(family).ShouldBeTrue(family);
            series[family].Order().ShouldBe(labels.Order(), family);
        }
        foreach (var result in new[] { "success", "error", "requeue", "requeue_after" })
            metrics.ShouldContain($"controller_runtime_reconcile_total{{controller=\"website\",result=\"{result}\"}}");
        metrics.ShouldContain("controller_runtime_max_concurrent_reconciles{controller=\"website\"} 3");
        metrics.ShouldMatch("""leader_election_master_status\{name="orkestra-[^"]+"\} 1""");
        metrics.ShouldMatch("""rest_client_requests_total\{code="201",method="POST",host="127\.0\.0\.1:\d+"\} \d""");
        // Every family is declared once: one TYPE line each.
        metrics.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).ShouldBeUnique();
    }

    [TestCase("orkestra")]
    [TestCase("controller-runtime")]
    public async Task The_flag_drops_the_other_name_of_quantities_that_have_two(string names)
    {
        await using var ork = await HelloAsync("--metrics-names", names);
        var families = PromQl.Families(await ork.MetricsAsync());
        var orkestra = names == "orkestra";
        foreach (var family in new[] { "controller_reconcile_total", "controller_queue_depth", "controller_workers_active", "orkestra_leader" })
            families.ContainsKey(family).ShouldBe(orkestra, family);
        foreach (var family in new[] { "controller_runtime_reconcile_total", "controller_runtime_active_workers", "workqueue_depth" })
            families.ContainsKey(family).ShouldBe(!orkestra, family);
        // Families with one name only stay.
        foreach (var family in new[] { "workqueue_adds_total", "orkestra_reconcile_noop_total", "controller_resource_count" })
            families.ContainsKey(family).ShouldBeTrue(family);
    }

    [Test]
    public async Task Every_query_of_the_Grafana_dashboard_names_a_metric_the_runtime_exports()
    {
        var dashboard = JsonNode.Parse(await File.ReadAllTextAsync(Repo.Path("deploy/grafana/orkestra-dashboard.json")))!;
        var queries = Exprs(dashboard).ToArray();
        queries.Length.ShouldBeGreaterThan(10);
        await using var ork = await HelloAsync();
        var exported = PromQl.Series(await ork.MetricsAsync()).Keys.ToHashSet();
        var named = new HashSet<string>();
        foreach (var query in queries)
        {
            var names = PromQl.MetricNames(query);
            names.ShouldNotBeEmpty(query);
            foreach (var name in names)
            {
                exported.ShouldContain(name, $"the dashboard query {query} names {name}, which ork run does not export");
                named.Add(name);
            }
        }
        named.Count.ShouldBeGreaterThan(12);
    }

    /// <summary>Every <c>expr</c> of the dashboard's panels, and the queries of its template variables.</summary>
    private static IEnumerable<string> Exprs(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (key is "expr" or "definition" && value is JsonValue v && v.TryGetValue<string>(out var text))
                    {
                        yield return text.StartsWith("label_values(", StringComparison.Ordinal)
                            ? text["label_values(".Length..text.IndexOf(',', StringComparison.Ordinal)]
                            : text;
                    }
                    else foreach (var inner in Exprs(value)) yield return inner;
                }
                break;
            case JsonArray a:
                foreach (var item in a) foreach (var inner in Exprs(item)) yield return inner;
                break;
        }
    }

    [Test]
    public void The_query_parser_finds_metric_names_and_nothing_else()
    {
        PromQl.MetricNames("""histogram_quantile(0.99, sum by (controller, le) (rate(x_seconds_bucket{controller=~"$c", a="b(c)"}[5m])))""")
            .ShouldBe(["x_seconds_bucket"]);
        PromQl.MetricNames("sum(a_total) / on (crd) group_left b_gauge offset 1h > bool 1e3 and $var")
            .Order().ShouldBe(["a_total", "b_gauge"]);
        PromQl.MetricNames("rate(${kind}_total[$__rate_interval])").ShouldBe(["$kind$_total"]);   // never matches an export
    }

    [Test]
    public async Task A_reconcile_that_writes_logs_one_info_line_with_its_children_and_its_id_is_on_its_Events()
    {
        await using var ork = await HelloAsync("--log-format", "json");
        await ork.EventuallyAsync(async () => Noops(await ork.MetricsAsync()) >= 1, "a no-op reconcile to be counted");
        var lines = ork.Logs.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();
        lines.ShouldNotBeEmpty();
        foreach (var line in lines)
        {
            foreach (var (key, _) in line) char.IsLower(key[0]).ShouldBeTrue($"key {key} of {line.ToJsonString()}");
        }
        JsonObject[] Reconciles(int id) =>
            lines.Where(l => (int?)l["event"] == id && (string?)l["crd"] == "website" && (string?)l["name"] == "hello").ToArray();

        var created = Reconciles(100).Single(l => ((string)l["changes"]!).Contains("created Deployment hello", StringComparison.Ordinal));
        ((string)created["level"]!).ShouldBe("info");
        ((string)created["namespace"]!).ShouldBe("default");
        ((string)created["result"]!).ShouldBe("success");
        ((string)created["changes"]!).ShouldContain("created Service hello");
        created["durationMs"]!.GetValue<double>().ShouldBeGreaterThan(0);
        var id = (string)created["reconcileID"]!;
        Guid.TryParse(id, out _).ShouldBeTrue();
        ((string)created["msg"]!).ShouldContain(id);

        // A reconcile that found everything converged: DEBUG only, never an INFO line.
        var noop = Reconciles(102);
        noop.ShouldNotBeEmpty();
        noop.ShouldAllBe(l => (string?)l["level"] == "debug");
        Reconciles(100).Select(l => (string?)l["reconcileID"]).ShouldNotContain((string?)noop[0]["reconcileID"]);
        lines.Select(l => (string?)l["reconcileID"]).Where(r => r is not null).GroupBy(r => r).ShouldAllBe(g => g.Count() == 1);

        // The Created Event carries the id of the reconcile that created the children.
        var events = JsonNode.Parse(await ork.OkAsync(
            "get events --field-selector involvedObject.name=hello,involvedObject.kind=Website -o json"))!["items"]!.AsArray();
        var createdEvent = events.Single(e => (string?)e!["reason"] == "Created")!;
        ((string?)createdEvent["metadata"]!["annotations"]?[EventRecorder.ReconcileIdAnnotation]).ShouldBe(id);
    }

    private static double Noops(string metrics) =>
        PromQl.Series(metrics).ContainsKey("orkestra_reconcile_noop_total")
            ? double.Parse(metrics.Split('\n').Single(l => l.StartsWith("orkestra_reconcile_noop_total{crd=\"website\"}",
                StringComparison.Ordinal)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)
            : 0;

    [Test]
    public async Task The_printed_listening_address_is_the_bound_one()
    {
        await using var ork = await RunningOperators.StartAsync(["samples/hello-website/katalog.yaml"]);
        await ork.WaitReadyAsync();
        var port = ork.Http.BaseAddress!.Port;
        ork.Logs.ShouldContain($"HTTP on http://127.0.0.1:{port}/");
    }
}
