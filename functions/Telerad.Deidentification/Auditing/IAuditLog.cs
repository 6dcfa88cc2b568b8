namespace Telerad.Auditing;

/// <summary>
/// Telerad's append-only audit trail. <see cref="WriteAsync"/> returns only once the record is durable,
/// so a caller that audits before acting (e.g. before returning re-identified data) fails closed:
/// if the audit cannot be written, the action does not happen.
/// Implementations: <see cref="JsonLinesAuditLog"/> (local file), an Azure Table in Telerad.Azure.
/// </summary>
public interface IAuditLog
{
    Task WriteAsync(AuditRecord record, CancellationToken cancellationToken = default);
}
