using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telerad.Auditing;
using Telerad.Notifications;

namespace Telerad.Workflow;

/// <summary>
/// The CriticalResult loop's activities as a service both hosts call: starting the loop (start-if-absent, the plan
/// resolved from configuration), the AI heads-up, each alert with its signed acknowledgment link, the emergency
/// operations alert, and the loop's end (the metrics record). Every step is audited (opaque ids only) and every alert
/// is recorded under <c>deid/{tenant}/{study}/results/critical-{reportId}/</c> (<see cref="CriticalResultRecords"/>).
/// </summary>
public sealed class CriticalResultActivities(
    ICriticalResultDirectory directory,
    INotificationPublisher publisher,
    CriticalResultLinks links,
    CriticalResultRecords records,
    IAuditLog audit,
    TimeProvider clock,
    ILogger<CriticalResultActivities>? logger = null)
{
    /// <summary>
    /// One lock per stripe of loops, for the whole process: a redelivered or replayed start must not find the loop
    /// absent twice and start it twice. Across hosts the engine refuses the second start (<see cref="OrchestrationAlreadyRunningException"/>).
    /// </summary>
    private static readonly SemaphoreSlim[] StartLocks = [.. Enumerable.Range(0, 32).Select(_ => new SemaphoreSlim(1, 1))];

    private readonly ILogger _logger = logger ?? NullLogger<CriticalResultActivities>.Instance;

    /// <summary>
    /// StartCriticalResultV1: starts the loop for a radiologist's critical report unless it exists (running or ended:
    /// a report's loop runs once). The chain and the timeout are resolved here and snapshotted into the input.
    /// </summary>
    /// <param name="engine">The durable engine (Functions: the activity's [DurableClient]; Telerad.Local: its task hub).</param>
    public async Task<CriticalResultStart> StartAsync(StartCriticalResultRequest request, IOrchestrationGateway engine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(engine);
        CriticalResult.RequireIds(request.Tenant, request.StudyKey, request.ReportId);
        // Only a radiologist's report starts the loop: AI flags never reach clinicians as results.
        OpaqueId.Require(request.RadiologistId, nameof(request.RadiologistId));
        var instanceId = CriticalResult.InstanceId(request.Tenant, request.StudyKey, request.ReportId);
        var startLock = StartLocks[(int)((uint)StringComparer.Ordinal.GetHashCode(instanceId) % (uint)StartLocks.Length)];
        await startLock.WaitAsync(cancellationToken);
        try
        {
            if ((await engine.GetStateAsync(instanceId, cancellationToken)).Exists)
            {
                CriticalResultLog.AlreadyStarted(_logger, request.ReportId, request.StudyKey, request.Tenant, instanceId);
                return new CriticalResultStart(instanceId, Started: false);
            }

            var severity = CriticalSeverities.Normalize(request.Severity);
            var plan = await directory.ResolveAsync(request.Tenant, request.StudyKey, severity, cancellationToken);
            var input = new CriticalResultInput(
                request.Tenant, request.StudyKey, request.ReportId, request.ReportKind, request.RadiologistId, severity, plan.ReferrerId,
                DateTime.SpecifyKind(request.ReportedUtc, DateTimeKind.Utc), plan.AcknowledgmentTimeout, [.. plan.Chain.Take(CriticalResult.MaxChainLength)], request.Retry);
            try
            {
                await engine.StartAsync(CriticalResult.OrchestratorName, instanceId, input, cancellationToken);
            }
            catch (OrchestrationAlreadyRunningException)
            {
                return new CriticalResultStart(instanceId, Started: false); // another host started it between our check and our start
            }

            CriticalResultLog.Started(_logger, request.ReportId, request.StudyKey, request.Tenant, severity, instanceId, input.Chain.Count);
            await AuditAsync(request.Tenant, request.RadiologistId, "critical-result.started", request.StudyKey, $"{request.ReportId}:{severity}:{input.Chain.Count}", cancellationToken);
            return new CriticalResultStart(instanceId, Started: true);
        }
        finally
        {
            startLock.Release();
        }
    }

    /// <summary>
    /// AiCriticalHeadsUpV1: AI triage flagged the study and no radiologist has confirmed anything. By default nothing
    /// reaches a clinician (audited as withheld); a tenant that opted in sends its referring clinician one clearly
    /// labelled, non-diagnostic heads-up with no acknowledgment link and no escalation.
    /// </summary>
    /// <returns>True when a heads-up was sent.</returns>
    public async Task<bool> AiHeadsUpAsync(AiHeadsUpRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        OpaqueId.Require(request.Tenant, nameof(request.Tenant));
        OpaqueId.Require(request.StudyKey, nameof(request.StudyKey));
        var plan = await directory.ResolveAsync(request.Tenant, request.StudyKey, CriticalSeverities.Red, cancellationToken);
        var clinician = plan.Chain.FirstOrDefault(r => r.Kind == CriticalRecipientKinds.Clinician);
        if (!plan.AiHeadsUp || clinician is null)
        {
            await AuditAsync(request.Tenant, "system", "critical-result.ai-flag-withheld", request.StudyKey, plan.AiHeadsUp ? "no-referring-clinician" : "not-opted-in", cancellationToken);
            return false;
        }

        var kind = NotificationKinds.CriticalResultAiHeadsUp;
        await publisher.PublishAsync(new Notification
        {
            MessageId = Notification.DeterministicId(kind, request.Tenant, request.StudyKey, clinician.Id, "ai-triage"),
            Topic = NotificationKinds.TopicOf(kind),
            Kind = kind,
            Tenant = request.Tenant,
            StudyKey = request.StudyKey,
            RecipientId = clinician.Id,
            RecipientKind = clinician.Kind,
            CreatedUtc = clock.GetUtcNow(),
            Label = NotificationLabels.NonDiagnosticAi,
            Reason = request.Reason,
        }, cancellationToken);
        await AuditAsync(request.Tenant, "system", "critical-result.ai-heads-up", request.StudyKey, clinician.Id, cancellationToken);
        return true;
    }

    /// <summary>AlertCriticalResultV1: alerts one recipient of the chain with their acknowledgment link and records the attempt.</summary>
    public async Task<CriticalResultAttemptRecord> AlertAsync(CriticalResultAlertRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var loop = request.Loop;
        var recipient = loop.Chain[request.Attempt - 1];
        var sent = new DateTimeOffset(DateTime.SpecifyKind(request.AttemptUtc, DateTimeKind.Utc));
        var acknowledgeBy = sent + loop.AcknowledgmentTimeout;
        var expires = links.ExpiryFor(sent, loop.AcknowledgmentTimeout);
        var kind = NotificationKinds.CriticalResult;
        var notification = new Notification
        {
            MessageId = Notification.DeterministicId(kind, loop.Tenant, loop.StudyKey, recipient.Id, $"{loop.ReportId}:attempt-{request.Attempt}"),
            Topic = NotificationKinds.TopicOf(kind),
            Kind = kind,
            Tenant = loop.Tenant,
            StudyKey = loop.StudyKey,
            RadiologistId = loop.RadiologistId,
            RecipientId = recipient.Id,
            RecipientKind = recipient.Kind,
            ReportId = loop.ReportId,
            Severity = loop.Severity,
            DeadlineUtc = acknowledgeBy,
            CreatedUtc = sent,
            Reason = string.Create(CultureInfo.InvariantCulture,
                $"critical result ({loop.Severity}) in the {loop.ReportKind} report of radiologist {loop.RadiologistId}: acknowledge within {loop.AcknowledgmentTimeout.TotalMinutes:0.#} min (attempt {request.Attempt} of {loop.Chain.Count})"),
            Links = new Dictionary<string, string> { [LinkActions.Acknowledge] = links.Acknowledge(loop.Tenant, loop.StudyKey, loop.ReportId, recipient.Id, expires) },
        };
        await publisher.PublishAsync(notification, cancellationToken);
        var attempt = Attempt(loop, request.Attempt, recipient.Id, recipient.Kind, notification, sent, acknowledgeBy, expires);
        await records.WriteAttemptAsync(attempt, cancellationToken);
        await AuditAsync(loop.Tenant, "system", "critical-result.alerted", loop.StudyKey, $"{loop.ReportId}:attempt-{request.Attempt}:{recipient.Kind}:{recipient.Id}", cancellationToken);
        return attempt;
    }

    /// <summary>
    /// EmergencyCriticalResultV1: nobody acknowledged. Operations gets an emergency alert on <c>operations-alerts</c>
    /// carrying an acknowledgment link for every recipient of the chain: after reaching one of them by phone and hearing
    /// the result read back, operations records it with that recipient's link (method phone-read-back).
    /// </summary>
    public async Task<CriticalResultAttemptRecord> EmergencyAsync(CriticalResultEmergencyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var loop = request.Loop;
        var sent = new DateTimeOffset(DateTime.SpecifyKind(request.AttemptUtc, DateTimeKind.Utc));
        var expires = links.ExpiryFor(sent, TimeSpan.Zero);
        var kind = NotificationKinds.CriticalResultUnacknowledged;
        var recipients = string.Join(", ", loop.Chain.Select(r => $"{r.Kind} {r.Id}"));
        var notification = new Notification
        {
            MessageId = Notification.DeterministicId(kind, loop.Tenant, loop.StudyKey, null, $"{loop.ReportId}:emergency"),
            Topic = NotificationKinds.TopicOf(kind),
            Kind = kind,
            Tenant = loop.Tenant,
            StudyKey = loop.StudyKey,
            RadiologistId = loop.RadiologistId,
            RecipientKind = CriticalRecipientKinds.Emergency,
            ReportId = loop.ReportId,
            Severity = loop.Severity,
            Priority = ReadingPriorities.Stat,
            CreatedUtc = sent,
            Reason = string.Create(CultureInfo.InvariantCulture,
                $"EMERGENCY: critical result ({loop.Severity}) of radiologist {loop.RadiologistId} unacknowledged after {loop.Chain.Count} recipients ({(recipients.Length == 0 ? "none configured" : recipients)}), {loop.AcknowledgmentTimeout.TotalMinutes:0.#} min each. Call the referrer, have the result read back, record it with the recipient's link (phone-read-back)."),
            Links = loop.Chain.ToDictionary(r => $"{LinkActions.Acknowledge}:{r.Id}", r => links.Acknowledge(loop.Tenant, loop.StudyKey, loop.ReportId, r.Id, expires), StringComparer.Ordinal),
        };
        await publisher.PublishAsync(notification, cancellationToken);
        var attempt = Attempt(loop, request.Attempt, "operations", CriticalRecipientKinds.Emergency, notification, sent, acknowledgeBy: null, expires);
        await records.WriteAttemptAsync(attempt, cancellationToken);
        await AuditAsync(loop.Tenant, "system", "critical-result.emergency", loop.StudyKey, $"{loop.ReportId}:attempt-{request.Attempt}", cancellationToken);
        return attempt;
    }

    /// <summary>CompleteCriticalResultV1: the loop's end; writes the metrics record (the stored acknowledgment wins over the event's).</summary>
    public async Task<CriticalResultOutcome> CompleteAsync(CriticalResultCompleteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var loop = request.Loop;
        var stored = await records.ReadAcknowledgmentAsync(loop.Tenant, loop.StudyKey, loop.ReportId, cancellationToken);
        var outcome = new CriticalResultOutcome
        {
            Tenant = loop.Tenant,
            StudyKey = loop.StudyKey,
            ReportId = loop.ReportId,
            ReportKind = loop.ReportKind,
            Severity = loop.Severity,
            RadiologistId = loop.RadiologistId,
            ReferrerId = loop.ReferrerId,
            ReportedUtc = new DateTimeOffset(DateTime.SpecifyKind(loop.ReportedUtc, DateTimeKind.Utc)),
            TargetSeconds = loop.AcknowledgmentTimeout.TotalSeconds,
            Status = CriticalResultOutcome.Unacknowledged,
            Attempts = request.Attempts,
            EmergencyAlerted = request.EmergencyAlerted,
            WithinTarget = false,
            CompletedUtc = new DateTimeOffset(DateTime.SpecifyKind(request.CompletedUtc, DateTimeKind.Utc)),
        }.With(stored?.ToAcknowledgment() ?? request.Acknowledgment);
        outcome = await records.WriteOutcomeAsync(outcome, cancellationToken);
        var how = outcome.Status == CriticalResultOutcome.Acknowledged ? (outcome.WithinTarget ? "within-target" : "late") : "open";
        await AuditAsync(loop.Tenant, "system", "critical-result.completed", loop.StudyKey, $"{loop.ReportId}:{outcome.Status}:{how}", cancellationToken);
        return outcome;
    }

    private static CriticalResultAttemptRecord Attempt(CriticalResultInput loop, int number, string recipientId, string recipientKind, Notification notification, DateTimeOffset sent, DateTimeOffset? acknowledgeBy, DateTimeOffset expires) => new()
    {
        Tenant = loop.Tenant,
        StudyKey = loop.StudyKey,
        ReportId = loop.ReportId,
        ReportKind = loop.ReportKind,
        Severity = loop.Severity,
        RadiologistId = loop.RadiologistId,
        ReferrerId = loop.ReferrerId,
        ReportedUtc = new DateTimeOffset(DateTime.SpecifyKind(loop.ReportedUtc, DateTimeKind.Utc)),
        Attempt = number,
        RecipientId = recipientId,
        RecipientKind = recipientKind,
        Topic = notification.Topic,
        NotificationKind = notification.Kind,
        MessageId = notification.MessageId,
        SentUtc = sent,
        AcknowledgeByUtc = acknowledgeBy,
        LinkExpiresUtc = expires,
    };

    private Task AuditAsync(string tenant, string actor, string action, string studyKey, string purpose, CancellationToken cancellationToken) =>
        audit.WriteAsync(new AuditRecord(clock.GetUtcNow(), tenant, AuditIds.Safe(actor), action, studyKey, AuditIds.Safe(purpose), AuditOutcome.Granted), cancellationToken);
}

/// <summary>
/// Audit fields must be opaque ids; configuration ids may also hold '/' (and a refused caller may send anything). Such
/// characters become '_', so the audit write never fails and never echoes free text.
/// </summary>
internal static class AuditIds
{
    public static string Safe(string? value)
    {
        if (OpaqueId.IsValid(value))
        {
            return value;
        }

        var safe = new string([.. (value ?? string.Empty).Select(c => char.IsAsciiLetterOrDigit(c) || "._-:@+".Contains(c, StringComparison.Ordinal) ? c : '_')]);
        if (safe.Length == 0 || !char.IsAsciiLetterOrDigit(safe[0]))
        {
            safe = "x" + safe;
        }

        return safe.Length > OpaqueId.MaxLength ? safe[..OpaqueId.MaxLength] : safe;
    }
}

[DurableTask(CriticalResult.StartActivityName)]
public sealed class StartCriticalResultActivity(CriticalResultActivities activities, IOrchestrationGateway engine) : TaskActivity<StartCriticalResultRequest, CriticalResultStart>
{
    public override Task<CriticalResultStart> RunAsync(TaskActivityContext context, StartCriticalResultRequest input) => activities.StartAsync(input, engine);
}

[DurableTask(CriticalResult.AiHeadsUpActivityName)]
public sealed class AiCriticalHeadsUpActivity(CriticalResultActivities activities) : TaskActivity<AiHeadsUpRequest, bool>
{
    public override Task<bool> RunAsync(TaskActivityContext context, AiHeadsUpRequest input) => activities.AiHeadsUpAsync(input);
}

[DurableTask(CriticalResult.AlertActivityName)]
public sealed class AlertCriticalResultActivity(CriticalResultActivities activities) : TaskActivity<CriticalResultAlertRequest, CriticalResultAttemptRecord>
{
    public override Task<CriticalResultAttemptRecord> RunAsync(TaskActivityContext context, CriticalResultAlertRequest input) => activities.AlertAsync(input);
}

[DurableTask(CriticalResult.EmergencyActivityName)]
public sealed class EmergencyCriticalResultActivity(CriticalResultActivities activities) : TaskActivity<CriticalResultEmergencyRequest, CriticalResultAttemptRecord>
{
    public override Task<CriticalResultAttemptRecord> RunAsync(TaskActivityContext context, CriticalResultEmergencyRequest input) => activities.EmergencyAsync(input);
}

[DurableTask(CriticalResult.CompleteActivityName)]
public sealed class CompleteCriticalResultActivity(CriticalResultActivities activities) : TaskActivity<CriticalResultCompleteRequest, CriticalResultOutcome>
{
    public override Task<CriticalResultOutcome> RunAsync(TaskActivityContext context, CriticalResultCompleteRequest input) => activities.CompleteAsync(input);
}
