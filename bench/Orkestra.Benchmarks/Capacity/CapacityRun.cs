using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using Orkestra.Sandbox;

namespace Orkestra.Benchmarks.Capacity;

/// <summary>
/// `./build.sh bench capacity`: how much the sandbox carries over loopback HTTPS. Seeds N ConfigMaps with parallel
/// creates, then for each client count sustains simple GETs of random objects for a fixed time (HTTP/1.1 with one
/// connection per client, and HTTP/2 multiplexed on one connection as client-go does), then opens W watches and
/// times the delivery of E updates to every watcher. Every phase is bounded in time and count; the report is
/// markdown for docs/benchmarks.md. Not a BenchmarkDotNet suite: the quantity is sustained throughput under
/// concurrency, not the cost of one call.
/// </summary>
internal static class CapacityRun
{
    sealed record Settings(int Objects, int[] Clients, TimeSpan Phase, int Watches, int Events, TimeSpan Bound);

    public static async Task<int> RunAsync(string[] args)
    {
        var settings = Parse(args);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.ProcessArchitecture}");
        report.AppendLine(CultureInfo.InvariantCulture, $"Settings: {settings.Objects} objects, clients {string.Join("/", settings.Clients)}, {settings.Phase.TotalSeconds:0} s per GET phase, {settings.Watches} watches × {settings.Events} events");
        report.AppendLine();

        await using var server = await SandboxServer.StartAsync(new SandboxOptions
        {
            Port = 0,
            Simulation = new SimulationOptions { Enabled = false },
            RequestLogCapacity = 1_000,
        });

        // ---------------------------------------------------------------- seed
        using (var seeder = Client(server, connections: 16, http2: false))
        {
            var started = Stopwatch.GetTimestamp();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < settings.Objects)
                {
                    using var body = new StringContent($$$"""{"metadata":{"name":"{{{Name(i)}}}","labels":{"app":"bench","shard":"{{{i % 10}}}"}},"data":{"index":"{{{i}}}","payload":"{{{Payload}}}"}}""", Encoding.UTF8, "application/json");
                    using var response = await seeder.PostAsync("api/v1/namespaces/default/configmaps", body).ConfigureAwait(false);
                    if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"seed {i}: {(int)response.StatusCode}");
                }
            })).WaitAsync(settings.Bound).ConfigureAwait(false);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            report.AppendLine(CultureInfo.InvariantCulture, $"Seed: {settings.Objects} creates with 16 clients (HTTP/1.1) in {seconds:0.00} s = {settings.Objects / seconds:0} creates/s");
            report.AppendLine();
        }

        // ---------------------------------------------------------------- GETs
        report.AppendLine("| protocol | clients | GETs | GETs/s | p50 | p99 | errors |");
        report.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        await GetPhaseAsync(server, settings, clients: 8, http2: false, TimeSpan.FromSeconds(3)).ConfigureAwait(false); // warm-up, not reported
        foreach (var http2 in new[] { false, true })
        {
            foreach (var clients in settings.Clients)
            {
                var r = await GetPhaseAsync(server, settings, clients, http2, settings.Phase).ConfigureAwait(false);
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {(http2 ? "HTTP/2 (1 connection)" : "HTTP/1.1")} | {clients} | {r.Count} | {r.Count / r.Seconds:0} | {r.P50:0.00} ms | {r.P99:0.00} ms | {r.Errors} |");
            }
        }
        report.AppendLine();

        // ---------------------------------------------------------------- watches
        var watch = await WatchPhaseAsync(server, settings).ConfigureAwait(false);
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Watches: {settings.Watches} open watches, {settings.Events} updates: {watch.Delivered} events delivered in {watch.Seconds:0.00} s " +
            $"= {watch.Delivered / watch.Seconds:0} events/s; last watcher done {watch.LastMs:0} ms after the last write; writes took {watch.WriteSeconds:0.00} s");
        Console.WriteLine(report.ToString());
        return watch.Delivered == (long)settings.Watches * settings.Events ? 0 : 1;
    }

    static string Name(int i) => $"cm-{i:00000}";

    static readonly string Payload = new('x', 200);

    static Settings Parse(string[] args)
    {
        string? Value(string name)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        }
        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var clients = Value("--clients") is { } c ? c.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [1, 16, 64];
        return new Settings(Int("--objects", 10_000), clients, TimeSpan.FromSeconds(Int("--seconds", 10)), Int("--watches", 200), Int("--events", 500),
            TimeSpan.FromSeconds(Int("--bound", 120)));
    }

    /// <summary>An HttpClient that trusts the sandbox CA: HTTP/1.1 with up to <paramref name="connections"/> connections, or HTTP/2 on one.</summary>
    static HttpClient Client(SandboxServer server, int connections, bool http2)
    {
        var handler = server.CreateHttpHandler();
        handler.MaxConnectionsPerServer = connections;
        handler.EnableMultipleHttp2Connections = false;
        handler.PooledConnectionLifetime = Timeout.InfiniteTimeSpan;
        var client = new HttpClient(handler) { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Token);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (http2)
        {
            client.DefaultRequestVersion = HttpVersion.Version20;
            client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
        return client;
    }

    sealed record GetResult(long Count, double Seconds, double P50, double P99, long Errors);

    static async Task<GetResult> GetPhaseAsync(SandboxServer server, Settings settings, int clients, bool http2, TimeSpan duration)
    {
        using var client = Client(server, clients, http2);
        var latencies = new List<long>[clients];
        long errors = 0;
        using var stop = new CancellationTokenSource(duration);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var mine = latencies[c] = new List<long>(1 << 16);
            var random = new Random(c);
            while (!stop.IsCancellationRequested)
            {
                var begin = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync($"api/v1/namespaces/default/configmaps/{Name(random.Next(settings.Objects))}").ConfigureAwait(false);
                _ = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref errors);
                mine.Add(Stopwatch.GetTimestamp() - begin);
            }
        })).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(p * all.Length))] * 1000.0 / Stopwatch.Frequency;
        return new GetResult(all.Length, seconds, Percentile(0.50), Percentile(0.99), errors);
    }

    sealed record WatchResult(long Delivered, double Seconds, double LastMs, double WriteSeconds);

    static async Task<WatchResult> WatchPhaseAsync(SandboxServer server, Settings settings)
    {
        using var client = Client(server, settings.Watches + 8, http2: false);
        client.Timeout = Timeout.InfiniteTimeSpan;
        using var list = await client.GetAsync("api/v1/namespaces/default/configmaps?limit=1").ConfigureAwait(false);
        var listRv = System.Text.Json.Nodes.JsonNode.Parse(await list.Content.ReadAsStringAsync().ConfigureAwait(false))!["metadata"]!["resourceVersion"]!.GetValue<string>();
        using var bound = new CancellationTokenSource(settings.Bound);
        long delivered = 0;
        long lastDone = 0;
        var ready = new CountdownEvent(settings.Watches);
        var watchers = Enumerable.Range(0, settings.Watches).Select(async _ =>
        {
            using var response = await client.GetAsync($"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={listRv}",
                HttpCompletionOption.ResponseHeadersRead, bound.Token).ConfigureAwait(false);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(bound.Token).ConfigureAwait(false));
            ready.Signal();
            var seen = 0;
            while (seen < settings.Events && await reader.ReadLineAsync(bound.Token).ConfigureAwait(false) is not null)
            {
                seen++;
                Interlocked.Increment(ref delivered);
            }
            Interlocked.Exchange(ref lastDone, Stopwatch.GetTimestamp());
        }).ToArray();
        // wait (bounded) until every watch is registered with the store
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
        while (server.Objects.Store.WatcherCount < settings.Watches && Stopwatch.GetTimestamp() < deadline) await Task.Delay(10).ConfigureAwait(false);

        var started = Stopwatch.GetTimestamp();
        using (var writer = Client(server, 4, http2: false))
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < settings.Events)
                {
                    using var patch = new StringContent($$$"""{"data":{"round":"{{{i}}}"}}""", Encoding.UTF8, "application/merge-patch+json");
                    using var response = await writer.PatchAsync($"api/v1/namespaces/default/configmaps/{Name(i % settings.Objects)}", patch, bound.Token).ConfigureAwait(false);
                    if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"update {i}: {(int)response.StatusCode}");
                }
            })).ConfigureAwait(false);
        }
        var wrote = Stopwatch.GetTimestamp();
        try
        {
            await Task.WhenAll(watchers).WaitAsync(settings.Bound).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            Console.Error.WriteLine($"watch phase bounded out: {Interlocked.Read(ref delivered)} of {(long)settings.Watches * settings.Events} delivered");
        }
        var end = Math.Max(Interlocked.Read(ref lastDone), wrote);
        return new WatchResult(Interlocked.Read(ref delivered), (end - started) / (double)Stopwatch.Frequency,
            (end - wrote) * 1000.0 / Stopwatch.Frequency, (wrote - started) / (double)Stopwatch.Frequency);
    }
}
