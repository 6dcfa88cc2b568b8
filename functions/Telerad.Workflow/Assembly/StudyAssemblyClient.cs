using Microsoft.DurableTask.Client;

namespace Telerad.Workflow;

/// <summary>
/// The three things ingestion asks of a durable engine. Azure Functions and the tests use
/// <see cref="DurableTaskClientGateway"/>; Telerad.Local's persistent DTFx engine has its own implementation.
/// </summary>
public interface IOrchestrationGateway
{
    /// <summary>True while the instance is pending or running; false if it never existed or has finished.</summary>
    Task<(bool Exists, bool Running)> GetStateAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Starts an instance; throws <see cref="OrchestrationAlreadyRunningException"/> if one is already running.</summary>
    Task StartAsync(string orchestratorName, string instanceId, object input, CancellationToken cancellationToken = default);

    Task RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken = default);
}

public sealed class OrchestrationAlreadyRunningException(string instanceId) : Exception($"Orchestration {instanceId} is already running.");

/// <summary>The gateway over the Durable Task SDK client (Functions' [DurableClient], the in-process test host).</summary>
public sealed class DurableTaskClientGateway(DurableTaskClient client) : IOrchestrationGateway
{
    public async Task<(bool Exists, bool Running)> GetStateAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);

        // Only a finished instance may be started again: one between generations (ContinuedAsNew) or suspended still
        // holds the study's state, and starting over it would replace that state.
        var finished = metadata is { RuntimeStatus: OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated };
        return (metadata is not null, metadata is not null && !finished);
    }

    public async Task StartAsync(string orchestratorName, string instanceId, object input, CancellationToken cancellationToken = default)
    {
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(orchestratorName, input, new StartOrchestrationOptions(instanceId), cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException || ex.GetType().Name == "RpcException")
        {
            throw new OrchestrationAlreadyRunningException(instanceId);
        }
    }

    public Task RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken = default) =>
        client.RaiseEventAsync(instanceId, eventName, payload, cancellationToken);
}

/// <summary>
/// What triggers do after IngestInstance accepted something: make sure the study's orchestration runs, then send it
/// the event. Starting is idempotent (an already running instance is left alone); a study whose run completed is
/// started again as a late run, so late instances are de-identified and flagged.
/// </summary>
/// <param name="deidentifyBatch">Instances per de-identify activity of the runs it starts (<see cref="StudyAssemblyInput.DeidentifyBatch"/>).</param>
public sealed class StudyAssemblyClient(IOrchestrationGateway engine, StudyAssemblyOptions options, int deidentifyBatch = StudyAssembly.DefaultDeidentifyBatch)
{
    public StudyAssemblyClient(DurableTaskClient client, StudyAssemblyOptions options, int deidentifyBatch = StudyAssembly.DefaultDeidentifyBatch)
        : this(new DurableTaskClientGateway(client), options, deidentifyBatch)
    {
    }

    /// <summary>
    /// One lock per stripe of studies, for the whole process: events of one study arrive together (a study's instances
    /// are uploaded together), and two of them must not both find the study not running and both start it. Across
    /// hosts the engine refuses the second start (<see cref="OrchestrationAlreadyRunningException"/>); within one
    /// process this keeps the engine from ever seeing the race, which the in-process test engine does not survive.
    /// </summary>
    private static readonly SemaphoreSlim[] StartLocks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task SignalAsync(string tenant, string studyKey, TimeSpan quietPeriod, StudyEvent studyEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(studyEvent);
        var instanceId = StudyAssembly.InstanceId(tenant, studyKey);
        var startLock = StartLocks[(int)((uint)StringComparer.Ordinal.GetHashCode(instanceId) % (uint)StartLocks.Length)];
        await startLock.WaitAsync(cancellationToken);
        try
        {
            if (!await EnsureRunningAsync(tenant, studyKey, instanceId, quietPeriod, studyEvent.Kind == StudyEvent.ManifestLanded, cancellationToken))
            {
                return;
            }
        }
        finally
        {
            startLock.Release();
        }

        await engine.RaiseEventAsync(instanceId, StudyAssembly.EventName, studyEvent, cancellationToken);
    }

    /// <summary>
    /// False when the event needs no run: a manifest for a study that has finished (a re-upload of a processed study, a
    /// manifest handled after its study completed). A manifest brings no instance; any instance still to come starts a
    /// late run with its own signal, so reopening the study would only triage and publish it again.
    /// </summary>
    private async Task<bool> EnsureRunningAsync(string tenant, string studyKey, string instanceId, TimeSpan quietPeriod, bool manifest, CancellationToken cancellationToken)
    {
        var (exists, running) = await engine.GetStateAsync(instanceId, cancellationToken);
        if (running)
        {
            return true;
        }

        if (exists && manifest)
        {
            return false;
        }

        var input = new StudyAssemblyInput(tenant, studyKey, (int)Math.Ceiling(quietPeriod.TotalSeconds), options, LateRun: exists, DeidentifyBatch: Math.Max(1, deidentifyBatch), DeidentifyWhileArriving: true);
        try
        {
            await engine.StartAsync(StudyAssembly.OrchestratorName, instanceId, input, cancellationToken);
        }
        catch (OrchestrationAlreadyRunningException)
        {
            // Another host started it between our check and our start: it is running now, which is all we need.
        }

        return true;
    }
}
