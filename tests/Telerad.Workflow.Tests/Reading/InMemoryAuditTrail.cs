using System.Collections.Concurrent;
using Telerad.Auditing;

namespace Telerad.Workflow.Tests;

/// <summary>An audit trail in memory that can be queried per study (the Table one is tested on Azurite).</summary>
internal sealed class InMemoryAuditTrail : IAuditLog, IAuditQuery
{
    public ConcurrentQueue<AuditRecord> All { get; } = new();

    public Task WriteAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        All.Enqueue(record);
        return Task.CompletedTask;
    }

    /// <summary>Oldest first by the records' time, as the Table trail sorts (not by write order: StartReading writes
    /// reading.started, stamped before it starts ReadStudy, after ReadStudy may already have written its first record).</summary>
    public Task<IReadOnlyList<AuditRecord>> ForTargetAsync(string tenantId, string targetId, int maxCount, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<AuditRecord>>([.. All.Where(r => r.TenantId == tenantId && r.TargetId == targetId).OrderBy(r => r.Time).Take(maxCount)]);
}
