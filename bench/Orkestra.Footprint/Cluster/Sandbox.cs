using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Orkestra.Footprint.Runs;

namespace Orkestra.Footprint.Cluster;

/// <summary>Request counts the sandbox reports on <c>GET /sandbox/requests</c>, minus the harness's own requests.</summary>
internal readonly record struct ApiCounts(long Total, long Writes)
{
    public static ApiCounts operator -(ApiCounts a, ApiCounts b) => new(a.Total - b.Total, a.Writes - b.Writes);
}

/// <summary>
/// <c>ork sandbox</c> in its own process (so its memory is never counted), and an HTTP client for it that trusts its
/// CA and counts its own requests. Every call is bounded by <see cref="RequestTimeout"/>.
/// </summary>
internal sealed class Sandbox : IAsyncDisposable
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    readonly ChildProcess _process;
    readonly CountingHandler _counter;

    Sandbox(ChildProcess process, string kubeconfigPath, KubeconfigFile kubeconfig)
    {
        _process = process;
        KubeconfigPath = kubeconfigPath;
        // Trust exactly the sandbox's CA; the platform still checks the host name.
        var sockets = new SocketsHttpHandler { MaxConnectionsPerServer = 16 };
        sockets.SslOptions.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            CustomTrustStore = { X509Certificate2.CreateFromPem(kubeconfig.CaPem) },
        };
        _counter = new CountingHandler(sockets);
        Http = new HttpClient(_counter) { BaseAddress = kubeconfig.Server, Timeout = RequestTimeout };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", kubeconfig.Token);
        if (!kubeconfig.Server.IsLoopback) throw new InvalidOperationException($"the sandbox must be on 127.0.0.1, not {kubeconfig.Server}");
    }

    public string KubeconfigPath { get; }
    public HttpClient Http { get; }
    public int Pid => _process.Pid;

    public static async Task<Sandbox> StartAsync(string ork, string directory, CancellationToken cancellation)
    {
        var kubeconfig = Path.Combine(directory, "sandbox.kubeconfig");
        // From its own copy of the binary: in a cluster the API server is another program, so the pages of the ork
        // executable are ork's alone. Sharing the file with the sandbox would make them shared pages, which the
        // kernel neither charges to ork's PSS in full nor lets ork release after start (ImagePages).
        var copy = Path.Combine(directory, "ork-sandbox");
        if (!File.Exists(copy)) File.Copy(ork, copy);
        var process = ChildProcess.Start("ork sandbox", copy, ["sandbox", "--port", "0", "--kubeconfig", kubeconfig]);
        try
        {
            await process.WaitForLineAsync(l => l.Contains("export KUBECONFIG=", StringComparison.Ordinal), TimeSpan.FromSeconds(30), cancellation).ConfigureAwait(false);
            return new Sandbox(process, kubeconfig, KubeconfigFile.Parse(await File.ReadAllTextAsync(kubeconfig, cancellation).ConfigureAwait(false)));
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Requests the sandbox served, minus those the harness sent (what the operators under test sent).</summary>
    public async Task<ApiCounts> OperatorRequestsAsync(CancellationToken cancellation)
    {
        var harness = new ApiCounts(_counter.Total, _counter.Writes);
        var body = await GetAsync("/sandbox/requests", cancellation).ConfigureAwait(false)
            ?? throw new InvalidOperationException("GET /sandbox/requests returned nothing: this ork sandbox predates the endpoint");
        var served = new ApiCounts(body["total"]!.GetValue<long>(), body["writes"]!.GetValue<long>());
        return served - harness;
    }

    /// <summary>The last <paramref name="count"/> writes the sandbox served, as "verb path" (to say what an operator wrote).</summary>
    public async Task<IReadOnlyList<string>> RecentWritesAsync(int count, CancellationToken cancellation)
    {
        var body = await GetAsync("/sandbox/requests", cancellation).ConfigureAwait(false);
        return (body?["recentWrites"] as JsonArray ?? []).TakeLast(count)
            .Select(w => $"{w?["verb"]?.GetValue<string>()} {w?["path"]?.GetValue<string>()}").ToArray();
    }

    public async Task<JsonNode?> GetAsync(string path, CancellationToken cancellation)
    {
        using var response = await Http.GetAsync(path, cancellation).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text);
    }

    /// <summary>POST a JSON object; 409 AlreadyExists counts as success when <paramref name="allowExisting"/>.</summary>
    public async Task CreateAsync(string path, JsonObject body, CancellationToken cancellation, bool allowExisting = false)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(path, content, cancellation).ConfigureAwait(false);
        if (response.IsSuccessStatusCode || allowExisting && (int)response.StatusCode == 409) return;
        throw new HttpRequestException($"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false)}");
    }

    public async Task WaitEstablishedAsync(string crdName, TimeSpan timeout, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var crd = await GetAsync($"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{crdName}", cancellation).ConfigureAwait(false);
            if (crd?["status"]?["conditions"] is JsonArray conditions &&
                conditions.Any(c => c?["type"]?.GetValue<string>() == "Established" && c["status"]?.GetValue<string>() == "True"))
                return;
            await Task.Delay(20, cancellation).ConfigureAwait(false);
        }
        throw new TimeoutException($"CRD {crdName} not Established after {timeout.TotalSeconds:0} s");
    }

    /// <summary>How many objects of the list at <paramref name="path"/> exist, and how many have condition Ready=True.</summary>
    public async Task<(int Total, int Ready)> CountReadyAsync(string path, CancellationToken cancellation)
    {
        var list = await GetAsync(path, cancellation).ConfigureAwait(false);
        var items = list?["items"] as JsonArray ?? [];
        var ready = items.Count(i => i?["status"]?["conditions"] is JsonArray cs &&
            cs.Any(c => c?["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True"));
        return (items.Count, ready);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _process.DisposeAsync().ConfigureAwait(false);
    }
}
