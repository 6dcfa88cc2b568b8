using DurableTask.Core;
using DurableTask.Core.Exceptions;

namespace Telerad.Local;

/// <summary>
/// <see cref="IOrchestrationGateway"/> over DTFx's <see cref="TaskHubClient"/>: what <see cref="StudyAssemblyClient"/>
/// needs from the persistent local engine. The client serializes with the SDK's converter (see <see cref="DurableEngine"/>).
/// </summary>
public sealed class TaskHubGateway(DurableEngine engine) : IOrchestrationGateway
{
    /// <summary>
    /// Finished states: only these may be started again. The rule of <see cref="DurableTaskClientGateway"/>: an instance
    /// between generations (ContinuedAsNew), suspended or pending still holds the study's state. Canceled is DTFx's
    /// obsolete twin of Terminated.
    /// </summary>
    private static readonly OrchestrationStatus[] Finished =
        [OrchestrationStatus.Completed, OrchestrationStatus.Failed, OrchestrationStatus.Terminated, OrchestrationStatus.Canceled];

    /// <summary>Every other state: a start over one of these is refused (<see cref="OrchestrationAlreadyExistsException"/>).</summary>
    private static readonly OrchestrationStatus[] Live = [.. Enum.GetValues<OrchestrationStatus>().Except(Finished)];

    public async Task<(bool Exists, bool Running)> GetStateAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var state = await engine.Client.GetOrchestrationStateAsync(instanceId);
        return (state is not null, state is not null && !Finished.Contains(state.OrchestrationStatus));
    }

    public async Task StartAsync(string orchestratorName, string instanceId, object input, CancellationToken cancellationToken = default)
    {
        try
        {
            await engine.Client.CreateOrchestrationInstanceAsync(orchestratorName, string.Empty, instanceId, input, tags: null, dedupeStatuses: Live);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            throw new OrchestrationAlreadyRunningException(instanceId);
        }
    }

    public Task RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken = default) =>
        engine.Client.RaiseEventAsync(new OrchestrationInstance { InstanceId = instanceId }, eventName, payload);
}
