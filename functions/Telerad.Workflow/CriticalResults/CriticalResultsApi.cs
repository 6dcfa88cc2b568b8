using Telerad.Reading.Configuration;

namespace Telerad.Workflow;

/// <summary>
/// The critical-result endpoints, shared by the Functions HTTP triggers and Telerad.Local: acknowledge (by the signed
/// link a recipient received, or a phone read-back recorded by operations) and the per-tenant metrics (operations).
/// </summary>
public sealed class CriticalResultsApi(CriticalResultAcknowledgments acknowledgments, CriticalResultMetrics metrics, ReadingConfigurationProvider configuration)
{
    public async Task<ReadingApiResult> AcknowledgeAsync(
        ReadingCaller caller, string studyKey, string reportId, string? recipient, string? token, string? method, IOrchestrationGateway engine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (string.IsNullOrEmpty(recipient) || string.IsNullOrEmpty(token))
        {
            return ReadingApiResult.Error(400, ReadingApiErrors.InvalidRequest, "recipient and token are required (they are in the acknowledgment link)");
        }

        method ??= AcknowledgmentMethods.Link;
        string? recordedBy = null;
        if (method == AcknowledgmentMethods.PhoneReadBack)
        {
            if (await OperationsAsync(caller, cancellationToken) is { } refusal)
            {
                return refusal;
            }

            recordedBy = caller.UserId;
        }

        var result = await acknowledgments.AcknowledgeAsync(new AcknowledgeRequest(token, recipient, method, recordedBy, studyKey, reportId), engine, cancellationToken);
        return result.Status == AcknowledgeResult.Refused
            ? ReadingApiResult.Error(403, ReadingApiErrors.LinkPrefix + result.Code, "the acknowledgment was refused")
            : ReadingApiResult.Ok(new { status = result.Status, studyKey = result.StudyKey, reportId = result.ReportId, acknowledgedBy = result.Acknowledgment?.RecipientId, acknowledgedUtc = result.Acknowledgment?.AcknowledgedUtc });
    }

    public async Task<ReadingApiResult> MetricsAsync(ReadingCaller caller, string tenant, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (await OperationsAsync(caller, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var until = to ?? DateTimeOffset.UtcNow;
        return ReadingApiResult.Ok(await metrics.QueryAsync(tenant, from ?? until.AddDays(-30), until, cancellationToken));
    }

    private async Task<ReadingApiResult?> OperationsAsync(ReadingCaller caller, CancellationToken cancellationToken)
    {
        var config = await configuration.TryGetAsync(cancellationToken);
        return config is null ? ReadingApiResult.ConfigurationUnavailable()
            : caller.IsOperationsIn(config) ? null
            : ReadingApiResult.Error(403, ReadingApiErrors.NotOperations, "only operations may do this");
    }
}
