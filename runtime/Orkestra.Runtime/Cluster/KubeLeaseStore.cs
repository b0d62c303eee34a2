using Orkestra.ApiMachinery.Meta;
using Orkestra.Kube;
using Orkestra.Kube.Client;
using Orkestra.Runtime.Leadership;

namespace Orkestra.Runtime.Cluster;

/// <summary>
/// <see cref="ILeaseStore"/> on one <c>coordination.k8s.io/v1</c> Lease: GET, POST to create, PUT with the
/// observed resourceVersion to update. A 409 (stale version) or AlreadyExists becomes
/// <see cref="LeaseConflictException"/>. Every write carries <paramref name="labels"/> (null: none). Thread-safe.
/// </summary>
internal sealed class KubeLeaseStore(IKubeClient client, string @namespace, string name,
    IReadOnlyDictionary<string, string>? labels = null) : ILeaseStore
{
    public static readonly GroupVersionResource Leases = new("coordination.k8s.io", "v1", "leases");

    public string Namespace => @namespace;

    public string Name => name;

    public async ValueTask<LeaseRecord?> GetAsync(CancellationToken cancellation)
    {
        try
        {
            return LeaseJson.FromLease(await client.GetAsync(Leases, @namespace, name, cancellation).ConfigureAwait(false));
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    public async ValueTask<LeaseRecord> CreateAsync(LeaseRecord record, CancellationToken cancellation)
    {
        try
        {
            var lease = LeaseJson.ToLease(@namespace, name, record with { ResourceVersion = null }, labels);
            return LeaseJson.FromLease(await client.CreateAsync(Leases, @namespace, lease, null, cancellation).ConfigureAwait(false));
        }
        catch (KubeApiException e) when (e.IsAlreadyExists || e.IsConflict)
        {
            throw new LeaseConflictException(e.ServerMessage);
        }
    }

    public async ValueTask<LeaseRecord> UpdateAsync(LeaseRecord record, CancellationToken cancellation)
    {
        try
        {
            return LeaseJson.FromLease(await client.UpdateAsync(Leases, @namespace, name,
                LeaseJson.ToLease(@namespace, name, record, labels), null, cancellation).ConfigureAwait(false));
        }
        catch (KubeApiException e) when (e.IsConflict)
        {
            throw new LeaseConflictException(e.ServerMessage);
        }
    }

    /// <summary>Deletes the lease if it is still at <paramref name="resourceVersion"/> (the one our release wrote): one
    /// request, and a lease somebody took over since is left alone.</summary>
    public async ValueTask DeleteAtAsync(string resourceVersion, CancellationToken cancellation)
    {
        try
        {
            var precondition = new DeleteOptions { PreconditionResourceVersion = resourceVersion };
            await client.DeleteAsync(Leases, @namespace, name, precondition, cancellation).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsNotFound || e.IsConflict)
        {
        }
    }

    /// <summary>Releases the Lease <paramref name="elector"/> holds (after its <c>RunAsync</c> returned) and deletes it at the
    /// released version, within <paramref name="bound"/>. Returns why that failed, or null (also when it was not held).</summary>
    public async Task<string?> ReleaseAndDeleteAsync(LeaderElector elector, CancellationToken bound)
    {
        try
        {
            if (await elector.ReleaseAsync(bound).ConfigureAwait(false) is { ResourceVersion: { } version })
                await DeleteAtAsync(version, bound).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException or TimeoutException or OperationCanceledException)
        {
            return e.Message;
        }
    }

    /// <summary>Deletes the lease if <paramref name="identity"/> still holds it or nobody does (graceful exit leaves no residue).</summary>
    public async ValueTask DeleteIfOursAsync(string identity, CancellationToken cancellation)
    {
        var lease = await GetAsync(cancellation).ConfigureAwait(false);
        if (lease is null || (lease.HolderIdentity is { Length: > 0 } holder && holder != identity)) return;
        try
        {
            var precondition = new DeleteOptions { PreconditionResourceVersion = lease.ResourceVersion };
            await client.DeleteAsync(Leases, @namespace, name, precondition, cancellation).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsNotFound || e.IsConflict)
        {
        }
    }
}
