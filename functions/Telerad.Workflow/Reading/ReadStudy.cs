namespace Telerad.Workflow;

/// <summary>
/// ReadStudy (one orchestration per tenant + study): priority (the order's, upgraded to STAT by an AI critical flag),
/// SLA deadline, assignment, notification, reminders, reassignment of silent or declining readers, SLA warning and
/// escalation, reports handed to results delivery, cancellation. Inputs, events and outputs carry ids only.
/// </summary>
public static class ReadStudy
{
    public const string OrchestratorName = "ReadStudyV1";
    public const string AssignActivityName = "AssignReaderV1";
    public const string NotifyActivityName = "NotifyV1";
    public const string AuditActivityName = "AuditReadingV1";
    public const string HandOffReportActivityName = "HandOffReportV1";
    public const string ProjectActivityName = "ProjectReadingV1";

    /// <summary>One event name for everything people do to a study, so one wait covers all of them.</summary>
    public const string EventName = "ReadingEvent";

    public static string InstanceId(string tenant, string studyKey) => $"read-{tenant}-{studyKey}";
}

/// <summary>Reading priorities, most urgent first.</summary>
public static class ReadingPriorities
{
    public const string Stat = "STAT";
    public const string Urgent = "URGENT";
    public const string Routine = "ROUTINE";

    /// <summary>The order's Requested Procedure Priority (STAT, HIGH, ROUTINE, MEDIUM, LOW) as a reading priority.</summary>
    public static string FromOrder(string? ordered) => ordered?.Trim().ToUpperInvariant() switch
    {
        "STAT" => Stat,
        "HIGH" or "URGENT" => Urgent,
        _ => Routine,
    };
}

/// <summary>
/// The tenant's reading contract, resolved when the orchestration starts and carried in its input (a snapshot keeps
/// replays deterministic when configuration changes).
/// </summary>
public sealed record ReadingPolicy
{
    /// <summary>Turnaround target per priority (STAT, URGENT, ROUTINE).</summary>
    public required IReadOnlyDictionary<string, TimeSpan> Turnaround { get; init; }

    /// <summary>How long an offered assignment waits for accept before a reminder.</summary>
    public TimeSpan AcceptReminderInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Reminders without an answer after which the study goes to someone else (never back to this reader).</summary>
    public int MaxSilentReminders { get; init; } = 2;

    /// <summary>Fraction of the turnaround at which the reader is warned.</summary>
    public double WarningFraction { get; init; } = 0.75;

    /// <summary>
    /// Who is alerted after a breach while the report is still missing, each step at its delay from the deadline (the
    /// tenant's SLA escalation chain, e.g. the desk at once, the lead after 15 minutes, the medical director after an hour).
    /// </summary>
    public IReadOnlyList<EscalationStepPolicy> Escalation { get; init; } = [];

    /// <summary>At a breach, also take the study from the reader (operations and lead are alerted either way).</summary>
    public bool ReassignOnBreach { get; init; }

    /// <summary>With nobody eligible, operations is alerted and assignment is tried again after this long.</summary>
    public TimeSpan NoReaderRetryInterval { get; init; } = TimeSpan.FromMinutes(5);

    public StudyAssemblyOptions Retry { get; init; } = new();

    public void Validate()
    {
        foreach (var priority in new[] { ReadingPriorities.Stat, ReadingPriorities.Urgent, ReadingPriorities.Routine })
        {
            if (!Turnaround.TryGetValue(priority, out var target) || target <= TimeSpan.Zero)
            {
                throw new ArgumentException($"Reading policy: a positive turnaround for {priority} is required.");
            }
        }

        if (AcceptReminderInterval <= TimeSpan.Zero || NoReaderRetryInterval <= TimeSpan.Zero || MaxSilentReminders < 0 || WarningFraction is <= 0 or >= 1)
        {
            throw new ArgumentException("Reading policy: intervals must be positive, silent reminders 0 or more, the warning fraction between 0 and 1.");
        }

        if (Escalation.Any(s => string.IsNullOrWhiteSpace(s.ContactId) || s.After < TimeSpan.Zero))
        {
            throw new ArgumentException("Reading policy: escalation steps need a contact and a delay of zero or more.");
        }

        Retry.Validate();
    }
}

/// <summary>One step of the SLA escalation chain: alert <see cref="ContactId"/> (operations.json) <see cref="After"/> the breach.</summary>
public sealed record EscalationStepPolicy(string ContactId, TimeSpan After);

/// <summary>What starts a reading: the study (pseudonymous), its ordered priority, and triage's upgrade if any; and,
/// after ContinueAsNew, where the reading stands.</summary>
public sealed record ReadStudyInput(string Tenant, string StudyKey, string? OrderPriority, PriorityUpgrade? Upgrade, ReadingPolicy Policy, ReadingState? State = null);

/// <summary>
/// Where a reading stands, carried across ContinueAsNew (each assignment is one run, and a long wait is cut into runs,
/// so the history stays short): ids, times and counts only.
/// </summary>
public sealed record ReadingState
{
    public const string Assigning = "assigning";
    public const string Offered = "offered";
    public const string Accepted = "accepted";

    public required string Phase { get; init; }

    public required string Priority { get; init; }

    public required string PriorityReason { get; init; }

    public required DateTime DeadlineUtc { get; init; }

    public required DateTime WarningUtc { get; init; }

    public int Assignment { get; init; }

    public string? Reader { get; init; }

    /// <summary>An operations choice for the next assignment.</summary>
    public string? Requested { get; init; }

    public int Reminders { get; init; }

    public bool Warned { get; init; }

    public bool Breached { get; init; }

    /// <summary>How many steps of the escalation chain have been alerted since the breach.</summary>
    public int Escalations { get; init; }

    public IReadOnlyList<string> Excluded { get; init; } = [];

    public IReadOnlyList<string> Reports { get; init; } = [];
}

/// <summary>
/// What people do to a study: the API raises these (accept, decline, release, report), operations too (assign, cancel).
/// <see cref="Critical"/> marks a report the radiologist flagged as a critical result (<see cref="Severity"/>: red or orange),
/// which starts the closed-loop critical-result communication.
/// </summary>
public sealed record ReadingEvent(string Kind, string? RadiologistId = null, string? ReportKind = null, string? ReportId = null, bool Critical = false, string? Severity = null)
{
    public const string Accept = "accept";
    public const string Decline = "decline";
    public const string Release = "release";
    public const string Report = "report";
    public const string Cancel = "cancel";

    /// <summary>Operations assigns a radiologist by hand (reassignment).</summary>
    public const string Assign = "assign";

    public const string Preliminary = "preliminary";
    public const string Final = "final";
    public const string Addendum = "addendum";
}

public sealed record ReadingOutcome(string Status, string Priority, string PriorityReason, DateTime DeadlineUtc, string? RadiologistId, int Assignments, bool Breached, IReadOnlyList<string> Reports)
{
    public const string Reported = "reported";
    public const string Cancelled = "cancelled";
}

/// <summary>Who should read it: <see cref="Requested"/> is an operations choice that overrides ranking (still audited).</summary>
public sealed record AssignReaderRequest(string Tenant, string StudyKey, string Priority, int Assignment, IReadOnlyList<string> Excluded, string? Requested = null);

/// <summary>The chosen radiologist, or none; the explanation is stored for the audit trail (ids and reason codes only).</summary>
public sealed record AssignmentDecision(string? RadiologistId, string Explanation)
{
    /// <summary>The full explanation (every candidate and why), stored with the decision; not sent back to the orchestration.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public object? Details { get; init; }
}

/// <summary>A notification to send; the activity builds the message, its deterministic id and its signed links.</summary>
public sealed record NotifyRequest(string Kind, string Tenant, string StudyKey, string? RadiologistId, string Priority, DateTime DeadlineUtc, string Occurrence, string? Reason = null, string? ContactId = null);

/// <summary>One decision or action for the audit trail (opaque ids and codes only).</summary>
public sealed record ReadingAuditRequest(string Tenant, string StudyKey, string Action, string Actor, string Purpose);

/// <summary>A report version to hand to results delivery.</summary>
public sealed record HandOffReportRequest(string Tenant, string StudyKey, string RadiologistId, string ReportKind, string ReportId, string Priority);
