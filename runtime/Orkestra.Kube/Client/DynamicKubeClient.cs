using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Kube.Connection;

namespace Orkestra.Kube.Client;

/// <summary>
/// <see cref="IKubeClient"/> over the connection's <see cref="HttpClient"/>: JSON in through
/// <see cref="Utf8JsonWriter"/>, JSON out as self-contained <see cref="JsonElement"/>s, failures as
/// <see cref="KubeApiException"/>. Every request but a watch stream is bounded by
/// <see cref="KubeConnectionOptions.RequestTimeout"/> (a <see cref="TimeoutException"/> names the request).
/// Stateless; thread-safe.
/// </summary>
internal sealed class DynamicKubeClient(HttpClient http, KubeConnectionOptions settings) : IKubeClient
{
    private static readonly MediaTypeHeaderValue JsonMedia = new("application/json");

    public Task<JsonElement> GetAsync(GroupVersionResource resource, string? @namespace, string name, CancellationToken cancellation) =>
        SendAsync(HttpMethod.Get, "get", ResourcePaths.For(resource, @namespace, name).ToString(), null, cancellation);

    public async Task<KubeList> ListAsync(GroupVersionResource resource, string? @namespace, ListOptions options,
        CancellationToken cancellation)
    {
        var url = ResourcePaths.For(resource, @namespace)
            .Query("labelSelector", options.LabelSelector)
            .Query("fieldSelector", options.FieldSelector)
            .Query("limit", options.Limit?.ToString(CultureInfo.InvariantCulture))
            .Query("continue", options.Continue)
            .Query("resourceVersion", options.ResourceVersion)
            .ToString();
        var bytes = await SendForBytesAsync(HttpMethod.Get, "list", url, null, cancellation).ConfigureAwait(false);
        using var document = JsonDocument.Parse(bytes, DecodeLimits.Document);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"list {resource}: the response is not a JSON object");
        var items = new List<JsonElement>();
        if (root.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            items.Capacity = array.GetArrayLength();
            foreach (var item in array.EnumerateArray()) items.Add(CompactJson.Copy(item, options.WithoutManagedFields));
        }
        string resourceVersion = "", @continue = "";
        if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
        {
            if (metadata.TryGetProperty("resourceVersion", out var rv) && rv.ValueKind == JsonValueKind.String)
                resourceVersion = rv.GetString()!;
            if (metadata.TryGetProperty("continue", out var c) && c.ValueKind == JsonValueKind.String) @continue = c.GetString()!;
        }
        return new KubeList(items, resourceVersion, @continue.Length == 0 ? null : @continue);
    }

    public async IAsyncEnumerable<WatchEvent> WatchAsync(GroupVersionResource resource, string? @namespace, WatchOptions options,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        var url = ResourcePaths.For(resource, @namespace)
            .Query("watch", true)
            .Query("resourceVersion", options.ResourceVersion)
            .Query("labelSelector", options.LabelSelector)
            .Query("fieldSelector", options.FieldSelector)
            .Query("allowWatchBookmarks", options.AllowBookmarks)
            .Query("timeoutSeconds", options.Timeout is { } t ? ((long)Math.Ceiling(t.TotalSeconds))
                .ToString(CultureInfo.InvariantCulture) : null)
            .ToString();
        using var request = NewRequest(HttpMethod.Get, "watch", url, null);
        request.Options.Set(RequestTags.Watch, true);
        HttpResponseMessage response;
        using (var headers = Bounded(cancellation))
        {
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                throw new TimeoutException($"watch {url}: no response headers within {settings.RequestTimeout}");
            }
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, cancellation).ConfigureAwait(false);
            var body = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                await foreach (var evt in WatchStreamDecoder.ReadAsync(body, options.WithoutManagedFields, cancellation)
                    .ConfigureAwait(false))
                    yield return evt;
            }
        }
    }

    public Task<JsonElement> CreateAsync(GroupVersionResource resource, string? @namespace, JsonObject body, WriteOptions? options,
        CancellationToken cancellation) =>
        SendAsync(HttpMethod.Post, "create", WriteQuery(ResourcePaths.For(resource, @namespace), options), Body(body, JsonMedia),
            cancellation);

    public Task<JsonElement> UpdateAsync(GroupVersionResource resource, string? @namespace, string name, JsonObject body,
        WriteOptions? options, CancellationToken cancellation) =>
        SendAsync(HttpMethod.Put, "update", WriteQuery(ResourcePaths.For(resource, @namespace, name), options), Body(body, JsonMedia),
            cancellation);

    public Task<JsonElement> PatchAsync(GroupVersionResource resource, string? @namespace, string name, PatchType type, JsonNode patch,
        WriteOptions? options, CancellationToken cancellation) =>
        Patch(resource, @namespace, name, null, type, patch, options, cancellation);

    public Task<JsonElement> UpdateStatusAsync(GroupVersionResource resource, string? @namespace, string name, JsonObject body,
        WriteOptions? options, CancellationToken cancellation) =>
        SendAsync(HttpMethod.Put, "update", WriteQuery(ResourcePaths.For(resource, @namespace, name, "status"), options),
            Body(body, JsonMedia), cancellation);

    public Task<JsonElement> PatchStatusAsync(GroupVersionResource resource, string? @namespace, string name, PatchType type,
        JsonNode patch, WriteOptions? options, CancellationToken cancellation) =>
        Patch(resource, @namespace, name, "status", type, patch, options, cancellation);

    public async Task<JsonElement?> DeleteAsync(GroupVersionResource resource, string? @namespace, string name, DeleteOptions? options,
        CancellationToken cancellation)
    {
        var url = ResourcePaths.For(resource, @namespace, name).ToString();
        var result = await SendAsync(HttpMethod.Delete, "delete", url, Body((options ?? DeleteOptions.None).ToJson(), JsonMedia),
            cancellation)
            .ConfigureAwait(false);
        var isStatus = result.ValueKind == JsonValueKind.Object && result.TryGetProperty("kind", out var kind)
            && kind.ValueKind == JsonValueKind.String && kind.ValueEquals("Status");
        return isStatus ? null : result;
    }

    /// <summary>GET of a discovery document (verb <c>discovery</c> in metrics).</summary>
    internal Task<JsonElement> GetDiscoveryAsync(string path, CancellationToken cancellation) =>
        SendAsync(HttpMethod.Get, "discovery", path, null, cancellation);

    private Task<JsonElement> Patch(GroupVersionResource resource, string? @namespace, string name, string? subresource, PatchType type,
        JsonNode patch, WriteOptions? options, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(patch);
        if (type == PatchType.Apply && string.IsNullOrEmpty(options?.FieldManager))
            throw new ArgumentException("server-side apply needs WriteOptions.FieldManager", nameof(options));
        if (type != PatchType.Apply && options?.Force == true)
            throw new ArgumentException("Force applies to server-side apply only", nameof(options));
        if (type == PatchType.Json && patch is not JsonArray)
            throw new ArgumentException("a JSON patch (RFC 6902) is an array of operations", nameof(patch));
        var media = type switch
        {
            PatchType.Merge => "application/merge-patch+json",
            PatchType.Json => "application/json-patch+json",
            PatchType.StrategicMerge => "application/strategic-merge-patch+json",
            PatchType.Apply => "application/apply-patch+yaml",
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        };
        var url = WriteQuery(ResourcePaths.For(resource, @namespace, name, subresource), options,
            type == PatchType.Apply && options!.Force);
        return SendAsync(HttpMethod.Patch, type == PatchType.Apply ? "apply" : "patch", url, Body(patch, new MediaTypeHeaderValue(media)),
            cancellation);
    }

    private static string WriteQuery(StringBuilder url, WriteOptions? options, bool force = false) =>
        url.Query("fieldManager", options?.FieldManager)
            .Query("force", force)
            .Query("dryRun", options?.DryRun == true ? "All" : null)
            .Query("fieldValidation", options?.Validation?.ToString())
            .ToString();

    private static ByteArrayContent Body(JsonNode node, MediaTypeHeaderValue media)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, DecodeLimits.Writer)) node.WriteTo(writer);
        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = media;
        return content;
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string verb, string url, HttpContent? content,
        CancellationToken cancellation)
    {
        var bytes = await SendForBytesAsync(method, verb, url, content, cancellation).ConfigureAwait(false);
        if (bytes.Length == 0) throw new InvalidDataException($"{verb} {url}: empty response body");
        var reader = new Utf8JsonReader(bytes, DecodeLimits.Reader);
        try
        {
            return JsonElement.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{verb} {url}: the response is not JSON: {e.Message}", e);
        }
    }

    private async Task<byte[]> SendForBytesAsync(HttpMethod method, string verb, string url, HttpContent? content,
        CancellationToken cancellation)
    {
        using var request = NewRequest(method, verb, url, content);
        using var bounded = Bounded(cancellation);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, bounded.Token)
                .ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, bounded.Token).ConfigureAwait(false);
            return await response.Content.ReadAsByteArrayAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new TimeoutException($"{verb} {url}: no complete response within {settings.RequestTimeout}");
        }
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string verb, string url, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative))
        {
            Version = http.DefaultRequestVersion,
            VersionPolicy = http.DefaultVersionPolicy,
            Content = content,
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Options.Set(RequestTags.Verb, verb);
        return request;
    }

    private Deadline Bounded(CancellationToken cancellation) => new(cancellation, settings.RequestTimeout, settings.TimeProvider);

    /// <summary>The caller's token plus a timer on the injected clock; disposing stops both.</summary>
    private sealed class Deadline : IDisposable
    {
        private readonly CancellationTokenSource _timer;
        private readonly CancellationTokenSource _linked;

        public Deadline(CancellationToken cancellation, TimeSpan timeout, TimeProvider time)
        {
            _timer = new CancellationTokenSource(timeout, time);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, _timer.Token);
        }

        public CancellationToken Token => _linked.Token;

        public void Dispose()
        {
            _linked.Dispose();
            _timer.Dispose();
        }
    }

    /// <summary>Reads the Status body of a failed response (or its text, when it is not a Status).</summary>
    internal static async Task<KubeApiException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        var code = (int)response.StatusCode;
        var retryAfter = response.Headers.RetryAfter?.Delta;
        byte[] bytes;
        try
        {
            bytes = await response.Content.ReadAsByteArrayAsync(cancellation).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            bytes = [];
        }
        if (bytes.Length > 0 && bytes.AsSpan().IndexOfAnyExcept(" \t\r\n"u8) is var first && first >= 0 && bytes[first] == (byte)'{')
        {
            try
            {
                using var document = JsonDocument.Parse(bytes, DecodeLimits.Document);
                return KubeApiException.FromStatus(document.RootElement, code, retryAfter);
            }
            catch (JsonException)
            {
                // not JSON after all: fall through to the text
            }
        }
        var text = Encoding.UTF8.GetString(bytes.AsSpan(0, Math.Min(bytes.Length, 512))).Trim();
        return new KubeApiException(code, "", text.Length > 0 ? text : response.ReasonPhrase ?? response.StatusCode.ToString(),
            retryAfter: retryAfter);
    }
}
