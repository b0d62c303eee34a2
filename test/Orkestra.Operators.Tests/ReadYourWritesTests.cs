using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Operators.Tests.Support;
using Orkestra.Runtime;
using Orkestra.Runtime.Controllers;

namespace Orkestra.Operators.Tests;

/// <summary>
/// The runtime reads its own writes: the reconcile that the first child's watch event triggers right after the one
/// that created the children sees every child and the status that one wrote, even while the other children's watch
/// events are still on their way. So a burst of new CRs costs exactly one apply per child, one metadata and one
/// status patch per CR, and yields one "Created" and one "Reconciled" Event per CR.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ReadYourWritesTests
{
    private const int Widgets = 50;
    private const string Katalog = "test/Orkestra.Operators.Tests/Katalogs/readyourwrites/katalog.yaml";
    private const string WidgetsPath = "/apis/test.orkestra.io/v1/namespaces/default/widgets";
    private static readonly string[] Children = ["deployments", "services", "configmaps"];

    /// <param name="lagging">Hold the ConfigMap watch until every CR had its second reconcile: a watch that lags
    /// behind the others (what happens by chance under load) on purpose.</param>
    [TestCase(false)]
    [TestCase(true)]
    public async Task A_burst_of_new_CRs_writes_each_child_once_and_records_one_Created_event_per_CR(bool lagging)
    {
        var reconciles = new ConcurrentDictionary<ObjectKey, int>();
        await using var ork = await RunningOperators.StartAsync([Katalog], wrap: (_, inner) => new CountingReconciler(inner, reconciles));
        await ork.WaitReadyAsync();
        var sandbox = ork.Sandbox;
        if (lagging) sandbox.Server.Faults.HoldWatchEvents("configmaps");

        await Task.WhenAll(Enumerable.Range(0, Widgets).Select(async i =>
        {
            var body = $$$"""{"apiVersion":"test.orkestra.io/v1","kind":"Widget","metadata":{"name":"w-{{{i}}}","namespace":"default"},"spec":{"image":"nginx:1.27","replicas":1,"port":8080}}""";
            var (code, response, _) = await sandbox.SendAsync(HttpMethod.Post, WidgetsPath, body);
            code.ShouldBe(201, response?.ToJsonString());
        }));

        // Every CR is reconciled once more after the reconcile that created its children (their watch events
        // re-enqueue it): that second reconcile is the one that must see what the first one wrote.
        var operators = ork.Host.State.Operators.Single();
        await ork.EventuallyAsync(() => Task.FromResult(reconciles.Count == Widgets && reconciles.Values.All(n => n >= 2)
            && operators.QueueDepth() == 0 && operators.ActiveWorkers() == 0), "every widget reconciled twice and the queue drained");
        sandbox.Server.Faults.ReleaseWatchEvents();
        (await ork.StopAsync()).ShouldBe(0);   // drains the workers and writes every held-back Event count

        var (listed, list, _) = await sandbox.GetAsync("/api/v1/namespaces/default/events");
        listed.ShouldBe(200);
        var events = list!["items"]!.AsArray().Select(e => e!).ToArray();
        var patches = sandbox.Server.RequestLog.Records.Where(r => r.Verb == "patch").Select(r => r.Path.Split('?')[0]).ToArray();
        var problems = new List<string>();
        for (var i = 0; i < Widgets; i++)
        {
            var name = $"w-{i}";
            var mine = events.Where(e => (string?)e["involvedObject"]?["name"] == name && (string?)e["involvedObject"]?["kind"] == "Widget").ToArray();
            var created = mine.Where(e => (string?)e["reason"] == "Created").ToArray();
            if (created.Length != 1 || (int?)created[0]["count"] != 1 || !CreatesAll((string?)created[0]["message"], name))
                problems.Add($"{name}: Created events {Describe(created)}");
            var others = mine.Where(e => (string?)e["reason"] != "Created").ToArray();
            if (others.Length != 1 || (string?)others[0]["reason"] != "Reconciled" || (int?)others[0]["count"] != 1)
                problems.Add($"{name}: other events {Describe(others)}");
            foreach (var path in new[]
                     {
                         $"/apis/apps/v1/namespaces/default/deployments/{name}", $"/api/v1/namespaces/default/services/{name}",
                         $"/api/v1/namespaces/default/configmaps/{name}-config", $"{WidgetsPath}/{name}", $"{WidgetsPath}/{name}/status",
                     })
            {
                var count = patches.Count(p => p == path);
                if (count != 1) problems.Add($"{name}: {count} patches of {path}");
            }
        }
        problems.ShouldBeEmpty();
        sandbox.Server.RequestLog.Records.Count(r => r.Verb == "patch" && Children.Contains(r.Resource)).ShouldBe(Widgets * Children.Length);
    }

    private static bool CreatesAll(string? message, string name) =>
        message is not null && message.StartsWith("created ", StringComparison.Ordinal)
        && message["created ".Length..].Split(", ").Order(StringComparer.Ordinal)
            .SequenceEqual([$"ConfigMap {name}-config", $"Deployment {name}", $"Service {name}"]);

    private static string Describe(IEnumerable<JsonNode> events) =>
        "[" + string.Join("; ", events.Select(e => $"{e["reason"]} \"{e["message"]}\" x{e["count"]}")) + "]";

    private sealed class CountingReconciler(IReconciler inner, ConcurrentDictionary<ObjectKey, int> counts) : IReconciler
    {
        public async ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellation)
        {
            try
            {
                return await inner.ReconcileAsync(key, cancellation);
            }
            finally
            {
                counts.AddOrUpdate(key, 1, (_, n) => n + 1);
            }
        }
    }
}
