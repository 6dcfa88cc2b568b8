using Telerad.Auditing;

namespace Telerad.Workflow;

/// <summary>
/// CriticalResult (one orchestration per tenant + study + report): the closed loop of a critical result a radiologist
/// reported. The referring clinician is alerted with a signed acknowledgment link; without an acknowledgment within
/// the severity's timeout the next person in the chain is (clinician, then on-call, then facility operations); when
/// nobody acknowledges, operations gets an emergency alert and the loop ends unacknowledged. Every attempt and the
/// acknowledgment are recorded for the audit trail and for results delivery (FHIR Communication resources).
/// Standards: ACR practice parameter for communication of diagnostic imaging findings (critical results communicated
/// to a responsible person in a time frame matching their urgency, and documented); The Joint Commission NPSG.02.03.01
/// (report critical results on a timely basis; each organisation defines and measures its time frame).
/// docs/critical-results.md.
/// </summary>
public static class CriticalResult
{
    public const string OrchestratorName = "CriticalResultV1";
    public const string StartActivityName = "StartCriticalResultV1";
    public const string AiHeadsUpActivityName = "AiCriticalHeadsUpV1";
    public const string AlertActivityName = "AlertCriticalResultV1";
    public const string EmergencyActivityName = "EmergencyCriticalResultV1";
    public const string CompleteActivityName = "CompleteCriticalResultV1";
    public const string CommunicationActivityName = "DeliverCriticalResultCommunicationV1";

    /// <summary>Raised by <see cref="CriticalResultAcknowledgments"/> with the stored <see cref="CriticalResultAcknowledgment"/>.</summary>
    public const string EventName = "CriticalResultAcknowledged";

    /// <summary>A chain longer than this is cut (the loop stays bounded; a real chain has a handful of people).</summary>
    public const int MaxChainLength = 20;

    /// <summary>Deterministic: a replayed or redelivered start addresses the same instance, so it never starts twice.</summary>
    public static string InstanceId(string tenant, string studyKey, string reportId) => $"critical-{tenant}-{studyKey}-{reportId}";

    /// <summary>Ids used in instance ids, object names and audit records: opaque ids (no '/', no spaces, no PHI-shaped text).</summary>
    internal static void RequireIds(string tenant, string studyKey, string reportId)
    {
        OpaqueId.Require(tenant, nameof(tenant));
        OpaqueId.Require(studyKey, nameof(studyKey));
        OpaqueId.Require(reportId, nameof(reportId));
    }
}

/// <summary>Severities of the ACR practice parameter that Telerad chases: red (critical) and orange (urgent).</summary>
public static class CriticalSeverities
{
    public const string Red = "red";
    public const string Orange = "orange";

    /// <summary><c>red</c> or <c>orange</c>; a missing or unknown severity is treated as red, the safe side.</summary>
    public static string Normalize(string? severity) =>
        string.Equals(severity?.Trim(), Orange, StringComparison.OrdinalIgnoreCase) ? Orange : Red;
}

/// <summary>Who a recipient is: the order of the chain (clinician, on-call, operations), and the emergency alert after it.</summary>
public static class CriticalRecipientKinds
{
    /// <summary>The referrer's first critical-result contact: the referring clinician.</summary>
    public const string Clinician = "clinician";

    /// <summary>The referrer's further critical-result contacts, in order: on-call and covering clinicians.</summary>
    public const string OnCall = "on-call";

    /// <summary>A contact of the escalation chain (operations.json): facility and reading-service operations.</summary>
    public const string Operations = "operations";

    /// <summary>The emergency alert on <c>operations-alerts</c> once the chain is exhausted (recipient id <c>operations</c>).</summary>
    public const string Emergency = "emergency";
}

/// <summary>How an acknowledgment was made.</summary>
public static class AcknowledgmentMethods
{
    /// <summary>The recipient opened their signed acknowledgment link.</summary>
    public const string Link = "link";

    /// <summary>The recipient read the result back on the phone to operations, who recorded it (<see cref="CriticalResultAcknowledgment.RecordedBy"/>).</summary>
    public const string PhoneReadBack = "phone-read-back";

    public static bool IsKnown(string? method) => method is Link or PhoneReadBack;
}

/// <summary>One person of the chain, as resolved from configuration when the loop started.</summary>
public sealed record CriticalResultRecipient(string Id, string Kind);

/// <summary>
/// The loop's input: ids only, plus the snapshot the start activity resolved from configuration (the chain and the
/// acknowledgment timeout for the severity), so replays are deterministic when configuration changes.
/// </summary>
/// <param name="ReportedUtc">When the reading workflow received the report: the start of the time-to-acknowledgment metric.</param>
/// <param name="AcknowledgmentTimeout">How long each recipient has before the next one is alerted; also the metric's target.</param>
public sealed record CriticalResultInput(
    string Tenant,
    string StudyKey,
    string ReportId,
    string ReportKind,
    string RadiologistId,
    string Severity,
    string? ReferrerId,
    DateTime ReportedUtc,
    TimeSpan AcknowledgmentTimeout,
    IReadOnlyList<CriticalResultRecipient> Chain,
    StudyAssemblyOptions Retry);

/// <summary>
/// An acknowledgment: who (<see cref="RecipientId"/>, a person of the chain), when, and how. The event payload and the
/// content of <c>acknowledgment.json</c> (with its header, see <see cref="CriticalResultRecords"/>).
/// </summary>
/// <param name="RecipientKind">clinician, on-call or operations (from the attempt that alerted the recipient), or null if unknown.</param>
/// <param name="RecordedBy">For a phone read-back: the operations person who took it.</param>
public sealed record CriticalResultAcknowledgment(string RecipientId, string? RecipientKind, string Method, DateTimeOffset AcknowledgedUtc, string? RecordedBy = null);

/// <summary>What ReadStudy asks for when a radiologist's preliminary or final report is flagged critical.</summary>
public sealed record StartCriticalResultRequest(
    string Tenant,
    string StudyKey,
    string ReportId,
    string ReportKind,
    string RadiologistId,
    string? Severity,
    DateTime ReportedUtc,
    StudyAssemblyOptions Retry);

/// <summary>The loop's instance, and whether this call started it (false: it existed already).</summary>
public sealed record CriticalResultStart(string InstanceId, bool Started);

/// <summary>What ReadStudy asks for when AI triage flagged the study (before any radiologist has seen it).</summary>
/// <param name="Reason">The triage reason (finding codes, no PHI), shown under the non-diagnostic label.</param>
public sealed record AiHeadsUpRequest(string Tenant, string StudyKey, string Reason);

/// <summary>Alert the <paramref name="Attempt"/>-th recipient of the chain (1-based) at <paramref name="AttemptUtc"/> (orchestration time: retries issue the same link).</summary>
public sealed record CriticalResultAlertRequest(CriticalResultInput Loop, int Attempt, DateTime AttemptUtc);

/// <summary>The chain is exhausted: the emergency operations alert (attempt <paramref name="Attempt"/>).</summary>
public sealed record CriticalResultEmergencyRequest(CriticalResultInput Loop, int Attempt, DateTime AttemptUtc);

/// <summary>The loop ends: with the acknowledgment it received, or none.</summary>
/// <param name="Attempts">Recipients alerted (the emergency alert not counted).</param>
public sealed record CriticalResultCompleteRequest(CriticalResultInput Loop, int Attempts, bool EmergencyAlerted, CriticalResultAcknowledgment? Acknowledgment, DateTime CompletedUtc);
