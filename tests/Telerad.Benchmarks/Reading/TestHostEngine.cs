using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Telerad.Workflow;

namespace Telerad.Benchmarks.Reading;

/// <summary>The Durable Task in-process test host, as the workflow tests start it (worker and client over its gRPC sidecar).</summary>
internal sealed class TestHostEngine(DurableTaskTestHost host) : IBenchEngine
{
    public static async Task<TestHostEngine> StartAsync(ReadingActivities activities) =>
        new(await DurableTaskTestHost.StartAsync(r => r.AddTeleradWorkflows(), new DurableTaskTestHostOptions
        {
            LoggerFactory = NullLoggerFactory.Instance,
            ConfigureServices = services => services.AddSingleton(activities),
        }));

    public Task StartAsync(string instanceId, ReadStudyInput input, CancellationToken cancellationToken) =>
        host.Client.ScheduleNewOrchestrationInstanceAsync(ReadStudy.OrchestratorName, input, new StartOrchestrationOptions(instanceId), cancellationToken);

    /// <summary>The sidecar's dispatchers take the in-memory service's MaxConcurrent* work items: Environment.ProcessorCount.</summary>
    public string Describe() => $"sidecar dispatch slots {Environment.ProcessorCount} orchestrations + {Environment.ProcessorCount} activities";

    public ValueTask DisposeAsync() => host.DisposeAsync();
}
