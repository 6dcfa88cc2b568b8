using System.Text.Json;
using Telerad.Auditing;
using Telerad.Notifications;
using Telerad.Storage;

namespace Telerad.Workflow;

/// <summary>Chooses the radiologist for a study (the assignment engine over the reading configuration).</summary>
public interface IReaderAssigner
{
    Task<AssignmentDecision> AssignAsync(AssignReaderRequest request, CancellationToken cancellationToken = default);
}

/// <summary>
/// ReadStudy's activities as a service both hosts call: assignment (its explanation stored for the audit trail),
/// notifications with signed links, audit records, and the hand-off of report versions to results delivery.
/// </summary>
/// <param name="delivery">How report versions handed off are delivered (rounds of retries): the host's validated options.</param>
public sealed class ReadingActivities(IReaderAssigner assigner, INotificationPublisher publisher, StudyLinks links, IAuditLog audit, IObjectStore store, IReadingWorklist worklist, DeliveryRetryPolicy delivery, TimeProvider clock)
{
    public async Task<AssignmentDecision> AssignAsync(AssignReaderRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var decision = await assigner.AssignAsync(request, cancellationToken);
        var explanation = new ObjectRef(Containers.Audit, $"{request.Tenant}/reading/{request.StudyKey}/assignment-{request.Assignment}.json");
        using (var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new { request, decision, details = decision.Details, decidedUtc = clock.GetUtcNow() })))
        {
            await store.WriteAsync(explanation, content, new ObjectWriteOptions { ContentType = "application/json" }, cancellationToken);
        }

        await audit.WriteAsync(new AuditRecord(
            clock.GetUtcNow(), request.Tenant, request.Requested is null ? "system" : "operations", decision.RadiologistId is null ? "reading.no-eligible" : "reading.assigned",
            request.StudyKey, decision.RadiologistId is { } reader ? $"a{request.Assignment}:{reader}" : $"a{request.Assignment}", AuditOutcome.Granted), cancellationToken);
        return decision;
    }

    public async Task NotifyAsync(NotifyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var withLinks = request.RadiologistId is { } reader && request.Kind is NotificationKinds.AssignmentOffered or NotificationKinds.Reminder;
        var notification = new Notification
        {
            MessageId = Notification.DeterministicId(request.Kind, request.Tenant, request.StudyKey, request.RadiologistId ?? request.ContactId, request.Occurrence),
            Topic = NotificationKinds.TopicOf(request.Kind),
            Kind = request.Kind,
            Tenant = request.Tenant,
            StudyKey = request.StudyKey,
            RadiologistId = request.RadiologistId,
            Priority = request.Priority,
            DeadlineUtc = new DateTimeOffset(DateTime.SpecifyKind(request.DeadlineUtc, DateTimeKind.Utc)),
            CreatedUtc = clock.GetUtcNow(),
            Reason = request.Reason,
            ContactId = request.ContactId,
            Links = withLinks ? links.For(request.Tenant, request.StudyKey, request.RadiologistId!) : new Dictionary<string, string>(),
        };
        await publisher.PublishAsync(notification, cancellationToken);
        await audit.WriteAsync(new AuditRecord(clock.GetUtcNow(), request.Tenant, "system", "reading.notified", request.StudyKey, $"{request.Kind}:{request.Occurrence}", AuditOutcome.Granted), cancellationToken);
    }

    public Task AuditAsync(ReadingAuditRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return audit.WriteAsync(new AuditRecord(clock.GetUtcNow(), request.Tenant, request.Actor, request.Action, request.StudyKey, request.Purpose, AuditOutcome.Granted), cancellationToken);
    }

    /// <summary>Keeps the worklist projection in step with the orchestration (worklists and loads read it, not the engine).</summary>
    public Task ProjectAsync(ReadingProgress progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return worklist.UpdateAsync(progress, clock.GetUtcNow(), cancellationToken);
    }

    /// <summary>
    /// Records a report version for results delivery (ids only; the report is stored by the API) and starts its
    /// delivery (DeliverReportV1, once per version).
    /// </summary>
    public async Task HandOffReportAsync(HandOffReportRequest request, IOrchestrationGateway engine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(engine);
        var handoff = new ObjectRef(Containers.Deidentified, $"{request.Tenant}/{request.StudyKey}/results/{request.ReportId}-{request.ReportKind}.json");
        using (var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new { request, handedOffUtc = clock.GetUtcNow() })))
        {
            await store.WriteAsync(handoff, content, new ObjectWriteOptions { ContentType = "application/json" }, cancellationToken);
        }

        await audit.WriteAsync(new AuditRecord(clock.GetUtcNow(), request.Tenant, request.RadiologistId, "reading.report", request.StudyKey, $"{request.ReportKind}:{request.ReportId}", AuditOutcome.Granted), cancellationToken);
        await ResultsActivities.StartAsync(engine, new DeliverReportInput(request.Tenant, request.StudyKey, request.ReportId, request.ReportKind, delivery), cancellationToken: cancellationToken);
    }
}

[DurableTask(ReadStudy.AssignActivityName)]
public sealed class AssignReaderActivity(ReadingActivities activities) : TaskActivity<AssignReaderRequest, AssignmentDecision>
{
    public override Task<AssignmentDecision> RunAsync(TaskActivityContext context, AssignReaderRequest input) => activities.AssignAsync(input);
}

[DurableTask(ReadStudy.NotifyActivityName)]
public sealed class NotifyActivity(ReadingActivities activities) : TaskActivity<NotifyRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, NotifyRequest input)
    {
        await activities.NotifyAsync(input);
        return true;
    }
}

[DurableTask(ReadStudy.AuditActivityName)]
public sealed class AuditReadingActivity(ReadingActivities activities) : TaskActivity<ReadingAuditRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, ReadingAuditRequest input)
    {
        await activities.AuditAsync(input);
        return true;
    }
}

[DurableTask(ReadStudy.ProjectActivityName)]
public sealed class ProjectReadingActivity(ReadingActivities activities) : TaskActivity<ReadingProgress, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, ReadingProgress input)
    {
        await activities.ProjectAsync(input);
        return true;
    }
}

[DurableTask(ReadStudy.HandOffReportActivityName)]
public sealed class HandOffReportActivity(ReadingActivities activities, IOrchestrationGateway engine) : TaskActivity<HandOffReportRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, HandOffReportRequest input)
    {
        await activities.HandOffReportAsync(input, engine);
        return true;
    }
}
