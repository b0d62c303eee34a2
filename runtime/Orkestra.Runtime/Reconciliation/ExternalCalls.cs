using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Rendering;
using Orkestra.Templating;
using Orkestra.Templating.Values;

namespace Orkestra.Runtime.Reconciliation;

/// <summary>The outcome of a hook's <c>external</c> calls: <c>.external</c> for templates, or the failure that stops
/// the reconcile (a call without <c>continueOnError</c> that failed).</summary>
public readonly record struct ExternalOutcome(TemplateValue Results, string? Failure);

/// <summary>
/// Runs the HTTP <c>external</c> calls of a hook (or of a rule set) before its children render, in declaration
/// order, each seeing the earlier results. Per call: gated by <c>when</c>/<c>or</c> (skipped → <c>called: "false"</c>);
/// reused within <c>cacheFor</c> (per CR and call); <c>sleep</c> first; URL, body, headers and the deprecated
/// <c>token</c> (Bearer, <c>$VAR</c> expanded after templating) rendered against the CR; bounded by <c>timeout</c>.
/// Result <c>.external.&lt;name&gt;</c>: <c>called</c>, <c>status</c> (code as text, empty without a response),
/// <c>statusCode</c>, <c>body</c> (first 4096 bytes), <c>durationSeconds</c>, and <c>error</c> only on failure. A call
/// fails on a transport error, a timeout, or a status other than <c>expectedStatus</c> (0: any 2xx).
/// Thread-safe; one instance per process (the cache is keyed by CR uid).
/// </summary>
public sealed partial class ExternalCalls(HttpMessageInvoker http, TimeProvider time, Func<string, string?>? environment = null)
{
    public const int BodyLimit = 4096;

    private readonly ConcurrentDictionary<(string Uid, string Name), (DateTimeOffset Until, TemplateValue Result)> _cache = new();
    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;

    public Task<ExternalOutcome> RunAsync(IEnumerable<CompiledHook?> hooks, JsonElement cr, TemplateValue? cross,
        CancellationToken cancellation) =>
        RunAsync(hooks.OfType<CompiledHook>().SelectMany(h => h.External), cr, cross, cancellation);

    /// <summary>Runs <paramref name="calls"/> in order. At reconcile only calls with <c>fires.reconcile</c> run; with
    /// <paramref name="admission"/> every call runs (admission-only calls are those with <c>fires.reconcile: false</c>).
    /// Results are cached (<c>cacheFor</c>) only for objects that have a uid — not for a CR being created.</summary>
    public async Task<ExternalOutcome> RunAsync(IEnumerable<CompiledExternal> calls, JsonElement cr, TemplateValue? cross,
        CancellationToken cancellation, bool admission = false)
    {
        var results = new Dictionary<string, TemplateValue>(StringComparer.Ordinal);
        var uid = cr.TryGetProperty("metadata", out var md) && md.TryGetProperty("uid", out var u) ? u.GetString() ?? "" : "";
        var cacheable = uid.Length > 0;
        foreach (var call in calls.Where(c => admission || c.Source.FiresReconcile))
        {
            var name = call.Source.Name;
            var earlier = TemplateValue.Map(results);
            var scope = new RenderScope(TemplateData.ForObject(cr, cross: cross, external: earlier), time);
            if (!call.Gate.Evaluate(scope))
            {
                results[name] = Map(("called", "false"));
                continue;
            }
            if (cacheable && call.Source.CacheFor is not null && _cache.TryGetValue((uid, name), out var cached)
                && cached.Until > time.GetUtcNow())
            {
                results[name] = cached.Result;
                continue;
            }
            var (result, error) = await CallAsync(call, scope, cancellation).ConfigureAwait(false);
            results[name] = result;
            if (error is not null && !call.Source.ContinueOnError)
                return new ExternalOutcome(TemplateValue.Map(results), $"external call {name}: {error}");
            if (cacheable && call.Source.CacheFor is { } cacheFor && error is null)
                _cache[(uid, name)] = (time.GetUtcNow() + cacheFor, result);
        }
        return new ExternalOutcome(TemplateValue.Map(results), null);
    }

    /// <summary>Forgets cached results of a CR that is gone.</summary>
    public void Forget(string uid)
    {
        foreach (var key in _cache.Keys.Where(k => k.Uid == uid)) _cache.TryRemove(key, out _);
    }

    private async Task<(TemplateValue Result, string? Error)> CallAsync(CompiledExternal call, RenderScope scope,
        CancellationToken cancellation)
    {
        var source = call.Source;
        if (source.Sleep is { } pause && pause > TimeSpan.Zero) await Task.Delay(pause, time, cancellation).ConfigureAwait(false);
        var started = time.GetTimestamp();
        string status = "", body = "";
        var code = 0;
        string? error;
        try
        {
            using var request = new HttpRequestMessage(new HttpMethod(source.Method), call.Url.Render(scope).Trim());
            if (call.Body?.Render(scope) is { Length: > 0 } content)
                request.Content = new StringContent(content, Encoding.UTF8, "application/json");
            foreach (var header in call.Headers) request.Headers.TryAddWithoutValidation(header.Name, header.Value.Render(scope));
            if (call.Token?.Render(scope) is { Length: > 0 } token)
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + ExpandEnvironment(token));
            using var timeout = new CancellationTokenSource(source.Timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, timeout.Token);
            try
            {
                using var response = await http.SendAsync(request, linked.Token).ConfigureAwait(false);
                code = (int)response.StatusCode;
                status = code.ToString(CultureInfo.InvariantCulture);
                body = await ReadPrefixAsync(response, linked.Token).ConfigureAwait(false);
                var ok = source.ExpectedStatus == 0 ? code is >= 200 and < 300 : code == source.ExpectedStatus;
                error = ok ? null : source.ExpectedStatus == 0 ? $"HTTP {code}" : $"HTTP {code}, expected {source.ExpectedStatus}";
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellation.IsCancellationRequested)
            {
                error = $"timed out after {source.Timeout.TotalSeconds:0.###} s";
            }
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or UriFormatException or KatalogRenderException)
        {
            error = e.Message;
        }
        var entries = new List<(string, string)> { ("called", "true"), ("status", status), ("body", body),
            ("durationSeconds", time.GetElapsedTime(started).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)) };
        if (error is not null) entries.Add(("error", error));
        var result = Map([.. entries]);
        return (result.With([KeyValuePair.Create("statusCode", TemplateValue.Number(code))]), error);
    }

    private static async Task<string> ReadPrefixAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
        var buffer = new byte[BodyLimit];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellation).ConfigureAwait(false);
            if (n == 0) break;
            read += n;
        }
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    private string ExpandEnvironment(string text) => EnvironmentReference().Replace(text, m => _environment(m.Groups[1].Value) ?? "");

    private static TemplateValue Map(params (string Key, string Value)[] entries) =>
        TemplateValue.Map(entries.Select(e => KeyValuePair.Create(e.Key, TemplateValue.String(e.Value))));

    [GeneratedRegex(@"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")]
    private static partial Regex EnvironmentReference();
}
