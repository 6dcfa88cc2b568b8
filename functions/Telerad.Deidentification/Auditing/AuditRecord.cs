namespace Telerad.Auditing;

/// <summary>How an audited action ended.</summary>
public enum AuditOutcome
{
    /// <summary>The action was carried out (for a read: data was returned).</summary>
    Granted,

    /// <summary>Refused before anything was looked up (e.g. no actor or no purpose given).</summary>
    Denied,

    /// <summary>Nothing was stored under the target id.</summary>
    NotFound,

    /// <summary>Something was stored but could not be used (wrong key, tampered or foreign record).</summary>
    Failed,
}

/// <summary>The actions Telerad audits; stable strings, because audit trails outlive code.</summary>
public static class AuditActions
{
    public const string ReidentificationRead = "reidentification.read";
    public const string IngestionAccepted = "ingestion.accepted";
    public const string IngestionDuplicate = "ingestion.duplicate";
    public const string IngestionVersioned = "ingestion.versioned";
    public const string IngestionQuarantined = "ingestion.quarantined";
    public const string IngestionExpanded = "ingestion.expanded";
}

/// <summary>
/// One line of Telerad's audit trail: who did what to which object, why, and how it ended.
/// Every field is an opaque id (<see cref="OpaqueId"/>), never patient data: the target of a
/// re-identification read is the de-identified Study Instance UID, not the original one.
/// </summary>
public sealed record AuditRecord
{
    public AuditRecord(DateTimeOffset time, string tenantId, string actor, string action, string targetId, string purpose, AuditOutcome outcome)
    {
        Time = time.ToUniversalTime();
        TenantId = OpaqueId.Require(tenantId, nameof(tenantId));
        Actor = OpaqueId.Require(actor, nameof(actor));
        Action = OpaqueId.Require(action, nameof(action));
        TargetId = OpaqueId.Require(targetId, nameof(targetId));
        Purpose = OpaqueId.Require(purpose, nameof(purpose));
        Outcome = outcome;
    }

    /// <summary>When it happened (UTC).</summary>
    public DateTimeOffset Time { get; }

    public string TenantId { get; }

    /// <summary>Who asked: a user or service principal id, never a name.</summary>
    public string Actor { get; }

    /// <summary>What was done, one of <see cref="AuditActions"/>.</summary>
    public string Action { get; }

    /// <summary>The object acted on, as an opaque/pseudonymous id.</summary>
    public string TargetId { get; }

    /// <summary>Why, as a purpose code (e.g. "report-delivery").</summary>
    public string Purpose { get; }

    public AuditOutcome Outcome { get; }
}
