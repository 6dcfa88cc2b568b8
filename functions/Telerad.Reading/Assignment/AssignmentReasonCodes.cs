namespace Telerad.Reading.Assignment;

/// <summary>The stable, machine-readable codes of <see cref="AssignmentReason"/> (docs/configuration.md, "Assignment").</summary>
public static class AssignmentReasonCodes
{
    // Why a radiologist was excluded.
    public const string NotLicensed = "not-licensed";
    public const string NotCredentialed = "not-credentialed";
    public const string SubspecialtyMismatch = "subspecialty-mismatch";
    public const string SubspecialistAvailable = "subspecialist-available";
    public const string GeneralFallbackNotAllowed = "general-fallback-not-allowed";
    public const string OffShift = "off-shift";
    public const string ConflictFacility = "conflict-facility";
    public const string ConflictPatientJurisdiction = "conflict-patient-jurisdiction";
    public const string ConflictReferrer = "conflict-referrer";
    public const string AtStudyCapacity = "at-study-capacity";
    public const string AtRvuCapacity = "at-rvu-capacity";
    public const string ExcludedForStudy = "excluded-for-study";

    // Why the study could not be considered at all.
    public const string UnknownTenant = "unknown-tenant";
    public const string UnknownFacility = "unknown-facility";
    public const string FacilityOfOtherTenant = "facility-of-other-tenant";
}
