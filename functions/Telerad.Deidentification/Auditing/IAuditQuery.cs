namespace Telerad.Auditing;

/// <summary>Reads the audit trail back, per object (e.g. one study's timeline). Implemented by the stores that can.</summary>
public interface IAuditQuery
{
    /// <summary>The tenant's records about <paramref name="targetId"/>, oldest first, at most <paramref name="maxCount"/>.</summary>
    Task<IReadOnlyList<AuditRecord>> ForTargetAsync(string tenantId, string targetId, int maxCount, CancellationToken cancellationToken = default);
}
