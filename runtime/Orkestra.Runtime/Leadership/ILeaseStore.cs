namespace Orkestra.Runtime.Leadership;

/// <summary>The fields of a <c>coordination.k8s.io/v1</c> Lease that leader election reads and writes.</summary>
public sealed record LeaseRecord(
    string? HolderIdentity,
    int LeaseDurationSeconds,
    DateTimeOffset? AcquireTime,
    DateTimeOffset? RenewTime,
    int LeaseTransitions,
    string? ResourceVersion = null);

/// <summary>Another writer changed the lease first (HTTP 409): the attempt failed, try again next period.</summary>
public sealed class LeaseConflictException(string message) : Exception(message);

/// <summary>
/// Reads and writes the one Lease an election uses, with optimistic concurrency: <see cref="UpdateAsync"/> must
/// fail with <see cref="LeaseConflictException"/> when <c>record.ResourceVersion</c> is stale, and
/// <see cref="CreateAsync"/> when the lease already exists. Any other exception is a failed attempt.
/// </summary>
public interface ILeaseStore
{
    /// <summary>The lease, or null when it does not exist.</summary>
    ValueTask<LeaseRecord?> GetAsync(CancellationToken cancellation);
    ValueTask<LeaseRecord> CreateAsync(LeaseRecord record, CancellationToken cancellation);
    ValueTask<LeaseRecord> UpdateAsync(LeaseRecord record, CancellationToken cancellation);
}
