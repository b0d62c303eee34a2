namespace Orkestra.Kube.Client;

/// <summary>
/// Maps a kind to the resource that serves it, from API discovery. Answers are cached per group version; a kind the
/// cache does not know triggers one fresh discovery of its group version, so a CRD installed after start is found
/// on the next call. Thread-safe.
/// </summary>
public interface IRestMapper
{
    /// <summary>Throws <see cref="KubeApiException"/> with <see cref="KubeApiException.IsNotFound"/> when the server does not serve the
    /// kind.</summary>
    Task<ResourceMapping> MapAsync(GroupVersionKind kind, CancellationToken cancellation);
}
