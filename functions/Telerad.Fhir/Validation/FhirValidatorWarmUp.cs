namespace Telerad.Fhir;

/// <summary>
/// Loads what the offline validator needs before the first real report: its first validation of a report bundle loads
/// the R4 specification and each profile the bundles use, ~8 s of CPU (7.7 s wall) on an idle 2-core machine, 13-30 s on a busy
/// one, which the first report would otherwise wait for. A host that knows a report will follow (the demo) runs this in
/// the background; Azure Functions workers pay it on their first report.
/// </summary>
public static class FhirValidatorWarmUp
{
    /// <summary>Validates synthetic bundles (no real patient: fixed made-up identifiers) shaped like what Telerad sends: a
    /// final, critical report with AI triage, and a critical result's alert as a Communication. Returns the validator's
    /// error count (0 expected).</summary>
    public static int Run(FhirBundleValidator validator)
    {
        ArgumentNullException.ThrowIfNull(validator);
        return validator.Errors(ReportBundleBuilder.Build(SyntheticReport)).Count + validator.Errors(CommunicationBundleBuilder.Build(SyntheticAlert)).Count;
    }

    internal static ReportForDelivery SyntheticReport { get; } = new()
    {
        Tenant = "warm-up",
        ReportId = "warm-up-report",
        Kind = ReportKinds.Final,
        Findings = "Synthetic warm-up report.",
        Impression = "Synthetic warm-up report.",
        Critical = true,
        Severity = "red",
        CriticalDescription = "Synthetic",
        Radiologist = new ReportingRadiologist("warm-up-radiologist", "Warm-up Radiologist", null, "warm-up", "urn:telerad:warm-up"),
        Issued = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        Patient = new PatientIdentity("WARM-UP-PATIENT", "urn:telerad:warm-up"),
        AccessionNumber = "WARM-UP-ACCESSION",
        AccessionSystem = "urn:telerad:warm-up",
        OriginalStudyInstanceUid = "2.25.1",
        Modalities = ["CT"],
        NumberOfSeries = 1,
        NumberOfInstances = 1,
        Ai = new AiTriageForDelivery("warm-up-model", "1", [new AiFindingForDelivery("warm-up-finding", 0.9, 0.5, true)]),
    };

    internal static CriticalResultCommunicationForDelivery SyntheticAlert { get; } = new()
    {
        Tenant = SyntheticReport.Tenant,
        ReportId = SyntheticReport.ReportId,
        LoopId = "warm-up-loop",
        Severity = "red",
        Attempt = 1,
        ChainLength = 1,
        RecipientId = "warm-up-clinician",
        RecipientKind = "clinician",
        Radiologist = SyntheticReport.Radiologist,
        Patient = SyntheticReport.Patient,
        SentUtc = SyntheticReport.Issued,
        AcknowledgeByUtc = SyntheticReport.Issued.AddMinutes(15),
    };
}
