using Microsoft.Extensions.Logging;
using Orkestra.Katalog.Compilation;
using Orkestra.Kube.Client;
using Orkestra.Runtime.Cluster;
using Orkestra.Runtime.Webhooks;

namespace Orkestra.Runtime.Hosting;

/// <summary>
/// <c>ork cleanup</c>: removes what <c>ork run</c> registers for itself and a killed process may have left behind — the
/// Katalogs' webhook configurations, their CRD conversion patches (the previous block is restored) and the leader Lease
/// when it has expired (a live holder's Lease is never touched) — without starting operators. Children, CRs and CRDs stay.
/// </summary>
public static class RuntimeCleanup
{
    public static async Task<IReadOnlyList<string>> RunAsync(IKubeClient client, IReadOnlyList<CompiledKatalog> katalogs,
        string leaseNamespace, string? leaseName, TimeProvider time, ILogger log, CancellationToken cancellation)
    {
        var removed = new List<string>();
        var registrar = new WebhookRegistrar(client, log);
        foreach (var katalog in katalogs)
            removed.AddRange(await registrar.CleanupAsync(katalog.Name, cancellation).ConfigureAwait(false));

        var lease = new KubeLeaseStore(client, leaseNamespace, leaseName ?? OperatorHost.DefaultLeaseName(katalogs.Select(k => k.Name)));
        if (await lease.GetAsync(cancellation).ConfigureAwait(false) is { } record)
        {
            var expired = record.HolderIdentity is not { Length: > 0 }
                          || record.RenewTime is not { } renewed
                          || renewed + TimeSpan.FromSeconds(Math.Max(record.LeaseDurationSeconds, 1)) < time.GetUtcNow();
            if (expired)
            {
                await lease.DeleteIfOursAsync(record.HolderIdentity ?? "", cancellation).ConfigureAwait(false);
                removed.Add($"Lease {lease.Namespace}/{lease.Name} (expired)");
            }
            else
            {
                Observability.Log.LeaseLeftAlone(log, lease.Namespace, lease.Name, record.HolderIdentity ?? "");
            }
        }
        return removed;
    }
}
