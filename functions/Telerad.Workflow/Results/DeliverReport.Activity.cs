using System.Text.Json;
using Telerad.Auditing;
using Telerad.Notifications;
using Telerad.Storage;

namespace Telerad.Workflow;

/// <summary>
/// DeliverReport's activities as a service both hosts call: one delivery round (through <see cref="IReportDelivery"/>),
/// and the record of the end: <c>results/{reportId}-{kind}.delivered.json</c>, or <c>.failed.json</c> (the dead letter)
/// with an operations alert. The report itself stays stored under deid/.../reports/ whatever happens: nothing is lost.
/// </summary>
public sealed class ResultsActivities(IReportDelivery delivery, INotificationPublisher publisher, IAuditLog audit, IObjectStore store, TimeProvider clock)
{
    public Task<ReportDeliveryOutcome> DeliverAsync(ReportDeliveryRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return delivery.DeliverAsync(request, cancellationToken);
    }

    public async Task RecordAsync(DeliveryRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var now = clock.GetUtcNow();
        var reference = new ObjectRef(Containers.Deidentified, DeliverReport.OutcomeObject(record.Tenant, record.StudyKey, record.ReportId, record.ReportKind, record.Status));
        using (var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new { record, recordedUtc = now })))
        {
            await store.WriteAsync(reference, content, new ObjectWriteOptions { ContentType = "application/json" }, cancellationToken);
        }

        var delivered = record.Status == ReportDeliveryOutcome.Delivered;
        if (!delivered)
        {
            await publisher.PublishAsync(new Notification
            {
                MessageId = Notification.DeterministicId(NotificationKinds.DeliveryFailed, record.Tenant, record.StudyKey, null, $"{record.ReportId}-{record.ReportKind}-{record.Rounds}-{record.Last.Code}"),
                Topic = NotificationTopics.Operations,
                Kind = NotificationKinds.DeliveryFailed,
                Tenant = record.Tenant,
                StudyKey = record.StudyKey,
                CreatedUtc = now,
                Reason = $"{record.ReportKind} report {record.ReportId} not delivered after {record.Rounds} round(s): {record.Last.Status} {record.Last.Code}"
                    + (record.Last.HttpStatus is { } http ? $" (HTTP {http})" : string.Empty) + "; the report is kept, retry with the operations API",
            }, cancellationToken);
        }

        await audit.WriteAsync(new AuditRecord(now, record.Tenant, "system", delivered ? "results.delivered" : "results.dead-lettered", record.StudyKey,
            $"{record.ReportId}:{record.ReportKind}:{record.Last.Code}", delivered ? AuditOutcome.Granted : AuditOutcome.Failed), cancellationToken);
    }

    /// <summary>Starts the delivery of a report version (once: an instance running or done is left alone unless <paramref name="again"/>).</summary>
    public static async Task<bool> StartAsync(IOrchestrationGateway engine, DeliverReportInput input, bool again = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(input);
        var instance = DeliverReport.InstanceId(input.Tenant, input.StudyKey, input.ReportId, input.ReportKind);
        var (exists, running) = await engine.GetStateAsync(instance, cancellationToken);
        if (running || (exists && !again))
        {
            return false;
        }

        try
        {
            await engine.StartAsync(DeliverReport.OrchestratorName, instance, input, cancellationToken);
            return true;
        }
        catch (OrchestrationAlreadyRunningException)
        {
            return false;
        }
    }
}

[DurableTask(DeliverReport.DeliverActivityName)]
public sealed class DeliverReportActivity(ResultsActivities activities) : TaskActivity<ReportDeliveryRequest, ReportDeliveryOutcome>
{
    public override Task<ReportDeliveryOutcome> RunAsync(TaskActivityContext context, ReportDeliveryRequest input) => activities.DeliverAsync(input);
}

[DurableTask(DeliverReport.RecordActivityName)]
public sealed class RecordDeliveryActivity(ResultsActivities activities) : TaskActivity<DeliveryRecord, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, DeliveryRecord input)
    {
        await activities.RecordAsync(input);
        return true;
    }
}
