using System.Security.Cryptography;
using System.Text;

namespace Telerad.Notifications;

/// <summary>
/// One message of the notification contract (version <see cref="SchemaVersion"/>; docs/notifications.md). Ids,
/// pseudonymous study keys, priorities, deadlines and signed links only: never PHI. Where it goes is decided by
/// <see cref="Topic"/>; who reads it by the application properties subscriptions filter on.
/// </summary>
public sealed record Notification
{
    public const int SchemaVersion = 1;

    public int Version { get; init; } = SchemaVersion;

    /// <summary>Deterministic (see <see cref="DeterministicId"/>): the same event sent twice has the same id, so the
    /// broker's duplicate detection drops the second.</summary>
    public required string MessageId { get; init; }

    public required string Topic { get; init; }

    /// <summary>What happened; one of <see cref="NotificationKinds"/>.</summary>
    public required string Kind { get; init; }

    public required string Tenant { get; init; }

    /// <summary>The study's pseudonymous key (its de-identified Study Instance UID): the session and partition key.</summary>
    public required string StudyKey { get; init; }

    /// <summary>The radiologist addressed (radiologist notifications), or null (operations alerts). On
    /// <see cref="NotificationTopics.CriticalResults"/>: the radiologist who reported the result (whom to call back).</summary>
    public string? RadiologistId { get; init; }

    /// <summary>Critical results: the person addressed (a referrer's critical-result contact or an operations contact id).</summary>
    public string? RecipientId { get; init; }

    /// <summary>Critical results: what <see cref="RecipientId"/> is: <c>clinician</c>, <c>on-call</c> or <c>operations</c>.</summary>
    public string? RecipientKind { get; init; }

    /// <summary>Critical results: the report's id (opaque) and the severity the radiologist gave it (<c>red</c>, <c>orange</c>).</summary>
    public string? ReportId { get; init; }

    public string? Severity { get; init; }

    /// <summary>
    /// A label the consumer must show verbatim and first, e.g. the non-diagnostic warning of an AI heads-up
    /// (<see cref="NotificationLabels.NonDiagnosticAi"/>). Null for ordinary messages.
    /// </summary>
    public string? Label { get; init; }

    public string? Priority { get; init; }

    public DateTimeOffset? DeadlineUtc { get; init; }

    public required DateTimeOffset CreatedUtc { get; init; }

    /// <summary>Why, for people: e.g. "no eligible radiologist: 3 off shift, 1 at capacity". No PHI.</summary>
    public string? Reason { get; init; }

    /// <summary>The operations contact addressed (operations topic, escalation steps), from operations.json; null = the desk's default.</summary>
    public string? ContactId { get; init; }

    /// <summary>Signed links (viewer, accept, decline), by name.</summary>
    public IReadOnlyDictionary<string, string> Links { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// An id derived from what identifies the event: kind, tenant, study, recipient and an occurrence (e.g. the
    /// assignment number or reminder count). 32 hex digits of SHA-256: within Service Bus's 128-character limit.
    /// </summary>
    public static string DeterministicId(string kind, string tenant, string studyKey, string? recipient, string occurrence)
    {
        var key = string.Join('\u001f', "telerad-notification-v1", kind, tenant, studyKey, recipient ?? string.Empty, occurrence);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
    }
}

/// <summary>The topics of the contract.</summary>
public static class NotificationTopics
{
    public const string Radiologists = "radiologist-notifications";
    public const string Operations = "operations-alerts";

    /// <summary>Critical-result alerts to referring clinicians, their on-call backups and facility operations (docs/critical-results.md).</summary>
    public const string CriticalResults = "critical-results";

    /// <summary>Every topic: what transports create and infrastructure declares.</summary>
    public static IReadOnlyList<string> All { get; } = [Radiologists, Operations, CriticalResults];
}

/// <summary>Labels a consumer must show verbatim (see <see cref="Notification.Label"/>).</summary>
public static class NotificationLabels
{
    /// <summary>The label of <see cref="NotificationKinds.CriticalResultAiHeadsUp"/>: an AI flag nobody has confirmed yet.</summary>
    public const string NonDiagnosticAi =
        "NON-DIAGNOSTIC AI TRIAGE FLAG - not reviewed by a radiologist. Not a result: do not act on it clinically; the radiologist's report follows.";
}

/// <summary>The kinds of message, by topic.</summary>
public static class NotificationKinds
{
    // radiologist-notifications
    public const string AssignmentOffered = "assignment-offered";
    public const string Reminder = "reminder";
    public const string AssignmentWithdrawn = "assignment-withdrawn";
    public const string SlaWarning = "sla-warning";

    // operations-alerts
    public const string NoEligibleRadiologist = "no-eligible-radiologist";
    public const string SlaBreached = "sla-breached";
    public const string ReassignedAfterSilence = "reassigned-after-silence";
    public const string DeliveryFailed = "delivery-failed";
    public const string CriticalResultUnacknowledged = "critical-result-unacknowledged";

    /// <summary>An assembled study could not enter reading (no reading configuration for the tenant, unknown facility, ...): the reason says which.</summary>
    public const string ReadingNotStarted = "reading-not-started";

    /// <summary>A breached SLA escalates along the tenant's chain: one of these per step, to the step's contact.</summary>
    public const string SlaEscalated = "sla-escalated";

    /// <summary>Instances of a study stay registered but not de-identified after repeated sweeps (its runs keep failing): once per study.</summary>
    public const string StudyStalled = "study-stalled";

    // critical-results
    /// <summary>A radiologist-confirmed critical result, with a signed acknowledgment link for its recipient.</summary>
    public const string CriticalResult = "critical-result";

    /// <summary>An AI triage flag not yet confirmed by a radiologist, for tenants that opted in; carries <see cref="NotificationLabels.NonDiagnosticAi"/> and no acknowledgment link.</summary>
    public const string CriticalResultAiHeadsUp = "critical-result-ai-heads-up";

    public static string TopicOf(string kind) => kind switch
    {
        AssignmentOffered or Reminder or AssignmentWithdrawn or SlaWarning => NotificationTopics.Radiologists,
        NoEligibleRadiologist or SlaBreached or ReassignedAfterSilence or DeliveryFailed or CriticalResultUnacknowledged or ReadingNotStarted or SlaEscalated or StudyStalled => NotificationTopics.Operations,
        CriticalResult or CriticalResultAiHeadsUp => NotificationTopics.CriticalResults,
        _ => throw new ArgumentException($"Unknown notification kind '{kind}'.", nameof(kind)),
    };
}

/// <summary>
/// Sends notifications: Service Bus topics in Azure, Azurite queues with an outbox table locally. Publishing the same
/// <see cref="Notification.MessageId"/> twice delivers it once (activities are retried; messages must not double).
/// </summary>
public interface INotificationPublisher
{
    Task PublishAsync(Notification notification, CancellationToken cancellationToken = default);
}
