using System.Net;
using System.Text.Json;
using Orkestra.Katalog.Compilation;
using Orkestra.Runtime.Reconciliation;
using Orkestra.Templating.Values;

namespace Orkestra.Runtime.Tests.Reconciliation;

public sealed class ExternalCallsTests
{
    private const string Header = """
        apiVersion: orkestra.orkspace.io/v1
        kind: Katalog
        metadata: {name: demo}
        spec:
          crds:
            website:
              apiTypes: {group: demo.orkestra.io, version: v1, kind: Website, plural: websites}
              operatorBox:
                onReconcile:
                  external:

        """;

    private static readonly JsonElement Cr = JsonDocument.Parse("""
        {"apiVersion":"demo.orkestra.io/v1","kind":"Website","metadata":{"name":"shop","namespace":"default","uid":"u-1"},
         "spec":{"serviceUrl":"http://svc.test","flags":true}}
        """).RootElement;

    /// <summary>Answers by path; records every request (method, URL, body, Authorization).</summary>
    private sealed class Server(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public readonly List<(string Method, string Url, string? Body, string? Auth)> Requests = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add((request.Method.Method, request.RequestUri!.ToString(), body, request.Headers.Authorization?.ToString()));
            return answer(request);
        }
    }

    private static CompiledHook Hook(string calls)
    {
        var compiled = KatalogCompiler.CompileText(Header + calls, "katalog.yaml");
        compiled.HasErrors.ShouldBeFalse(string.Join("\n", compiled.Diagnostics));
        return compiled.Katalogs[0].Operators[0].OnReconcile!;
    }

    private static string Get(TemplateValue results, string call, string key) =>
        results.TryGetMember(call, out var result) && result.TryGetMember(key, out var v) ? v.ToString() : "<absent>";

    [Test]
    public async Task Calls_run_in_order_see_earlier_results_and_expose_status_body_and_called()
    {
        var server = new Server(r => new HttpResponseMessage(r.RequestUri!.AbsolutePath == "/health" ? HttpStatusCode.OK : HttpStatusCode.Accepted)
        {
            Content = new StringContent(r.RequestUri.AbsolutePath == "/health" ? "up" : "{\"beta\":true}"),
        });
        var calls = new ExternalCalls(new HttpMessageInvoker(server), new ManualTimeProvider(), name => name == "API_TOKEN" ? "s3cret" : null);
        var outcome = await calls.RunAsync([Hook("""
                        - name: healthCheck
                          url: "{{ .spec.serviceUrl }}/health"
                          expectedStatus: 200
                        - name: featureFlags
                          url: "{{ .spec.serviceUrl }}/flags/{{ .metadata.name }}?after={{ .external.healthCheck.status }}"
                          method: POST
                          body: '{"name":"{{ .metadata.name }}"}'
                          token: "$API_TOKEN"
                        - name: skipped
                          url: "http://never.test"
                          when:
                            - field: spec.flags
                              equals: "false"
            """)], Cr, null, default);

        outcome.Failure.ShouldBeNull();
        server.Requests.ShouldBe([
            ("GET", "http://svc.test/health", null, null),
            ("POST", "http://svc.test/flags/shop?after=200", "{\"name\":\"shop\"}", "Bearer s3cret"),
        ]);
        Get(outcome.Results, "healthCheck", "status").ShouldBe("200");
        Get(outcome.Results, "healthCheck", "body").ShouldBe("up");
        Get(outcome.Results, "healthCheck", "called").ShouldBe("true");
        Get(outcome.Results, "healthCheck", "error").ShouldBe("<absent>");
        Get(outcome.Results, "featureFlags", "statusCode").ShouldBe("202");
        Get(outcome.Results, "featureFlags", "body").ShouldBe("{\"beta\":true}");
        Get(outcome.Results, "skipped", "called").ShouldBe("false");
    }

    [Test]
    public async Task A_failed_call_stops_the_reconcile_unless_it_may_continue_on_error()
    {
        var server = new Server(_ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent(new string('x', 10_000)) });
        var calls = new ExternalCalls(new HttpMessageInvoker(server), new ManualTimeProvider());
        var tolerant = await calls.RunAsync([Hook("""
                        - name: flags
                          url: "http://svc.test/flags"
                          continueOnError: true
            """)], Cr, null, default);
        tolerant.Failure.ShouldBeNull();
        Get(tolerant.Results, "flags", "error").ShouldBe("HTTP 503");
        Get(tolerant.Results, "flags", "body").Length.ShouldBe(ExternalCalls.BodyLimit);

        var strict = await calls.RunAsync([Hook("""
                        - name: health
                          url: "http://svc.test/health"
                          expectedStatus: 200
            """)], Cr, null, default);
        strict.Failure.ShouldBe("external call health: HTTP 503, expected 200");
    }

    [Test]
    public async Task A_transport_error_is_the_calls_error_and_cacheFor_reuses_a_success()
    {
        var fail = true;
        var server = new Server(_ => fail ? throw new HttpRequestException("connection refused") : new HttpResponseMessage(HttpStatusCode.OK));
        var time = new ManualTimeProvider();
        var calls = new ExternalCalls(new HttpMessageInvoker(server), time);
        var hook = Hook("""
                        - name: health
                          url: "http://svc.test/health"
                          cacheFor: 1m
            """);
        (await calls.RunAsync([hook], Cr, null, default)).Failure.ShouldBe("external call health: connection refused");
        fail = false;
        (await calls.RunAsync([hook], Cr, null, default)).Failure.ShouldBeNull();
        (await calls.RunAsync([hook], Cr, null, default)).Failure.ShouldBeNull();
        server.Requests.Count.ShouldBe(2, "the second success comes from the cache");
        time.Advance(TimeSpan.FromMinutes(1));
        await calls.RunAsync([hook], Cr, null, default);
        server.Requests.Count.ShouldBe(3, "the cache expires after cacheFor");
    }
}
