namespace Telerad.Deidentification;

/// <summary>
/// What is needed to give a report back to the referrer with the patient's real identity: the original
/// identifiers of one study, keyed by its de-identified Study Instance UID. THIS IS PHI: it is stored
/// only encrypted (AES-GCM, the tenant's map key), never logged, and every read is audited.
/// </summary>
public sealed record ReidentificationEntry
{
    public required string TenantId { get; init; }

    public required string DeidentifiedStudyInstanceUid { get; init; }

    public required string OriginalStudyInstanceUid { get; init; }

    public string? AccessionNumber { get; init; }

    public string? PatientId { get; init; }

    public string? IssuerOfPatientId { get; init; }

    public string? PatientName { get; init; }

    public string? PatientBirthDate { get; init; }

    public string? ReferringPhysicianName { get; init; }

    /// <summary>Days added to every date of this patient (negative: shifted into the past).</summary>
    public int DateShiftDays { get; init; }

    /// <summary>Fingerprint of the pseudonym key that produced the de-identified identifiers.</summary>
    public required string PseudonymKeyId { get; init; }

    /// <summary>Never print the values: this record is PHI.</summary>
    public override string ToString() => $"ReidentificationEntry({TenantId}, {DeidentifiedStudyInstanceUid})";
}

/// <summary>
/// Stores re-identification entries encrypted; every read is audited with who and why.
/// Implementations: <see cref="FileReidentificationStore"/>, and an Azure Table store in Telerad.Azure, both on
/// <see cref="EncryptedReidentificationStore"/>. Tenant ids, study UIDs, actors and purposes are
/// <see cref="Telerad.Auditing.OpaqueId"/>s.
/// </summary>
public interface IReidentificationStore
{
    /// <summary>Saves (or replaces, idempotently) the entry of one study.</summary>
    Task SaveAsync(ReidentificationEntry entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads an entry back; writes an audit record naming <paramref name="actor"/> and <paramref name="purpose"/> first,
    /// and returns nothing if that write fails. Null (audited as not found) when there is no entry;
    /// <see cref="UnauthorizedAccessException"/> (audited as denied) without a valid actor and purpose;
    /// <see cref="ReidentificationMapException"/> (audited as failed) when the stored record does not open.
    /// </summary>
    Task<ReidentificationEntry?> GetAsync(string tenantId, string deidentifiedStudyInstanceUid, string actor, string purpose, CancellationToken cancellationToken = default);
}
