using Telerad.Auditing;
using Telerad.Reading.Configuration;
using Telerad.Storage;

namespace Telerad.Workflow;

/// <summary>
/// Operations' side of results delivery: a dead-lettered report version is delivered again once the cause is fixed
/// (endpoint configuration, credentials, the referrer's server). Shared by the Functions HTTP trigger and Telerad.Local.
/// </summary>
public sealed class ResultsApi(ReadingConfigurationProvider configuration, IObjectStore store, IAuditLog audit, DeliveryRetryPolicy policy, TimeProvider clock)
{
    public async Task<ReadingApiResult> RetryDeliveryAsync(ReadingCaller caller, string tenant, string studyKey, string reportId, string kind, IOrchestrationGateway engine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(engine);
        if (!OpaqueId.IsValid(tenant) || !OpaqueId.IsValid(studyKey) || !OpaqueId.IsValid(reportId) || kind is not (ReadingEvent.Preliminary or ReadingEvent.Final or ReadingEvent.Addendum))
        {
            return ReadingApiResult.Error(400, ReadingApiErrors.InvalidRequest, "tenant, study and report must be opaque ids; kind preliminary, final or addendum");
        }

        if (await configuration.TryGetAsync(cancellationToken) is not { } config)
        {
            return ReadingApiResult.ConfigurationUnavailable();
        }

        if (!caller.IsOperationsIn(config))
        {
            await audit.WriteAsync(new AuditRecord(clock.GetUtcNow(), tenant, caller.UserId, "api.delivery-retry", studyKey, ReadingApiErrors.NotOperations, AuditOutcome.Denied), cancellationToken);
            return ReadingApiResult.Error(403, ReadingApiErrors.NotOperations, "only operations may retry a delivery");
        }

        var deadLetter = new ObjectRef(Containers.Deidentified, DeliverReport.OutcomeObject(tenant, studyKey, reportId, kind, "failed"));
        var delivered = new ObjectRef(Containers.Deidentified, DeliverReport.OutcomeObject(tenant, studyKey, reportId, kind, ReportDeliveryOutcome.Delivered));
        if (await store.GetPropertiesAsync(delivered, cancellationToken) is not null)
        {
            return ReadingApiResult.Error(409, ReadingApiErrors.WrongState, "this report version has been delivered");
        }

        if (await store.GetPropertiesAsync(deadLetter, cancellationToken) is null)
        {
            return ReadingApiResult.Error(404, ReadingApiErrors.UnknownStudy, "no failed delivery of this report version");
        }

        var started = await ResultsActivities.StartAsync(engine, new DeliverReportInput(tenant, studyKey, reportId, kind, policy), again: true, cancellationToken);
        await audit.WriteAsync(new AuditRecord(clock.GetUtcNow(), tenant, caller.UserId, "api.delivery-retry", studyKey, $"{reportId}:{kind}", AuditOutcome.Granted), cancellationToken);
        return started
            ? ReadingApiResult.Accepted(new { studyKey, reportId, kind, status = "delivery-restarted" })
            : ReadingApiResult.Error(409, ReadingApiErrors.WrongState, "a delivery of this report version is running");
    }
}
