using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Logging.Abstractions;
using Telerad.Local;
using Telerad.Workflow;

namespace Telerad.Benchmarks.Reading;

/// <summary>
/// The product's local engine shape (DTFx <see cref="TaskHubWorker"/>, the SDK's shims, the same orchestrator and
/// activity classes; see Telerad.Local's DurableEngine) over the in-process test host's public
/// <see cref="InMemoryOrchestrationService"/> instead of Azure Storage: an in-memory engine without the gRPC sidecar and
/// its timer-polled dispatch. Not a product engine: a second in-memory measurement (no DurableTask.Emulator is served).
/// </summary>
internal sealed class DtfxMemoryEngine : IBenchEngine
{
    private readonly InMemoryOrchestrationService _service;
    private readonly TaskHubWorker _worker;
    private readonly TaskHubClient _client;

    private DtfxMemoryEngine(InMemoryOrchestrationService service, TaskHubWorker worker, TaskHubClient client)
    {
        _service = service;
        _worker = worker;
        _client = client;
    }

    public static async Task<DtfxMemoryEngine> StartAsync(ReadingActivities activities)
    {
        var loggers = NullLoggerFactory.Instance;
        var service = new InMemoryOrchestrationService(loggers);
        var options = new DurableTaskWorkerOptions();
        var shims = new DurableTaskShimFactory(options, loggers);
        var worker = new TaskHubWorker(service, loggers);
        worker.AddTaskOrchestrations(Orchestration(shims, ReadStudy.OrchestratorName, () => new ReadStudyOrchestrator()));
        worker.AddTaskActivities(
            Activity(shims, ReadStudy.AssignActivityName, () => new AssignReaderActivity(activities)),
            Activity(shims, ReadStudy.NotifyActivityName, () => new NotifyActivity(activities)),
            Activity(shims, ReadStudy.AuditActivityName, () => new AuditReadingActivity(activities)),
            Activity(shims, ReadStudy.ProjectActivityName, () => new ProjectReadingActivity(activities)));
        await worker.StartAsync();
        return new DtfxMemoryEngine(service, worker, new TaskHubClient(service, new SdkJsonDataConverter(options.DataConverter), loggers));
    }

    public Task StartAsync(string instanceId, ReadStudyInput input, CancellationToken cancellationToken) =>
        _client.CreateOrchestrationInstanceAsync(ReadStudy.OrchestratorName, string.Empty, instanceId, input);

    public string Describe() =>
        $"DTFx dispatch slots {_service.MaxConcurrentTaskOrchestrationWorkItems} orchestrations + {_service.MaxConcurrentTaskActivityWorkItems} activities";

    public async ValueTask DisposeAsync()
    {
        await _worker.StopAsync(isForced: true);
        _worker.Dispose();
    }

    private static FactoryObjectCreator<TaskOrchestration> Orchestration(DurableTaskShimFactory shims, string name, Func<ITaskOrchestrator> create) =>
        new(name, () => shims.CreateOrchestration(new TaskName(name), create()));

    private static FactoryObjectCreator<TaskActivity> Activity(DurableTaskShimFactory shims, string name, Func<ITaskActivity> create) =>
        new(name, () => shims.CreateActivity(new TaskName(name), create()));
}
