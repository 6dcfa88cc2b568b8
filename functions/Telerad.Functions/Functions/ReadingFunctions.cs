using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Telerad.Functions;

/// <summary>
/// The ReadStudy orchestration and its activities as Functions (hand-written wrappers, see StudyAssemblyFunctions):
/// the same orchestrator class and activity services Telerad.Local and the tests run.
/// </summary>
public sealed class ReadingFunctions(ReadingActivities activities, ReadingStarter starter)
{
    [Function(ReadStudy.OrchestratorName)]
    public static Task<ReadingOutcome?> ReadStudyV1([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ReadStudyOrchestrator().RunAsync(context, context.GetInput<ReadStudyInput>()!);
    }

    /// <summary>StartReadingV1 starts ReadStudy: it needs the engine's client, which Functions binds.</summary>
    [Function(StartReading.ActivityName)]
    public Task<StartReadingResult> StartReadingV1([ActivityTrigger] StartReadingRequest request, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        starter.StartAsync(request, new DurableTaskClientGateway(client), cancellationToken);

    [Function(ReadStudy.AssignActivityName)]
    public Task<AssignmentDecision> AssignReaderV1([ActivityTrigger] AssignReaderRequest request, CancellationToken cancellationToken) =>
        activities.AssignAsync(request, cancellationToken);

    [Function(ReadStudy.NotifyActivityName)]
    public async Task<bool> NotifyV1([ActivityTrigger] NotifyRequest request, CancellationToken cancellationToken)
    {
        await activities.NotifyAsync(request, cancellationToken);
        return true;
    }

    [Function(ReadStudy.AuditActivityName)]
    public async Task<bool> AuditReadingV1([ActivityTrigger] ReadingAuditRequest request, CancellationToken cancellationToken)
    {
        await activities.AuditAsync(request, cancellationToken);
        return true;
    }

    [Function(ReadStudy.ProjectActivityName)]
    public async Task<bool> ProjectReadingV1([ActivityTrigger] ReadingProgress progress, CancellationToken cancellationToken)
    {
        await activities.ProjectAsync(progress, cancellationToken);
        return true;
    }

    [Function(ReadStudy.HandOffReportActivityName)]
    public async Task<bool> HandOffReportV1([ActivityTrigger] HandOffReportRequest request, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        await activities.HandOffReportAsync(request, new DurableTaskClientGateway(client), cancellationToken);
        return true;
    }
}
