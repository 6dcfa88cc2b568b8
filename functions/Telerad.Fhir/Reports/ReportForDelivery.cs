namespace Telerad.Fhir;

/// <summary>
/// One report version as it goes to the referrer, RE-IDENTIFIED: this is the only Telerad type that holds PHI (patient
/// id, accession number, the original Study Instance UID). Built at the moment of sending from the stored de-identified
/// report and the audited re-identification map; never logged, never stored, never put in an exception message.
/// </summary>
public sealed record ReportForDelivery
{
    public required string Tenant { get; init; }

    /// <summary>The logical report: one per study reading (its versions share it).</summary>
    public required string ReportId { get; init; }

    /// <summary>preliminary, final, addendum or amendment.</summary>
    public required string Kind { get; init; }

    /// <summary>Whether an earlier version was sent (then this one updates the same DiagnosticReport).</summary>
    public bool UpdatesEarlierVersion { get; init; }

    public required string Findings { get; init; }

    public required string Impression { get; init; }

    public bool Critical { get; init; }

    /// <summary>red or orange, when critical.</summary>
    public string? Severity { get; init; }

    public string? CriticalDescription { get; init; }

    public required ReportingRadiologist Radiologist { get; init; }

    public required DateTimeOffset Issued { get; init; }

    public required PatientIdentity Patient { get; init; }

    /// <summary>The order's accession number and the system it belongs to; null when the images carried none.</summary>
    public string? AccessionNumber { get; init; }

    public string? AccessionSystem { get; init; }

    public required string OriginalStudyInstanceUid { get; init; }

    public IReadOnlyList<string> Modalities { get; init; } = [];

    public int NumberOfSeries { get; init; }

    public int NumberOfInstances { get; init; }

    /// <summary>AI triage's result, reported as AI (never as the radiologist's finding); null when not analysed.</summary>
    public AiTriageForDelivery? Ai { get; init; }
}

/// <summary>The radiologist: NPI when there is one, else a local identifier with its system.</summary>
public sealed record ReportingRadiologist(string Id, string DisplayName, string? Npi, string? LocalId, string? LocalIdSystem);

/// <summary>The referrer's patient identifier (the original Patient ID and the system that issued it).</summary>
public sealed record PatientIdentity(string Value, string System);

/// <summary>One model's conclusion.</summary>
public sealed record AiTriageForDelivery(string ModelId, string ModelVersion, IReadOnlyList<AiFindingForDelivery> Findings);

public sealed record AiFindingForDelivery(string FindingId, double Score, double Threshold, bool Flagged);

/// <summary>The report version kinds and their FHIR DiagnosticReport status.</summary>
public static class ReportKinds
{
    public const string Preliminary = "preliminary";
    public const string Final = "final";
    public const string Addendum = "addendum";
    public const string Amendment = "amendment";
}
