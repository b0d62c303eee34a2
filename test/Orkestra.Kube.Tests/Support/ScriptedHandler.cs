using System.Net;
using System.Text;

namespace Orkestra.Kube.Tests.Support;

/// <summary>
/// A fake network: answers each request with the next scripted response (or exception), and records every request
/// (method, path and query, body) it saw. Thread-safe.
/// </summary>
public sealed class ScriptedHandler : HttpMessageHandler
{
    readonly object _gate = new();
    readonly Queue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _script = new();
    readonly List<RecordedRequest> _requests = new();

    public sealed record RecordedRequest(HttpMethod Method, string PathAndQuery, string? Body, string? ContentType, string? Authorization);

    /// <summary>Answer for requests after the script is used up; default: fail the test loudly with 599.</summary>
    public Func<HttpRequestMessage, HttpResponseMessage>? Fallback { get; set; }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate) return _requests.ToList();
        }
    }

    public ScriptedHandler Then(Func<HttpRequestMessage, HttpResponseMessage> respond) => ThenAsync((request, _) => Task.FromResult(respond(request)));

    /// <summary>An answer that may wait (and observes the request's cancellation, as a real network does).</summary>
    public ScriptedHandler ThenAsync(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond)
    {
        lock (_gate) _script.Enqueue(respond);
        return this;
    }

    public ScriptedHandler Then(HttpStatusCode code, string body = "{}", params (string Name, string Value)[] headers) =>
        Then(_ => Json(code, body, headers));

    public ScriptedHandler ThenThrow(Exception exception) => Then(_ => throw exception);

    public static HttpResponseMessage Json(HttpStatusCode code, string body, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(code) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers) response.Headers.TryAddWithoutValidation(name, value);
        return response;
    }

    public static string Status(int code, string reason, string message) =>
        $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"{{message}}","reason":"{{reason}}","code":{{code}}}""";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>? respond;
        lock (_gate)
        {
            _requests.Add(new RecordedRequest(request.Method, request.RequestUri!.PathAndQuery, body,
                request.Content?.Headers.ContentType?.MediaType, request.Headers.Authorization?.ToString()));
            respond = _script.Count > 0 ? _script.Dequeue() : Fallback is { } fallback ? (r, _) => Task.FromResult(fallback(r)) : null;
        }
        var response = respond is null
            ? Json((HttpStatusCode)599, Status(599, "Unscripted", $"no scripted answer for {request.Method} {request.RequestUri}"))
            : await respond(request, cancellationToken);
        response.RequestMessage = request;
        return response;
    }
}
