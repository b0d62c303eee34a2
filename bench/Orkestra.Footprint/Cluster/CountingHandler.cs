namespace Orkestra.Footprint.Cluster;

/// <summary>
/// Counts the harness's own requests to the API server (all, and writes) so they can be subtracted from the
/// sandbox's totals: what remains is the operator's traffic. Counted when the response has arrived, as the sandbox
/// counts a request when it has been served.
/// </summary>
internal sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    long _total, _writes;

    public long Total => Interlocked.Read(ref _total);
    public long Writes => Interlocked.Read(ref _writes);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Increment(ref _total);
            if (request.Method != HttpMethod.Get) Interlocked.Increment(ref _writes);
        }
    }
}
