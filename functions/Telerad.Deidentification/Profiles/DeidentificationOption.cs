namespace Telerad.Deidentification;

/// <summary>The options of the Basic Application Level Confidentiality Profile (PS3.15 Annex E, Table E.1-1 columns).</summary>
public enum DeidentificationOption
{
    RetainSafePrivate,
    RetainUids,
    RetainDeviceIdentity,
    RetainInstitutionIdentity,
    RetainPatientCharacteristics,
    RetainLongitudinalTemporalInformationFullDates,
    RetainLongitudinalTemporalInformationModifiedDates,
    CleanDescriptors,
    CleanStructuredContent,
    CleanGraphics,
}
