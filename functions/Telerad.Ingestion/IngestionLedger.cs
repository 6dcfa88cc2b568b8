namespace Telerad.Ingestion;

/// <summary>What happened to one delivered object version: makes a redelivered event a no-op.</summary>
public sealed record LedgerEntry(string ObjectId, string ETag, string Outcome, string? Detail, DateTimeOffset At)
{
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
    public const string Versioned = "versioned";
    public const string Quarantined = "quarantined";
    public const string Expanded = "expanded";
    public const string Manifest = "manifest";
}

/// <summary>The `ingestion` table: outcome per (tenant, object, version).</summary>
public interface IIngestionLedger
{
    Task<LedgerEntry?> FindAsync(string tenant, string objectId, string etag, CancellationToken cancellationToken = default);

    Task RecordAsync(string tenant, LedgerEntry entry, CancellationToken cancellationToken = default);
}

/// <summary>One SOP instance as stored: the content hash decides whether a re-sent instance is the same or a new version.</summary>
public sealed record InstanceRecord(string Tenant, string StudyKey, string SopKey, string ContentSha256, int Version, string ObjectId, string ObjectName);

/// <summary>
/// The `instances` table, keyed by pseudonymous (keyed-hash) study and SOP keys so that it holds no PHI.
/// </summary>
public interface IInstanceRegistry
{
    Task<InstanceRecord?> FindInstanceAsync(string tenant, string studyKey, string sopKey, CancellationToken cancellationToken = default);

    Task SaveInstanceAsync(InstanceRecord record, CancellationToken cancellationToken = default);
}
