using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Orkestra.Footprint.Cluster;
using Orkestra.Footprint.Host;
using Orkestra.Footprint.Measurement;
using Orkestra.Footprint.Runs;

namespace Orkestra.Footprint.Webhooks;

/// <summary>One wrk run against one webhook path.</summary>
internal sealed record WebhookRun(string Endpoint, int Connections, TimeSpan Duration, WrkFigures? Figures, string? Error)
{
    /// <summary>Gate key prefix, e.g. <c>webhooks.convert.c1</c>.</summary>
    public string Key => $"webhooks.{Endpoint}.c{Connections}";

    public JsonObject ToJson() => new()
    {
        ["endpoint"] = Endpoint, ["connections"] = Connections, ["seconds"] = Duration.TotalSeconds, ["error"] = Error,
        ["p50Ms"] = Figures?.P50Ms, ["p75Ms"] = Figures?.P75Ms, ["p90Ms"] = Figures?.P90Ms, ["p99Ms"] = Figures?.P99Ms,
        ["requestsPerSecond"] = Figures is null ? null : Math.Round(Figures.RequestsPerSecond), ["requests"] = Figures?.Requests,
    };
}

/// <summary>
/// Latency and throughput of ork's admission and conversion webhooks as the API server sees them: the AOT
/// <c>ork run</c> against a sandbox process, serving one two-version CRD with five validation rules, a mutation
/// default and conversion paths; <c>wrk</c> (its own process) posts a fixed AdmissionReview to <c>/validate/gadget</c>
/// and a ConversionReview of one small CR to <c>/convert/gadget</c> over loopback HTTPS with keep-alive: once with one
/// connection (the latency one admission call sees) and once with <see cref="LoadConnections"/> (saturating the two
/// cores: throughput, and latency under load). Before measuring, one request of each is checked for the right answer
/// against the CA ork registered with the sandbox.
/// </summary>
internal static class WebhookLatency
{
    public const int LoadConnections = 8;
    const string Group = "latency.orkestra.io";

    public static async Task<IReadOnlyList<WebhookRun>> RunAsync(Repository repo, TimeSpan duration,
        IReadOnlyDictionary<string, string> environment, TextWriter log, CancellationToken cancellation)
    {
        if (Which("wrk") is not { } wrk)
        {
            const string missing = "wrk is not installed (Debian package wrk; .ci/run installs it)";
            return [.. Plan(duration).Select(p => p with { Error = missing })];
        }
        var ork = repo.EnsureOrk(log);
        var work = Path.Combine(Path.GetTempPath(), $"ork-webhooks-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            await using var sandbox = await Sandbox.StartAsync(ork, work, cancellation).ConfigureAwait(false);
            await sandbox.CreateAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd(), cancellation).ConfigureAwait(false);
            await sandbox.WaitEstablishedAsync($"gadgets.{Group}", TimeSpan.FromSeconds(30), cancellation).ConfigureAwait(false);
            var katalog = Path.Combine(work, "katalog.yaml");
            await File.WriteAllTextAsync(katalog, Katalog, cancellation).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(work, "crd.yaml"), Crd().ToJsonString(), cancellation).ConfigureAwait(false);
            await using var operators = new OrkOperators(ork, katalog, sandbox.KubeconfigPath, environment, []);
            await operators.StartAsync(cancellation).ConfigureAwait(false);
            var baseUrl = new Uri($"https://127.0.0.1:{operators.WebhookPort}/");
            var ca = await RegisteredCaAsync(sandbox, cancellation).ConfigureAwait(false);
            await CheckAnswersAsync(baseUrl, ca, cancellation).ConfigureAwait(false);

            var runs = new List<WebhookRun>();
            foreach (var planned in Plan(duration))
            {
                var body = planned.Endpoint == "validate" ? AdmissionReview() : ConversionReview();
                var script = Path.Combine(work, planned.Endpoint + ".lua");
                await File.WriteAllTextAsync(script, Script(body), cancellation).ConfigureAwait(false);
                var run = await WrkAsync(wrk, new Uri(baseUrl, $"{planned.Endpoint}/gadget"), script, planned, cancellation)
                    .ConfigureAwait(false);
                log.WriteLine(run.Figures is { } f
                    ? string.Create(CultureInfo.InvariantCulture,
                        $"[webhooks] /{run.Endpoint} x{run.Connections}: p50 {f.P50Ms:0.000} ms, p99 {f.P99Ms:0.000} ms, {f.RequestsPerSecond:0} req/s")
                    : $"[webhooks] /{run.Endpoint} x{run.Connections}: FAILED: {run.Error}");
                runs.Add(run);
            }
            return runs;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or FormatException)
        {
            log.WriteLine($"[webhooks] FAILED: {e.Message}");
            return [.. Plan(duration).Select(p => p with { Error = e.Message })];
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    static IEnumerable<WebhookRun> Plan(TimeSpan duration) =>
        from endpoint in new[] { "validate", "convert" }
        from connections in new[] { 1, LoadConnections }
        select new WebhookRun(endpoint, connections, duration, null, null);

    static async Task<WebhookRun> WrkAsync(string wrk, Uri url, string script, WebhookRun planned, CancellationToken cancellation)
    {
        var info = new ProcessStartInfo(wrk) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-t1", $"-c{planned.Connections}", $"-d{(int)planned.Duration.TotalSeconds}s", "--latency", "-s", script,
                     url.ToString() })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("wrk did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellation);
        var stderr = process.StandardError.ReadToEndAsync(cancellation);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(planned.Duration + TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return planned with { Error = "wrk did not finish in time" };
        }
        var output = await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0) return planned with { Error = $"wrk exited {process.ExitCode}: {output}" };
        var figures = WrkOutput.Parse(output);
        if (figures.Non2xx > 0 || figures.SocketErrors > 0)
            return planned with { Error = $"{figures.Non2xx} non-2xx answers, {figures.SocketErrors} socket errors:\n{output}" };
        return planned with { Figures = figures };
    }

    /// <summary>One request of each kind, trusting only the CA in ork's registered configuration: the answers must be
    /// "allowed" and one converted object, or the figures would measure errors.</summary>
    static async Task CheckAnswersAsync(Uri baseUrl, X509Certificate2 ca, CancellationToken cancellation)
    {
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck, CustomTrustStore = { ca },
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        var admission = await PostAsync(http, new Uri(baseUrl, "validate/gadget"), AdmissionReview(), cancellation).ConfigureAwait(false);
        if (admission["response"]?["allowed"]?.GetValue<bool>() != true)
            throw new InvalidOperationException($"/validate/gadget did not allow the benchmark's CR: {admission.ToJsonString()}");
        var conversion = await PostAsync(http, new Uri(baseUrl, "convert/gadget"), ConversionReview(), cancellation).ConfigureAwait(false);
        if ((string?)conversion["response"]?["result"]?["status"] != "Success"
            || conversion["response"]?["convertedObjects"]?.AsArray().Count != 1
            || (string?)conversion["response"]!["convertedObjects"]![0]!["apiVersion"] != $"{Group}/v2")
            throw new InvalidOperationException($"/convert/gadget did not convert the benchmark's CR: {conversion.ToJsonString()}");
    }

    static async Task<JsonNode> PostAsync(HttpClient http, Uri url, string body, CancellationToken cancellation)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(url, content, cancellation).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text) ?? throw new InvalidOperationException($"{url}: empty answer");
    }

    static async Task<X509Certificate2> RegisteredCaAsync(Sandbox sandbox, CancellationToken cancellation)
    {
        const string path = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/orkestra-latency";
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (await sandbox.GetAsync(path, cancellation).ConfigureAwait(false) is { } config
                && (string?)config["webhooks"]?[0]?["clientConfig"]?["caBundle"] is { } bundle)
                return X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(Convert.FromBase64String(bundle)));
            await Task.Delay(100, cancellation).ConfigureAwait(false);
        }
        throw new TimeoutException("ork registered no ValidatingWebhookConfiguration orkestra-latency within 30 s");
    }

    static string? Which(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    /// <summary>wrk's Lua hook: every request is the same POST (wrk keeps the connection alive).</summary>
    static string Script(string body) =>
        $"wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = [==[{body}]==]\n";

    static JsonObject Cr(string version) => new()
    {
        ["apiVersion"] = $"{Group}/{version}",
        ["kind"] = "Gadget",
        ["metadata"] = new JsonObject
        {
            ["name"] = "widget-bench", ["namespace"] = "default", ["uid"] = "6f1c8e52-3f0e-4a39-9a47-0d1c2b3a4f5e",
            ["resourceVersion"] = "42", ["generation"] = 1, ["labels"] = new JsonObject { ["app"] = "bench" },
        },
        ["spec"] = new JsonObject { ["image"] = "nginx:1.27", ["replicas"] = 2, ["port"] = 8080 },
    };

    /// <summary>A CREATE review as kube-apiserver sends it (the fields ork reads, and the ones it ignores).</summary>
    static string AdmissionReview() => new JsonObject
    {
        ["apiVersion"] = "admission.k8s.io/v1",
        ["kind"] = "AdmissionReview",
        ["request"] = new JsonObject
        {
            ["uid"] = "0a6c1b1e-7f9a-4a1b-8d0c-5b4f3e2d1c0b",
            ["kind"] = new JsonObject { ["group"] = Group, ["version"] = "v1", ["kind"] = "Gadget" },
            ["resource"] = new JsonObject { ["group"] = Group, ["version"] = "v1", ["resource"] = "gadgets" },
            ["requestKind"] = new JsonObject { ["group"] = Group, ["version"] = "v1", ["kind"] = "Gadget" },
            ["requestResource"] = new JsonObject { ["group"] = Group, ["version"] = "v1", ["resource"] = "gadgets" },
            ["name"] = "widget-bench",
            ["namespace"] = "default",
            ["operation"] = "CREATE",
            ["userInfo"] = new JsonObject { ["username"] = "kubernetes-admin", ["groups"] = new JsonArray("system:masters", "system:authenticated") },
            ["object"] = Cr("v1"),
            ["oldObject"] = null,
            ["dryRun"] = false,
            ["options"] = new JsonObject { ["apiVersion"] = "meta.k8s.io/v1", ["kind"] = "CreateOptions" },
        },
    }.ToJsonString();

    static string ConversionReview() => new JsonObject
    {
        ["apiVersion"] = "apiextensions.k8s.io/v1",
        ["kind"] = "ConversionReview",
        ["request"] = new JsonObject
        {
            ["uid"] = "1b7d2c2f-8a0b-4b2c-9e1d-6c5a4f3e2d1c", ["desiredAPIVersion"] = $"{Group}/v2", ["objects"] = new JsonArray(Cr("v1")),
        },
    }.ToJsonString();

    static JsonObject Version(string name, bool storage) => new()
    {
        ["name"] = name, ["served"] = true, ["storage"] = storage,
        ["schema"] = new JsonObject
        {
            ["openAPIV3Schema"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
        },
        ["subresources"] = new JsonObject { ["status"] = new JsonObject() },
    };

    static JsonObject Crd() => new()
    {
        ["apiVersion"] = "apiextensions.k8s.io/v1",
        ["kind"] = "CustomResourceDefinition",
        ["metadata"] = new JsonObject { ["name"] = $"gadgets.{Group}" },
        ["spec"] = new JsonObject
        {
            ["group"] = Group,
            ["scope"] = "Namespaced",
            ["names"] = new JsonObject { ["kind"] = "Gadget", ["plural"] = "gadgets", ["singular"] = "gadget", ["listKind"] = "GadgetList" },
            ["versions"] = new JsonArray(Version("v1", storage: true), Version("v2", storage: false)),
        },
    };

    /// <summary>The benchmark's Katalog: <see cref="Workload.AdmissionRules"/> plus conversion between v1 and v2.</summary>
    static readonly string Katalog = $$$"""
        apiVersion: orkestra.orkspace.io/v1
        kind: Katalog
        metadata:
          name: latency
        spec:
          crds:
            gadget:
              apiTypes: {group: {{{Group}}}, version: v1, kind: Gadget, plural: gadgets}
              crdFile: crd.yaml
        {{{Workload.AdmissionRules}}}      conversion:
                storageVersion: v1
                paths:
                  - from: v1
                    to: v2
                    spec:
                      image: "{{ .spec.image }}"
                      scale: {replicas: "{{ .spec.replicas }}", port: "{{ .spec.port }}"}
                  - from: v2
                    to: v1
                    spec:
                      image: "{{ .spec.image }}"
                      replicas: "{{ .spec.scale.replicas }}"
                      port: "{{ .spec.scale.port }}"
              operatorBox:
                onReconcile:
                  configMaps:
                    - name: "{{ .metadata.name }}"
                      data: {image: "{{ .spec.image }}"}
        security:
          webhooks:
            admission: {enabled: true}
          conversion: {enabled: true}
        """;
}
