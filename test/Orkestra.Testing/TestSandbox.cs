using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Orkestra.Sandbox;

namespace Orkestra.Testing;

/// <summary>
/// One sandbox API server for one test (or fixture): its own random loopback port, its own temp folder (kubeconfig,
/// kubectl cache), an HTTP client that trusts its CA and carries its token, and kubectl pointed at it.
/// Every request, read and kubectl run is bounded by <see cref="Timeout"/> unless told otherwise.
/// </summary>
public sealed class TestSandbox : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _directory;
    private readonly Kubectl _kubectl;

    private TestSandbox(SandboxServer server, TempDirectory directory)
    {
        Server = server;
        _directory = directory;
        KubeconfigPath = directory.File("kubeconfig");
        server.WriteKubeconfig(KubeconfigPath);
        _kubectl = new Kubectl(KubeconfigPath, directory.Path);
        Http = new HttpClient(server.CreateHttpHandler()) { BaseAddress = server.BaseUrl, Timeout = Timeout };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Token);
    }

    public SandboxServer Server { get; }

    /// <summary>This sandbox's temp folder (deleted on dispose).</summary>
    public string Directory => _directory.Path;

    public string KubeconfigPath { get; }

    public HttpClient Http { get; }

    public static async Task<TestSandbox> StartAsync(SandboxOptions? options = null)
    {
        var server = await SandboxServer.StartAsync(options ?? new SandboxOptions()).WaitAsync(Timeout);
        return new TestSandbox(server, new TempDirectory("ork-sbx-"));
    }

    // ------------------------------------------------------------------ raw HTTP

    /// <summary>Responses are read as deep as kube-apiserver accepts objects (10,000 levels, plus envelope and
    /// managedFields), not System.Text.Json's 64.</summary>
    private static readonly System.Text.Json.JsonDocumentOptions Deep = Orkestra.ApiMachinery.Meta.DecodeLimits.Document;

    public async Task<(int Code, JsonNode? Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path,
        string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        var response = await Http.SendAsync(request).WaitAsync(Timeout);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(Timeout);
        JsonNode? json = null;
        if (text.Length > 0 && (text[0] == '{' || text[0] == '[')) json = JsonNode.Parse(text, documentOptions: Deep);
        return ((int)response.StatusCode, json, response);
    }

    public Task<(int Code, JsonNode? Body, HttpResponseMessage Response)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<(int Code, JsonNode? Body, HttpResponseMessage Response)> PostAsync(string path, string body) =>
        SendAsync(HttpMethod.Post, path, body);

    // ------------------------------------------------------------------ kubectl

    /// <summary>Runs kubectl against this sandbox with this sandbox's cache dir; bounded by <paramref name="timeout"/>.</summary>
    public Task<KubectlResult> KubectlAsync(string arguments, string? stdin = null, TimeSpan? timeout = null) =>
        _kubectl.RunAsync(arguments, stdin, timeout ?? Timeout);

    /// <summary>Starts a long-running kubectl (e.g. get -w) and returns the process; the caller kills it.</summary>
    public Process StartKubectl(string arguments) => _kubectl.Start(arguments);

    public string WriteFile(string name, string content) => _directory.Write(name, content);

    /// <summary>Polls <paramref name="condition"/> until true; fails after <paramref name="timeout"/>
    /// (default <see cref="Timeout"/>).</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        Bounded.UntilAsync(condition, what, timeout ?? Timeout);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            await Server.DisposeAsync().AsTask().WaitAsync(Timeout);
        }
        finally
        {
            _directory.Dispose();
        }
    }
}

/// <summary>A watch response read line by line; every read is bounded by <see cref="TestSandbox.Timeout"/>.</summary>
public sealed class WatchReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private WatchReader(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public int Code => (int)_response.StatusCode;

    public static async Task<WatchReader> OpenAsync(TestSandbox sb, string path)
    {
        var response = await sb.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead)
            .WaitAsync(TestSandbox.Timeout);
        var stream = await response.Content.ReadAsStreamAsync().WaitAsync(TestSandbox.Timeout);
        return new WatchReader(response, new StreamReader(stream));
    }

    /// <summary>The next event as (type, object); null when the server ended the stream.</summary>
    public async Task<(string Type, JsonObject Object)?> NextAsync()
    {
        var line = await _reader.ReadLineAsync().WaitAsync(TestSandbox.Timeout);
        if (line is null) return null;
        var e = JsonNode.Parse(line)!;
        return (e["type"]!.GetValue<string>(), e["object"]!.AsObject());
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
