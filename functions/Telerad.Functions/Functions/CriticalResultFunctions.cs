using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Telerad.Functions;

/// <summary>
/// The CriticalResult orchestration and its activities (hand-written wrappers, see StudyAssemblyFunctions), and the
/// acknowledgment and metrics endpoints over the shared handlers.
/// </summary>
public sealed class CriticalResultFunctions(CriticalResultActivities activities, CriticalResultCommunicationActivities communications, CriticalResultsApi api)
{
    [Function(CriticalResult.OrchestratorName)]
    public static Task<CriticalResultOutcome> CriticalResultV1([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new CriticalResultOrchestrator().RunAsync(context, context.GetInput<CriticalResultInput>()!);
    }

    [Function(CriticalResult.StartActivityName)]
    public Task<CriticalResultStart> StartCriticalResultV1([ActivityTrigger] StartCriticalResultRequest request, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        activities.StartAsync(request, new DurableTaskClientGateway(client), cancellationToken);

    [Function(CriticalResult.AiHeadsUpActivityName)]
    public Task<bool> AiCriticalHeadsUpV1([ActivityTrigger] AiHeadsUpRequest request, CancellationToken cancellationToken) =>
        activities.AiHeadsUpAsync(request, cancellationToken);

    [Function(CriticalResult.AlertActivityName)]
    public Task<CriticalResultAttemptRecord> AlertCriticalResultV1([ActivityTrigger] CriticalResultAlertRequest request, CancellationToken cancellationToken) =>
        activities.AlertAsync(request, cancellationToken);

    [Function(CriticalResult.EmergencyActivityName)]
    public Task<CriticalResultAttemptRecord> EmergencyCriticalResultV1([ActivityTrigger] CriticalResultEmergencyRequest request, CancellationToken cancellationToken) =>
        activities.EmergencyAsync(request, cancellationToken);

    [Function(CriticalResult.CompleteActivityName)]
    public Task<CriticalResultOutcome> CompleteCriticalResultV1([ActivityTrigger] CriticalResultCompleteRequest request, CancellationToken cancellationToken) =>
        activities.CompleteAsync(request, cancellationToken);

    [Function(CriticalResult.CommunicationActivityName)]
    public Task<ReportDeliveryOutcome> DeliverCriticalResultCommunicationV1([ActivityTrigger] CriticalResultCommunicationRequest request, CancellationToken cancellationToken) =>
        communications.DeliverAsync(request, cancellationToken);

    [Function("CriticalResultAcknowledge")]
    public Task<IActionResult> Acknowledge(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "critical-results/{study}/{reportId}/acknowledge")] HttpRequest request,
        string study, string reportId, [DurableClient] DurableTaskClient client) =>
        ReadingApiFunctions.Run(request, caller => api.AcknowledgeAsync(
            caller, study, reportId, request.Query["recipient"].FirstOrDefault(), request.Query["token"].FirstOrDefault(), request.Query["method"].FirstOrDefault(),
            new DurableTaskClientGateway(client), request.HttpContext.RequestAborted));

    [Function("CriticalResultMetrics")]
    public Task<IActionResult> Metrics([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "operations/critical-results/{tenant}/metrics")] HttpRequest request, string tenant) =>
        ReadingApiFunctions.Run(request, caller => api.MetricsAsync(
            caller, tenant, Date(request.Query["from"].FirstOrDefault()), Date(request.Query["to"].FirstOrDefault()), request.HttpContext.RequestAborted));

    private static DateTimeOffset? Date(string? text) =>
        DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var value) ? value : null;
}
