using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telerad.Notifications;
using Telerad.Storage;

namespace Telerad.Workflow;

/// <summary>
/// One step of a critical result's loop to record in the referrer's EHR: the alert of attempt <see cref="Attempt"/>, or
/// (<see cref="Attempt"/> null) the acknowledgment.
/// </summary>
public sealed record CriticalResultCommunicationRequest(string Tenant, string StudyKey, string ReportId, int? Attempt, StudyAssemblyOptions Retry)
{
    public string Step => Attempt is { } n ? $"attempt-{n}" : "acknowledgment";
}

/// <summary>Sends a loop step to the referrer as a FHIR Communication (Telerad.Fhir's delivery implements it).</summary>
public interface ICriticalResultCommunicationDelivery
{
    Task<ReportDeliveryOutcome> DeliverAsync(CriticalResultCommunicationRequest request, CancellationToken cancellationToken = default);
}

/// <summary>Until a host has FHIR delivery: every step is recorded as not delivered (code <see cref="UnconfiguredReportDelivery.Code"/>).</summary>
public sealed class UnconfiguredCommunicationDelivery : ICriticalResultCommunicationDelivery
{
    public Task<ReportDeliveryOutcome> DeliverAsync(CriticalResultCommunicationRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ReportDeliveryOutcome(ReportDeliveryOutcome.Permanent, UnconfiguredReportDelivery.Code));
}

/// <summary>
/// DeliverCriticalResultCommunicationV1: one loop step to the EHR. The outcome is recorded beside the loop's records
/// (<c>.../results/critical-{reportId}/communication-{step}.{delivered|failed}.json</c>); a transient failure throws so the
/// activity's retry policy tries again; a step that cannot be delivered alerts operations. Never blocks the loop itself:
/// the orchestration only waits for this while it waits for the acknowledgment anyway.
/// </summary>
public sealed class CriticalResultCommunicationActivities(
    ICriticalResultCommunicationDelivery delivery, IObjectStore store, INotificationPublisher publisher, TimeProvider clock, ILogger<CriticalResultCommunicationActivities>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<CriticalResultCommunicationActivities>.Instance;

    public const string Delivered = "delivered";
    public const string Failed = "failed";

    public static ObjectRef OutcomeName(string tenant, string studyKey, string reportId, string step, string status) =>
        new(Containers.Deidentified, $"{CriticalResultRecords.Folder(tenant, studyKey, reportId)}communication-{step}.{status}.json");

    public async Task<ReportDeliveryOutcome> DeliverAsync(CriticalResultCommunicationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var outcome = await delivery.DeliverAsync(request, cancellationToken);
        if (outcome.Status == ReportDeliveryOutcome.Retryable)
        {
            // The activity's retry policy takes it from here; its last failure reaches the orchestration.
            throw new CommunicationNotDeliveredException(outcome.Code);
        }

        var delivered = outcome.Status == ReportDeliveryOutcome.Delivered;
        var now = clock.GetUtcNow();
        using (var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new { request.Tenant, request.StudyKey, request.ReportId, step = request.Step, outcome, recordedUtc = now })))
        {
            await store.WriteAsync(OutcomeName(request.Tenant, request.StudyKey, request.ReportId, request.Step, delivered ? Delivered : Failed), content, new ObjectWriteOptions { ContentType = "application/json" }, cancellationToken);
        }

        CriticalResultLog.CommunicationDelivered(_logger, request.ReportId, request.StudyKey, request.Step, outcome.Status, outcome.Code);
        if (!delivered)
        {
            await publisher.PublishAsync(new Notification
            {
                MessageId = Notification.DeterministicId(NotificationKinds.DeliveryFailed, request.Tenant, request.StudyKey, null, $"{request.ReportId}-critical-{request.Step}-{outcome.Code}"),
                Topic = NotificationTopics.Operations,
                Kind = NotificationKinds.DeliveryFailed,
                Tenant = request.Tenant,
                StudyKey = request.StudyKey,
                ReportId = request.ReportId,
                CreatedUtc = now,
                Reason = $"critical-result {request.Step} of report {request.ReportId} not recorded in the referrer's EHR: {outcome.Status} {outcome.Code}"
                    + (outcome.HttpStatus is { } http ? $" (HTTP {http})" : string.Empty) + "; the loop itself goes on",
            }, cancellationToken);
        }

        return outcome;
    }
}

/// <summary>A communication could not be delivered for now (timeouts, 429/5xx after the client's retries).</summary>
public sealed class CommunicationNotDeliveredException : Exception
{
    public CommunicationNotDeliveredException()
    {
    }

    public CommunicationNotDeliveredException(string code)
        : base($"The critical-result communication was not delivered: {code}.")
    {
    }

    public CommunicationNotDeliveredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

[DurableTask(CriticalResult.CommunicationActivityName)]
public sealed class DeliverCriticalResultCommunicationActivity(CriticalResultCommunicationActivities activities) : TaskActivity<CriticalResultCommunicationRequest, ReportDeliveryOutcome>
{
    public override Task<ReportDeliveryOutcome> RunAsync(TaskActivityContext context, CriticalResultCommunicationRequest input) => activities.DeliverAsync(input);
}
