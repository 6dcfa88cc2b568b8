using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Telerad.Functions;

/// <summary>The DeliverReport orchestration and its activities as Functions (hand-written wrappers, see StudyAssemblyFunctions).</summary>
public sealed class ResultsFunctions(ResultsActivities activities)
{
    [Function(DeliverReport.OrchestratorName)]
    public static Task<DeliveryRecord> DeliverReportV1([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new DeliverReportOrchestrator().RunAsync(context, context.GetInput<DeliverReportInput>()!);
    }

    [Function(DeliverReport.DeliverActivityName)]
    public Task<ReportDeliveryOutcome> DeliverReportActivityV1([ActivityTrigger] ReportDeliveryRequest request, CancellationToken cancellationToken) =>
        activities.DeliverAsync(request, cancellationToken);

    [Function(DeliverReport.RecordActivityName)]
    public async Task<bool> RecordDeliveryV1([ActivityTrigger] DeliveryRecord record, CancellationToken cancellationToken)
    {
        await activities.RecordAsync(record, cancellationToken);
        return true;
    }
}
