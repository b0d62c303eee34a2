using System.Net;
using System.Security.Authentication;
using Orkestra.ApiMachinery.Wait;
using Polly;
using Polly.Retry;

namespace Orkestra.Kube.Connection;

/// <summary>
/// Which failed attempts are retried, and after how long. Retried: 429 (always — the server refused before doing
/// anything), 500/502/503/504 and connection failures, after <see cref="Backoff"/> (exponential, equal jitter), a
/// server's <c>Retry-After</c> taking precedence, every delay capped by <see cref="KubeConnectionOptions.MaxRetryDelay"/>,
/// at most <see cref="KubeConnectionOptions.MaxRetries"/> times. Polly runs the attempts; the delays are ours. Never
/// retried: watches (the reflector recovers them), TLS failures, cancellations, and a POST that may have reached the
/// server (a 5xx or a connection lost after sending) — a create is not idempotent.
/// </summary>
internal static class RetryPolicy
{
    public static ResiliencePipeline<HttpResponseMessage> Build(KubeConnectionOptions options)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = options.TimeProvider };
        if (options.MaxRetries <= 0) return builder.Build();
        var time = options.TimeProvider;
        var maxDelay = options.MaxRetryDelay;
        var backoff = BackoffOf(options);
        var random = options.Random;
        return builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = options.MaxRetries,
            MaxDelay = maxDelay,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, RequestOf(args.Context, args.Outcome))),
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                DelayFor(args.AttemptNumber + 1, args.Outcome.Result, backoff, random, time, maxDelay)),
        }).Build();
    }

    /// <summary>The transport's backoff: <see cref="KubeConnectionOptions.RetryBaseDelay"/> doubling up to
    /// <see cref="KubeConnectionOptions.MaxRetryDelay"/>, equal jitter.</summary>
    internal static Backoff BackoffOf(KubeConnectionOptions options) =>
        new Backoff(options.RetryBaseDelay, options.MaxRetryDelay).WithEqualJitter();

    /// <summary>The wait before retry <paramref name="retry"/> (1 = the first): the server's Retry-After when it sent
    /// one (capped), else <paramref name="backoff"/>.</summary>
    internal static TimeSpan DelayFor(int retry, HttpResponseMessage? response, Backoff backoff, Func<double> random, TimeProvider time,
        TimeSpan maxDelay) =>
        RetryAfter(response, time, maxDelay) ?? backoff.Delay(retry, random());

    private static HttpRequestMessage? RequestOf(ResilienceContext context, Outcome<HttpResponseMessage> outcome) =>
        outcome.Result?.RequestMessage ?? context.GetRequestMessage();

    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, HttpRequestMessage? request)
    {
        if (request is not null && RequestTags.IsWatch(request)) return false;
        var create = request?.Method == HttpMethod.Post;
        if (outcome.Exception is { } exception)
        {
            if (exception is not HttpRequestException http) return false;   // cancellation, KubeConnectionException (TLS), bugs
            if (HasInner<AuthenticationException>(http)) return false;
            // A POST is retried only when it provably never left: the connection could not be established.
            return !create || http.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;
        }
        var code = outcome.Result!.StatusCode;
        if (code == HttpStatusCode.TooManyRequests) return true;
        return !create && code is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
    }

    /// <summary>The server's Retry-After (seconds or a date), capped; null lets the backoff decide.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time, TimeSpan max)
    {
        var header = response?.Headers.RetryAfter;
        if (header is null) return null;
        var delay = header.Delta ?? (header.Date is { } date ? date - time.GetUtcNow() : null);
        if (delay is not { } value) return null;
        if (value < TimeSpan.Zero) value = TimeSpan.Zero;
        return value > max ? max : value;
    }

    private static bool HasInner<T>(Exception e) where T : Exception
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
            if (current is T) return true;
        return false;
    }
}
