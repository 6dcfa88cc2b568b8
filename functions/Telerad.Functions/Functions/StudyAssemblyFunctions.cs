using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Telerad.Functions;

/// <summary>
/// The StudyAssembly orchestration and activities as Functions. Microsoft.DurableTask.Generators is not available,
/// so these wrappers are written by hand: the orchestrator reads its input and runs the shared orchestrator class,
/// the activities call the shared service — the same code Telerad.Local and the tests run.
/// </summary>
public sealed class StudyAssemblyFunctions(
    StudyAssemblyActivities activities,
    StudyTriageActivities triage,
    IInstanceRegistry registry,
    ITenantDirectory tenants,
    StudyAssemblyOptions options,
    Telerad.Notifications.INotificationPublisher publisher,
    TimeProvider time,
    Microsoft.Extensions.Logging.ILogger<StalledInstanceSweep> sweepLogger)
{
    [Function(StudyAssembly.OrchestratorName)]
    public static Task<StudySummary?> StudyAssemblyV1([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new StudyAssemblyOrchestrator().RunAsync(context, context.GetInput<StudyAssemblyInput>()!);
    }

    [Function(StudyAssembly.DeidentifyActivityName)]
    public Task<DeidentifiedInstance> DeidentifyInstanceV1([ActivityTrigger] DeidentifyRequest request, CancellationToken cancellationToken) =>
        activities.DeidentifyAsync(request, cancellationToken);

    [Function(StudyAssembly.DeidentifyBatchActivityName)]
    public Task<DeidentifyBatchResult> DeidentifyInstancesV1([ActivityTrigger] DeidentifyBatchRequest request, CancellationToken cancellationToken) =>
        activities.DeidentifyBatchAsync(request, cancellationToken);

    [Function(StudyAssembly.PublishSummaryActivityName)]
    public Task<StudySummary> PublishStudySummaryV1([ActivityTrigger] PublishSummaryRequest request, CancellationToken cancellationToken) =>
        activities.PublishSummaryAsync(request, cancellationToken);

    [Function(StudyAssembly.FindUnprocessedActivityName)]
    public Task<Dictionary<string, int>> FindUnprocessedInstancesV1([ActivityTrigger] FindUnprocessedRequest request, CancellationToken cancellationToken) =>
        activities.FindUnprocessedAsync(request, cancellationToken);

    [Function(StalledInstanceSweepOrchestrator.OrchestratorName)]
    public static Task<object?> StalledInstanceSweepV1([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new StalledInstanceSweepOrchestrator().RunAsync(context, context.GetInput<StalledSweepInput>() ?? StalledSweepInput.Default);
    }

    /// <remarks>The sweep signals studies, so it needs the durable client the host binds.</remarks>
    [Function(StalledInstanceSweepOrchestrator.ActivityName)]
    public Task<int> SweepStalledInstancesV1([ActivityTrigger] int minimumAgeSeconds, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        new StalledInstanceSweep(registry, new DurableTaskClientGateway(client), new StudyAssemblyClient(client, options), tenants, publisher, time, sweepLogger)
            .SweepAsync(TimeSpan.FromSeconds(minimumAgeSeconds), cancellationToken);

    [Function(TriageStudy.ActivityName)]
    public Task<StudyTriageSummary> TriageStudyV1([ActivityTrigger] TriageStudyRequest request, CancellationToken cancellationToken) =>
        triage.TriageAsync(request, cancellationToken);
}
