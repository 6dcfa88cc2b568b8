using Telerad.Auditing;

namespace Telerad.Azure;

/// <summary>
/// The audit trail as the hosts use it: every record goes first to the immutable copy (<see cref="AppendBlobAuditLog"/>,
/// which is what an auditor trusts), then to the queryable index (<see cref="TableAuditLog"/>) that answers a study's
/// timeline. Per-instance ingestion records (thousands per study) stay out of the index: the timeline is about the
/// study's decisions and people's actions, and the immutable copy keeps them all. A failed index write fails the call
/// (the caller retries; the immutable copy may then hold the record twice, which an append-only log tolerates).
/// </summary>
public sealed class IndexedAuditLog(IAuditLog immutable, TableAuditLog index) : IAuditLog, IAuditQuery
{
    public async Task WriteAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await immutable.WriteAsync(record, cancellationToken);
        if (!record.Action.StartsWith("ingestion.", StringComparison.Ordinal))
        {
            await index.WriteAsync(record, cancellationToken);
        }
    }

    public Task<IReadOnlyList<AuditRecord>> ForTargetAsync(string tenantId, string targetId, int maxCount, CancellationToken cancellationToken = default) =>
        index.ForTargetAsync(tenantId, targetId, maxCount, cancellationToken);
}
