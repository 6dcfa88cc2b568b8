namespace Telerad.Fhir;

/// <summary>
/// One step of a critical result's closed loop, for the referrer's record: an alert sent to a recipient of the chain
/// (<see cref="Acknowledgment"/> null), or that recipient's acknowledgment. Re-identified patient; ids, times and
/// codes otherwise (the report itself travels in its own bundle).
/// </summary>
public sealed record CriticalResultCommunicationForDelivery
{
    public required string Tenant { get; init; }

    /// <summary>The report's logical id (the DiagnosticReport's business identifier value), which the Communication is about.</summary>
    public required string ReportId { get; init; }

    /// <summary>Telerad's id of this loop's report version (the critical-result loop's id), part of each Communication's identifier.</summary>
    public required string LoopId { get; init; }

    /// <summary>red (minutes) or orange (hours).</summary>
    public required string Severity { get; init; }

    public required int Attempt { get; init; }

    public required int ChainLength { get; init; }

    /// <summary>The recipient alerted (or who acknowledged): Telerad's contact id and its kind (clinician, on-call, operations).</summary>
    public required string RecipientId { get; init; }

    public required string RecipientKind { get; init; }

    public string? RecipientDisplay { get; init; }

    public required ReportingRadiologist Radiologist { get; init; }

    public required PatientIdentity Patient { get; init; }

    public required DateTimeOffset SentUtc { get; init; }

    public DateTimeOffset? AcknowledgeByUtc { get; init; }

    /// <summary>Set for the acknowledgment: when, how (link, phone-read-back) and who recorded a read-back.</summary>
    public CriticalResultAcknowledgmentForDelivery? Acknowledgment { get; init; }
}

public sealed record CriticalResultAcknowledgmentForDelivery(DateTimeOffset AcknowledgedUtc, string Method, string? RecordedBy);
