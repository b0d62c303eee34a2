using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Orkestra.Runtime.Webhooks;

/// <summary>
/// The one HTTPS listener of every webhook of the process (Kestrel, HTTP/1.1 and h2, routed by hand, AOT-safe). Only the
/// paths of the <see cref="WebhookPlan"/> exist; anything else is 404. Requests are <c>POST</c> with a JSON body of at most
/// <see cref="MaxAdmissionBody"/> (AdmissionReview) or <see cref="MaxConversionBody"/> (ConversionReview, which may carry
/// a whole list), parsed with depth at most <see cref="MaxDepth"/>; a body that is not a valid review is answered 400 (413
/// when too large) with a one-line message. Every answer is bounded by <see cref="RequestTimeout"/>: a review is answered,
/// never left hanging, whatever a rule does. Start once, dispose to stop (in-flight requests finish first).
/// </summary>
public sealed class WebhookServer : IAsyncDisposable
{
    public const long MaxAdmissionBody = 8L * 1024 * 1024;
    public const long MaxConversionBody = 64L * 1024 * 1024;
    public const int MaxDepth = 128;
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(28);

    private readonly WebApplication _app;

    private WebhookServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary><c>https://127.0.0.1:PORT/</c> (or the bound address when it is not a wildcard).</summary>
    public Uri Address { get; }

    public static async Task<WebhookServer> StartAsync(IPAddress address, int port, WebhookCertificate certificate,
        WebhookEndpoints endpoints, CancellationToken cancellation = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxConversionBody;
            kestrel.Listen(address, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(certificate.Serving);
            });
        });
        var app = builder.Build();
        app.Run(endpoints.HandleAsync);
        try
        {
            await app.StartAsync(cancellation).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var host = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? "127.0.0.1" : bound.Host;
        return new WebhookServer(app, new Uri($"https://{host}:{bound.Port}/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>
/// The request delegate of <see cref="WebhookServer"/>: route, read and parse the body (bounded), run the handler, write
/// the review. Separate from Kestrel so tests drive it without sockets as well. Thread-safe.
/// </summary>
public sealed class WebhookEndpoints(WebhookPlan plan, AdmissionHandler admission, WebhookTelemetry telemetry, TimeProvider time)
{
    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var started = Stopwatch.GetTimestamp();
        if (!plan.Routes.TryGetValue(path, out var route))
        {
            await Error(context, path, 404, $"no webhook is declared at {path}");
            return;
        }
        try
        {
            if (!HttpMethods.IsPost(context.Request.Method))
            {
                context.Response.Headers.Allow = "POST";
                await Error(context, path, 405, $"{path} accepts POST only");
                return;
            }
            if (context.Request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            {
                await Error(context, path, 415, $"{path} accepts application/json, not {type}");
                return;
            }
            var limit = route.Kind == WebhookKind.Convert ? WebhookServer.MaxConversionBody : WebhookServer.MaxAdmissionBody;
            var deadline = RequestDeadline.Start(context.RequestAborted, WebhookServer.RequestTimeout);
            byte[]? body = null;
            try
            {
                (body, var length) = await ReadAsync(context.Request, limit, deadline.Token);
                if (body is null)
                {
                    await Error(context, path, 413, $"the body is larger than {limit / (1024 * 1024)} MiB");
                    return;
                }
                JsonDocument document;
                try
                {
                    document = JsonDocument.Parse(body.AsMemory(0, length), ParseOptions);
                }
                catch (JsonException e)
                {
                    await Error(context, path, 400, $"the body is not valid JSON: {e.Message}");
                    return;
                }
                using (document)
                {
                    if (route.Kind == WebhookKind.Convert) await ConvertAsync(context, route, document.RootElement);
                    else await AdmitAsync(context, route, document.RootElement, deadline.Token);
                }
            }
            finally
            {
                if (body is not null) PooledBuffers.Return(body);
                deadline.Finish();
            }
        }
        catch (ReviewException e)
        {
            await Error(context, path, 400, e.Message);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            await Error(context, path, 504, $"{path} did not answer within {WebhookServer.RequestTimeout.TotalSeconds:0} s");
        }
        catch (OperationCanceledException)
        {
            // the API server gave up; nobody reads an answer
        }
        finally
        {
            telemetry.Request(route.Path, Stopwatch.GetElapsedTime(started));
        }
    }

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = WebhookServer.MaxDepth };

    private async Task AdmitAsync(HttpContext context, WebhookRoute route, JsonElement review, CancellationToken cancellation)
    {
        var request = AdmissionRequest.Parse(review, route.Operator?.ApiTypes);
        AdmissionResponse response;
        try
        {
            response = await admission.HandleAsync(route, request, cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The last line of defence: a bug in a rule path denies this one request instead of failing the server.
            response = AdmissionResponse.Deny($"{route.WebhookName} could not evaluate {request.Describe()}: {e.Message}", code: 500);
        }
        var buffer = ResponseBuffer.Take();
        response.Write(buffer.Json, request.Uid);
        await SendAsync(context, buffer);
    }

    /// <summary>Converts the objects one by one straight into the answer; the first failure replaces the whole answer by a
    /// Failure result.</summary>
    private async Task ConvertAsync(HttpContext context, WebhookRoute route, JsonElement review)
    {
        var request = ConversionRequest.Parse(review);
        var op = route.Operator!;
        var buffer = ResponseBuffer.Take();
        var writer = buffer.Json;
        ConversionRequest.WriteStart(writer, request.Uid);
        string? failure = null;
        for (var i = 0; i < request.Objects.Count; i++)
        {
            var obj = request.Objects[i];
            var started = Stopwatch.GetTimestamp();
            Conversion result;
            try
            {
                result = Converter.Convert(op, op.Conversion!, obj, request.DesiredApiVersion, time, writer);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                result = new Conversion(null, "", "", $"spec.crds.{op.Name}.conversion: {e.Message}");
            }
            telemetry.Converted(op.ApiTypes.Kind, result.From, result.To, result.Failure, Stopwatch.GetElapsedTime(started));
            if (result.Failure is not null)
            {
                failure = result.Failure;
                break;
            }
        }
        if (failure is not null)
        {
            buffer.Clear();
            ConversionRequest.WriteStart(writer, request.Uid);
        }
        ConversionRequest.WriteEnd(writer, failure);
        await SendAsync(context, buffer);
    }

    /// <summary>The whole body in a buffer of <see cref="PooledBuffers"/> (the caller returns it), or null when it exceeds
    /// <paramref name="limit"/>. A body with a Content-Length is read into one buffer of that size.</summary>
    private static async ValueTask<(byte[]? Buffer, int Length)> ReadAsync(HttpRequest request, long limit, CancellationToken cancellation)
    {
        var declared = request.ContentLength;
        if (declared > limit) return (null, 0);
        var buffer = PooledBuffers.Rent(declared is { } n and > 0 ? (int)n : 16 * 1024);
        var length = 0;
        try
        {
            while (length != declared)
            {
                if (length == buffer.Length)
                {
                    // unknown length (chunked): grow, up to one byte past the limit to see it exceeded
                    var bigger = PooledBuffers.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    PooledBuffers.Return(buffer);
                    buffer = bigger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellation);
                if (read == 0) break;
                length += read;
                if (length > limit)
                {
                    PooledBuffers.Return(buffer);
                    return (null, 0);
                }
            }
            return (buffer, length);
        }
        catch
        {
            PooledBuffers.Return(buffer);
            throw;
        }
    }

    private async Task Error(HttpContext context, string path, int code, string message)
    {
        telemetry.BadRequest(path, code, message);
        if (context.Response.HasStarted) return;
        context.Response.StatusCode = code;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n");
    }

    /// <summary>Sends what <paramref name="buffer"/> holds as the 200 answer (with its Content-Length, so HTTP/1.1 needs no
    /// chunked framing) and releases the buffer before the flush is awaited.</summary>
    private static ValueTask<FlushResult> SendAsync(HttpContext context, ResponseBuffer buffer)
    {
        try
        {
            buffer.Json.Flush();
            var written = buffer.Written;
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = written.Length;
            context.Response.BodyWriter.Write(written);
        }
        finally
        {
            buffer.Release();
        }
        return context.Response.BodyWriter.FlushAsync();
    }
}

/// <summary>
/// One request's deadline: a token cancelled after the timeout or when the client goes away. Its
/// <see cref="CancellationTokenSource"/> (and the timer inside it) is reused by a later request of the same thread when it
/// was not cancelled and finished well before its timer could fire.
/// </summary>
internal struct RequestDeadline
{
    [ThreadStatic]
    private static CancellationTokenSource? _spare;

    private readonly CancellationTokenSource _source;
    private readonly TimeSpan _timeout;
    private readonly long _started;
    private CancellationTokenRegistration _aborted;

    private RequestDeadline(CancellationTokenSource source, TimeSpan timeout)
    {
        _source = source;
        _timeout = timeout;
        _started = Stopwatch.GetTimestamp();
    }

    public readonly CancellationToken Token => _source.Token;

    public static RequestDeadline Start(CancellationToken aborted, TimeSpan timeout)
    {
        var source = _spare ?? new CancellationTokenSource();
        _spare = null;
        source.CancelAfter(timeout);
        var deadline = new RequestDeadline(source, timeout);
        if (aborted.CanBeCanceled)
            deadline._aborted = aborted.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), source);
        return deadline;
    }

    public void Finish()
    {
        _aborted.Dispose();
        if (Stopwatch.GetElapsedTime(_started) < _timeout - TimeSpan.FromSeconds(1) && _source.TryReset()) _spare = _source;
        else _source.Dispose();
    }
}
