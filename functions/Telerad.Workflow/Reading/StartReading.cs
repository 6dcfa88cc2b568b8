using System.Text.Json;
using Telerad.Auditing;
using Telerad.Notifications;
using Telerad.Reading.Configuration;
using Telerad.Storage;
using PriorityNames = Telerad.Reading.ReadingPriorities;

namespace Telerad.Workflow;

/// <summary>StartReadingV1: StudyAssembly's last step, the hand-off to reading (one ReadStudy per tenant + study).</summary>
public sealed record StartReadingRequest(string Tenant, string StudyKey);

/// <summary>What happened: <see cref="Started"/>, <see cref="AlreadyStarted"/> (a late run, a redelivery), or <see cref="NotStarted"/> with a code (operations were alerted).</summary>
public sealed record StartReadingResult(string Outcome, string? Code = null)
{
    public const string Started = "started";
    public const string AlreadyStarted = "already-started";
    public const string NotStarted = "not-started";

    /// <summary>The reading configuration is missing or invalid.</summary>
    public const string ConfigurationInvalid = "reading-configuration-invalid";

    /// <summary>The tenant is not in the reading configuration (tenants.json).</summary>
    public const string TenantNotConfigured = "tenant-not-configured";

    /// <summary>The study names no facility and the tenant has several, or one the tenant does not have.</summary>
    public const string FacilityUnknown = "facility-unknown";

    /// <summary>The study's summary is not in deid/ (nothing to read).</summary>
    public const string SummaryMissing = "summary-missing";
}

/// <summary>
/// Starts the reading of an assembled study: resolves the tenant's reading contract into a <see cref="ReadingPolicy"/>
/// snapshot, writes the study's worklist row, and starts ReadStudyV1 once (deterministic instance id; an existing
/// instance — a late run, a redelivered completion — is left alone). A study that cannot be read is never dropped
/// silently: operations are alerted with the reason and the refusal is audited.
/// </summary>
/// <param name="retry">The retry policy of ReadStudy's activities (the host's validated StudyAssembly options).</param>
public sealed class ReadingStarter(ReadingConfigurationProvider configuration, IReadingWorklist worklist, IObjectStore store, INotificationPublisher publisher, IAuditLog audit, StudyAssemblyOptions retry, TimeProvider clock, Microsoft.Extensions.Logging.ILogger<ReadingStarter> logger)
{
    public async Task<StartReadingResult> StartAsync(StartReadingRequest request, IOrchestrationGateway engine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(engine);
        var instanceId = ReadStudy.InstanceId(request.Tenant, request.StudyKey);
        if ((await engine.GetStateAsync(instanceId, cancellationToken)).Exists)
        {
            ReadingLog.ReadingStart(logger, request.StudyKey, request.Tenant, StartReadingResult.AlreadyStarted, instanceId);
            return new StartReadingResult(StartReadingResult.AlreadyStarted);
        }

        var summary = await ReadSummaryAsync(request, cancellationToken);
        if (summary is null)
        {
            return await RefuseAsync(request, StartReadingResult.SummaryMissing, "the study has no summary in deid/", cancellationToken);
        }

        ReadingConfiguration config;
        try
        {
            config = await configuration.GetAsync(cancellationToken);
        }
        catch (ReadingConfigurationException e)
        {
            return await RefuseAsync(request, StartReadingResult.ConfigurationInvalid, $"the reading configuration does not load ({e.Errors.Count} problems)", cancellationToken);
        }

        if (config.FindTenant(request.Tenant) is not { } tenant)
        {
            return await RefuseAsync(request, StartReadingResult.TenantNotConfigured, "the tenant is not in tenants.json", cancellationToken);
        }

        var facility = summary.FacilityId is { } id ? tenant.FindFacility(id) : tenant.Facilities.Count == 1 ? tenant.Facilities[0] : null;
        if (facility is null)
        {
            return await RefuseAsync(request, StartReadingResult.FacilityUnknown, "the study's facility is not one of the tenant's facilities", cancellationToken);
        }

        var policy = ReadingPolicies.From(tenant, retry);
        var modality = PrimaryModality(summary);
        var now = clock.GetUtcNow();
        var orderPriority = ReadingPriorities.FromOrder(summary.OrderPriority);
        await worklist.RegisterAsync(new ReadingWorklistEntry
        {
            Tenant = request.Tenant,
            StudyKey = request.StudyKey,
            Status = WorklistStatus.Unassigned,
            Priority = summary.PriorityUpgrade is { To: PriorityUpgrade.Stat } ? ReadingPriorities.Stat : orderPriority,
            PriorityReason = summary.PriorityUpgrade is { To: PriorityUpgrade.Stat } ? "ai-critical-upgrade" : "order-" + orderPriority.ToLowerInvariant(),
            AiFlagged = summary.PriorityUpgrade is not null,
            Modality = modality,
            BodyPart = summary.BodyPartExamined,
            FacilityId = facility.Id,
            PatientJurisdiction = summary.PatientJurisdiction,
            ReferrerId = summary.ReferrerId,
            Rvu = config.Rules.Rvus.Estimate(modality ?? string.Empty, summary.BodyPartExamined ?? string.Empty),
            StartedUtc = now,
            UpdatedUtc = now,
        }, cancellationToken);

        try
        {
            await engine.StartAsync(ReadStudy.OrchestratorName, instanceId, new ReadStudyInput(request.Tenant, request.StudyKey, summary.OrderPriority, summary.PriorityUpgrade, policy), cancellationToken);
        }
        catch (OrchestrationAlreadyRunningException)
        {
            return new StartReadingResult(StartReadingResult.AlreadyStarted);
        }

        await audit.WriteAsync(new AuditRecord(now, request.Tenant, "system", "reading.started", request.StudyKey, instanceId, AuditOutcome.Granted), cancellationToken);
        ReadingLog.ReadingStart(logger, request.StudyKey, request.Tenant, StartReadingResult.Started, instanceId);
        return new StartReadingResult(StartReadingResult.Started);
    }

    /// <summary>The modality the study is read as: the one with most instances (a CT with a localiser SR is a CT).</summary>
    private static string? PrimaryModality(StudySummary summary) =>
        summary.Series.Where(s => s.Modality is not null).GroupBy(s => s.Modality!, StringComparer.Ordinal)
            .OrderByDescending(g => g.Sum(s => s.Instances)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).FirstOrDefault() ?? (summary.Modalities.Count > 0 ? summary.Modalities[0] : null);

    private Task<StudySummary?> ReadSummaryAsync(StartReadingRequest request, CancellationToken cancellationToken) =>
        store.ReadJsonIfExistsAsync(new ObjectRef(Containers.Deidentified, $"{request.Tenant}/{request.StudyKey}/summary.json"), WorkflowJsonContext.Default.StudySummary, cancellationToken);

    private async Task<StartReadingResult> RefuseAsync(StartReadingRequest request, string code, string reason, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await publisher.PublishAsync(new Notification
        {
            MessageId = Notification.DeterministicId(NotificationKinds.ReadingNotStarted, request.Tenant, request.StudyKey, null, code),
            Topic = NotificationTopics.Operations,
            Kind = NotificationKinds.ReadingNotStarted,
            Tenant = request.Tenant,
            StudyKey = request.StudyKey,
            CreatedUtc = now,
            Reason = $"{code}: {reason}",
        }, cancellationToken);
        await audit.WriteAsync(new AuditRecord(now, request.Tenant, "system", "reading.not-started", request.StudyKey, code, AuditOutcome.Denied), cancellationToken);
        ReadingLog.ReadingNotPossible(logger, request.StudyKey, request.Tenant, code);
        return new StartReadingResult(StartReadingResult.NotStarted, code);
    }
}

/// <summary>The tenant's reading contract as the orchestration's policy snapshot.</summary>
public static class ReadingPolicies
{
    public static ReadingPolicy From(TenantConfiguration tenant, StudyAssemblyOptions retry)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var policy = new ReadingPolicy
        {
            Turnaround = tenant.TurnaroundTargets.ToDictionary(t => PriorityNames.Name(t.Key), t => t.Value, StringComparer.Ordinal),
            AcceptReminderInterval = tenant.ReminderInterval,
            MaxSilentReminders = tenant.MaxSilentReminders,
            WarningFraction = tenant.SlaWarningFraction,
            Escalation = tenant.FindEscalationChain(tenant.SlaEscalationChainId) is { } chain
                ? [.. chain.Steps.Select(s => new EscalationStepPolicy(s.ContactId, s.After))]
                : [],
            Retry = retry,
        };
        policy.Validate();
        return policy;
    }
}

/// <summary>StartReadingV1 needs the engine's client: each host passes its own gateway (Functions: the bound DurableTaskClient).</summary>
[DurableTask(StartReading.ActivityName)]
public sealed class StartReadingActivity(ReadingStarter starter, IOrchestrationGateway engine) : TaskActivity<StartReadingRequest, StartReadingResult>
{
    public override Task<StartReadingResult> RunAsync(TaskActivityContext context, StartReadingRequest input) => starter.StartAsync(input, engine);
}

public static class StartReading
{
    public const string ActivityName = "StartReadingV1";
}
