using DurableTask.Core;
using DurableTask.Core.Exceptions;

namespace Telerad.Local;

/// <summary>
/// <see cref="IOrchestrationGateway"/> over DTFx's <see cref="TaskHubClient"/>: what <see cref="StudyAssemblyClient"/>
/// needs from the persistent local engine. The client serializes with the SDK's converter (see <see cref="DurableEngine"/>).
/// </summary>
public sealed class TaskHubGateway(DurableEngine engine) : IOrchestrationGateway
{
    /// <summary>States in which an instance takes events and must not be started again.</summary>
    private static readonly OrchestrationStatus[] Live =
        [OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.ContinuedAsNew, OrchestrationStatus.Suspended];

    public async Task<(bool Exists, bool Running)> GetStateAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var state = await engine.Client.GetOrchestrationStateAsync(instanceId);
        return (state is not null, state is not null && Live.Contains(state.OrchestrationStatus));
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
