using System.Security.Authentication;
using Orkestra.Kube.Metrics;

namespace Orkestra.Kube.Connection;

/// <summary>
/// Runs once per attempt, below the retry pipeline: waits for a rate-limiter token, sets the Authorization header
/// (fresh per attempt, so rotated tokens apply to retries), records the attempt's verb, status code and latency,
/// and turns a TLS rejection into a <see cref="KubeConnectionException"/> that says why. Stateless apart from its
/// collaborators, which are thread-safe.
/// </summary>
internal sealed class AttemptHandler(ClientRateLimiter limiter, ICredentialSource credentials, ServerCertificatePolicy? tls,
    IKubeMetrics metrics, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellation)
    {
        await limiter.WaitAsync(cancellation).ConfigureAwait(false);
        request.Headers.Authorization = await credentials.GetAsync(cancellation).ConfigureAwait(false);
        var started = time.GetTimestamp();
        var verb = RequestTags.VerbOf(request);
        var method = request.Method.Method;
        var host = request.RequestUri?.Authority ?? "";
        try
        {
            var response = await base.SendAsync(request, cancellation).ConfigureAwait(false);
            metrics.RequestCompleted(verb, method, host, (int)response.StatusCode, time.GetElapsedTime(started));
            return response;
        }
        catch (HttpRequestException e) when (FindAuthenticationFailure(e) is { } tlsFailure)
        {
            metrics.RequestCompleted(verb, method, host, 0, time.GetElapsedTime(started));
            var name = request.RequestUri?.Host ?? "";
            var why = tls?.RejectionFor(name.Trim('[', ']')) ?? tls?.RejectionFor(name) ?? tlsFailure.Message;
            throw new KubeConnectionException(
                $"TLS verification of {request.RequestUri?.GetLeftPart(UriPartial.Authority)} failed: {why}", e);
        }
        catch (Exception) when (!cancellation.IsCancellationRequested)
        {
            metrics.RequestCompleted(verb, method, host, 0, time.GetElapsedTime(started));
            throw;
        }
    }

    private static AuthenticationException? FindAuthenticationFailure(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
            if (current is AuthenticationException authentication) return authentication;
        return null;
    }
}
