using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using Perfolizer.Metrology;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Orkestra.Katalog.Compilation;
using Orkestra.Runtime.Observability;
using Orkestra.Runtime.Webhooks;
using Prometheus;

namespace Orkestra.Benchmarks.Webhooks;

/// <summary>
/// One webhook request handled in memory by <see cref="WebhookEndpoints"/> (what Kestrel calls for every request, without
/// sockets or TLS): the AdmissionReview and ConversionReview of the wrk latency run (bench/Orkestra.Footprint/Webhooks),
/// a CREATE of a small CR against five validation rules, and one small CR converted v1 → v2. <see cref="Harness"/> is
/// what building and reading the in-memory HTTP context costs by itself. The setup checks each answer. Run:
/// dotnet run -c Release --project bench/Orkestra.Benchmarks -- --filter '*WebhookBenchmarks*' --job short --inProcess
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InBytes))]
public class WebhookBenchmarks
{
    /// <summary>Allocated memory in bytes (the figure docs/benchmarks.md compares), not rounded to KB.</summary>
    private sealed class InBytes : ManualConfig
    {
        public InBytes() => SummaryStyle = SummaryStyle.Default.WithSizeUnit(SizeUnit.B);
    }

    private const string Group = "latency.orkestra.io";

    /// <summary>The latency run's Katalog (its rules are bench/Orkestra.Footprint's Workload.AdmissionRules).</summary>
    private const string Katalog = """
        apiVersion: orkestra.orkspace.io/v1
        kind: Katalog
        metadata: {name: latency}
        spec:
          crds:
            gadget:
              apiTypes: {group: latency.orkestra.io, version: v1, kind: Gadget, plural: gadgets}
              validation:
                rules:
                  - {field: spec.image, prefix: "nginx", message: "images must be nginx, not {{ .spec.image }}"}
                  - {field: spec.image, notContains: "latest", message: "pin the image tag"}
                  - {field: spec.replicas, lessThanOrEqual: "10", message: "at most 10 replicas"}
                  - {field: spec.port, greaterThanOrEqual: "1024", message: "unprivileged ports only"}
                  - {field: metadata.name, regex: "^widget", message: "names start with widget"}
              mutation:
                rules:
                  - {field: spec.replicas, default: "1", valueType: int}
              conversion:
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

    private const string Cr = """
        {"apiVersion":"latency.orkestra.io/v1","kind":"Gadget","metadata":{"name":"widget-bench","namespace":"default",
        "uid":"6f1c8e52-3f0e-4a39-9a47-0d1c2b3a4f5e","resourceVersion":"42","generation":1,"labels":{"app":"bench"}},
        "spec":{"image":"nginx:1.27","replicas":2,"port":8080}}
        """;

    private static readonly byte[] AdmissionReview = Compact($$$"""
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
        "uid":"0a6c1b1e-7f9a-4a1b-8d0c-5b4f3e2d1c0b",
        "kind":{"group":"{{{Group}}}","version":"v1","kind":"Gadget"},
        "resource":{"group":"{{{Group}}}","version":"v1","resource":"gadgets"},
        "requestKind":{"group":"{{{Group}}}","version":"v1","kind":"Gadget"},
        "requestResource":{"group":"{{{Group}}}","version":"v1","resource":"gadgets"},
        "name":"widget-bench","namespace":"default","operation":"CREATE",
        "userInfo":{"username":"kubernetes-admin","groups":["system:masters","system:authenticated"]},
        "object":{{{Cr}}},"oldObject":null,"dryRun":false,
        "options":{"apiVersion":"meta.k8s.io/v1","kind":"CreateOptions"}}
        }
        """);

    private static readonly byte[] ConversionReview = Compact($$$"""
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"ConversionReview","request":{
        "uid":"1b7d2c2f-8a0b-4b2c-9e1d-6c5a4f3e2d1c","desiredAPIVersion":"{{{Group}}}/v2","objects":[{{{Cr}}}]}}
        """);

    private readonly MemoryStream _response = new(64 * 1024);
    private WebhookEndpoints _endpoints = null!;

    [GlobalSetup]
    public void Setup()
    {
        var compiled = KatalogCompiler.CompileText(Katalog, "katalog.yaml");
        if (compiled.HasErrors) throw new InvalidOperationException(string.Join("\n", compiled.Diagnostics));
        var plan = WebhookPlan.For(compiled.Katalogs, new WebhookOptions());
        var telemetry = new WebhookTelemetry(new RuntimeMetrics(new CollectorRegistry()), NullLogger.Instance);
        _endpoints = new WebhookEndpoints(plan, new AdmissionHandler(null, null, TimeProvider.System, telemetry), telemetry,
            TimeProvider.System);

        Validate();
        using (var answer = JsonDocument.Parse(_response.ToArray()))
        {
            if (!answer.RootElement.GetProperty("response").GetProperty("allowed").GetBoolean())
                throw new InvalidOperationException("/validate did not allow the CR: " + Encoding.UTF8.GetString(_response.ToArray()));
        }
        Convert();
        using (var answer = JsonDocument.Parse(_response.ToArray()))
        {
            var response = answer.RootElement.GetProperty("response");
            if (response.GetProperty("result").GetProperty("status").GetString() != "Success"
                || response.GetProperty("convertedObjects")[0].GetProperty("apiVersion").GetString() != Group + "/v2")
                throw new InvalidOperationException("/convert did not convert the CR: " + Encoding.UTF8.GetString(_response.ToArray()));
        }
    }

    /// <summary>The in-memory context alone: a POST with the review as its body, the answer into a reused stream.</summary>
    [Benchmark]
    public int Harness() => Context("/validate/gadget", AdmissionReview).Request.Body.ReadByte();

    [Benchmark]
    public long Validate() => Handle("/validate/gadget", AdmissionReview);

    [Benchmark]
    public long Convert() => Handle("/convert/gadget", ConversionReview);

    private long Handle(string path, byte[] body)
    {
        var context = Context(path, body);
        _endpoints.HandleAsync(context).GetAwaiter().GetResult();
        if (context.Response.StatusCode != 200) throw new InvalidOperationException($"{path} answered {context.Response.StatusCode}");
        return _response.Length;
    }

    private DefaultHttpContext Context(string path, byte[] body)
    {
        _response.SetLength(0);
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.Path = path;
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body, writable: false);
        context.Response.Body = _response;
        return context;
    }

    private static byte[] Compact(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) document.RootElement.WriteTo(writer);
        return buffer.ToArray();
    }
}
