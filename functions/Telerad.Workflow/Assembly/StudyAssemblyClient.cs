using Microsoft.DurableTask.Client;

namespace Telerad.Workflow;

/// <summary>
/// What triggers do after IngestInstance accepted something: make sure the study's orchestration runs, then send it
/// the event. Starting is idempotent (an already running instance is left alone); a study whose run completed is
/// started again as a late run, so late instances are de-identified and flagged.
/// </summary>
public sealed class StudyAssemblyClient(DurableTaskClient client, StudyAssemblyOptions options)
{
    public async Task SignalAsync(string tenant, string studyKey, TimeSpan quietPeriod, StudyEvent studyEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(studyEvent);
        var instanceId = StudyAssembly.InstanceId(tenant, studyKey);
        var existing = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        var running = existing is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending };
        if (!running)
        {
            var input = new StudyAssemblyInput(tenant, studyKey, (int)Math.Ceiling(quietPeriod.TotalSeconds), options, LateRun: existing is not null);
            try
            {
                await client.ScheduleNewOrchestrationInstanceAsync(StudyAssembly.OrchestratorName, input, new StartOrchestrationOptions(instanceId), cancellationToken);
            }
            catch (InvalidOperationException)
            {
                // Another worker started it between our check and our start: it is running now, which is all we need.
            }
        }

        await client.RaiseEventAsync(instanceId, StudyAssembly.EventName, studyEvent, cancellationToken);
    }
}
