using Orkestra.ApiMachinery.Meta;

namespace Orkestra.Runtime.Controllers;

/// <summary>
/// Admits keys to reconciles (sharding: only keys of the buckets this replica holds). Thread-safe.
/// </summary>
public interface IKeyFence
{
    /// <summary>True when the key may be reconciled now; <paramref name="fence"/> is then cancelled as soon as it may no
    /// longer be, and <see cref="Exit"/> must follow when the reconcile ends. False: the key is dropped, not retried.</summary>
    bool TryEnter(ObjectKey key, out CancellationToken fence);

    void Exit(ObjectKey key);
}
