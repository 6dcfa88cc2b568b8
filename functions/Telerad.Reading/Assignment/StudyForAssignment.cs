namespace Telerad.Reading.Assignment;

/// <summary>
/// What the assignment engine knows about a study: ids and codes only, no PHI. The patient jurisdiction defaults to
/// the facility's; the RVU estimate to the configured table's value for the modality and body part.
/// </summary>
public sealed record StudyForAssignment
{
    /// <summary>The study's pseudonymous key (as in deid/{tenant}/{study}).</summary>
    public required string StudyId { get; init; }

    public required string TenantId { get; init; }

    public required string FacilityId { get; init; }

    /// <summary>Where the patient is (licensure), e.g. <c>US-NJ</c>; null = the facility's jurisdiction.</summary>
    public string? PatientJurisdiction { get; init; }

    /// <summary>DICOM Modality, e.g. <c>CT</c>.</summary>
    public required string Modality { get; init; }

    /// <summary>DICOM Body Part Examined, e.g. <c>HEAD</c>; empty when the study does not say.</summary>
    public required string BodyPart { get; init; }

    public required ReadingPriority Priority { get; init; }

    /// <summary>null = estimated from the RVU table.</summary>
    public decimal? RvuEstimate { get; init; }

    /// <summary>The ordering referrer's id, if known (referrer conflicts).</summary>
    public string? ReferrerId { get; init; }

    /// <summary>Radiologists who must not get this study again (silent after reminders, declined, released).</summary>
    public IReadOnlyCollection<string> ExcludedRadiologistIds { get; init; } = [];
}

/// <summary>A radiologist's current work: studies assigned or accepted and not yet reported, and their RVUs.</summary>
public readonly record struct RadiologistLoad(int OpenStudies, decimal OpenRvus)
{
    public static RadiologistLoad None => default;

    public override string ToString() =>
        FormattableString.Invariant($"{OpenStudies} open stud{(OpenStudies == 1 ? "y" : "ies")}, {OpenRvus} open RVUs");
}
