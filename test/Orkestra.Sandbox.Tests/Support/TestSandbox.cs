using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Orkestra.Sandbox.Tests.Support;

/// <summary>One sandbox per test: its own port, temp dir (kubeconfig, kubectl cache) and an HTTP client trusting its CA.</summary>
internal sealed class TestSandbox : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    TestSandbox(SandboxServer server, string directory)
    {
        Server = server;
        Directory = directory;
        KubeconfigPath = Path.Combine(directory, "kubeconfig");
        server.WriteKubeconfig(KubeconfigPath);
        var handler = server.CreateHttpHandler();
        Http = new HttpClient(handler) { BaseAddress = server.BaseUrl, Timeout = Timeout };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Token);
    }

    public SandboxServer Server { get; }
    public string Directory { get; }
    public string KubeconfigPath { get; }
    public HttpClient Http { get; }

    public static async Task<TestSandbox> StartAsync(SandboxOptions? options = null)
    {
        var server = await SandboxServer.StartAsync(options ?? new SandboxOptions()).WaitAsync(Timeout);
        var directory = Path.Combine(Path.GetTempPath(), "ork-sbx-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        return new TestSandbox(server, directory);
    }

    // ------------------------------------------------------------------ raw HTTP

    public async Task<(int Code, JsonNode? Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        if (body is not null) request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var response = await Http.SendAsync(request).WaitAsync(Timeout);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(Timeout);
        JsonNode? json = null;
        if (text.Length > 0 && (text[0] == '{' || text[0] == '[')) json = JsonNode.Parse(text);
        return ((int)response.StatusCode, json, response);
    }

    public Task<(int Code, JsonNode? Body, HttpResponseMessage Response)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<(int Code, JsonNode? Body, HttpResponseMessage Response)> PostAsync(string path, string body) => SendAsync(HttpMethod.Post, path, body);

    // ------------------------------------------------------------------ kubectl

    /// <summary>Runs /usr/bin/kubectl against this sandbox with a fresh cache dir; bounded by <paramref name="timeout"/>.</summary>
    public async Task<KubectlResult> KubectlAsync(string arguments, string? stdin = null, TimeSpan? timeout = null)
    {
        var start = KubectlStart(arguments);
        start.RedirectStandardInput = stdin is not null;
        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {arguments} did not finish in time; stdout so far: {await stdout}");
        }
        return new KubectlResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a long-running kubectl (e.g. get -w) and returns the process; the caller kills it.</summary>
    public Process StartKubectl(string arguments) => Process.Start(KubectlStart(arguments))!;

    ProcessStartInfo KubectlStart(string arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(KubeconfigPath);
        start.ArgumentList.Add("--cache-dir");
        start.ArgumentList.Add(Path.Combine(Directory, "kcache"));
        foreach (var arg in SplitArgs(arguments)) start.ArgumentList.Add(arg);
        start.Environment["HOME"] = Directory;
        start.Environment["KUBECONFIG"] = KubeconfigPath;
        return start;
    }

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    static IEnumerable<string> SplitArgs(string text)
    {
        var current = new StringBuilder();
        var quote = '\0';
        var has = false;
        foreach (var c in text)
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else current.Append(c);
            }
            else if (c is '\'' or '"') { quote = c; has = true; }
            else if (c == ' ')
            {
                if (current.Length > 0 || has) yield return current.ToString();
                current.Clear();
                has = false;
            }
            else current.Append(c);
        }
        if (current.Length > 0 || has) yield return current.ToString();
    }

    /// <summary>Polls <paramref name="condition"/> until true or the bounded timeout passes.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(20);
        }
        Assert.Fail($"timed out waiting for {what}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync().AsTask().WaitAsync(Timeout);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal sealed record KubectlResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>A watch response read line by line; every read is bounded by <see cref="TestSandbox.Timeout"/>.</summary>
internal sealed class WatchReader : IAsyncDisposable
{
    readonly HttpResponseMessage _response;
    readonly StreamReader _reader;

    WatchReader(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public int Code => (int)_response.StatusCode;

    public static async Task<WatchReader> OpenAsync(TestSandbox sb, string path)
    {
        var response = await sb.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead).WaitAsync(TestSandbox.Timeout);
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

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        await Task.CompletedTask;
    }
}
