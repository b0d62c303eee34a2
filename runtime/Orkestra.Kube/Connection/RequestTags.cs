namespace Orkestra.Kube.Connection;

/// <summary>What the dynamic client tells the transport about a request (carried in <see cref="HttpRequestMessage.Options"/>).</summary>
internal static class RequestTags
{
    /// <summary>The Kubernetes verb, for metrics.</summary>
    public static readonly HttpRequestOptionsKey<string> Verb = new("orkestra.verb");

    /// <summary>A watch: never retried by the pipeline (the reflector owns its recovery).</summary>
    public static readonly HttpRequestOptionsKey<bool> Watch = new("orkestra.watch");

    public static string VerbOf(HttpRequestMessage request) =>
        request.Options.TryGetValue(Verb, out var verb) ? verb : request.Method.Method.ToLowerInvariant();

    public static bool IsWatch(HttpRequestMessage request) => request.Options.TryGetValue(Watch, out var watch) && watch;
}
