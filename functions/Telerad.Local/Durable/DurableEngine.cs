using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Telerad.Local;

/// <summary>
/// The persistent durable engine: a Durable Task Framework <see cref="TaskHubWorker"/> over the Azure Storage backend
/// (on Azurite), running the same orchestrator and activity classes as Azure Functions through the Durable Task SDK's
/// shims. Everything an orchestration has done is in the task hub's tables and queues, so a process killed mid-study
/// picks up where it was when it starts again: the partition lease is this machine's (stable worker id) and messages a
/// dead worker had taken become visible again after <see cref="LocalOptions.MessageVisibilityTimeout"/>.
/// </summary>
public sealed partial class DurableEngine(LocalStorage storage, LocalOptions options, IServiceProvider services, ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<DurableEngine>();
    private readonly DurableTaskWorkerOptions _workerOptions = new();
    private AzureStorageOrchestrationService? _service;
    private TaskHubWorker? _worker;
    private TaskHubClient? _client;

    public bool IsStarted => _client is not null;

    /// <summary>The task hub's client (start, raise events, read status); serializes with the SDK's converter.</summary>
    public TaskHubClient Client => _client ?? throw new InvalidOperationException("The durable engine has not started.");

    /// <summary>The backend, for status queries the client does not offer (instances by id prefix).</summary>
    public AzureStorageOrchestrationService Service => _service ?? throw new InvalidOperationException("The durable engine has not started.");

    /// <summary>What the SDK's shims serialize with; inputs and events must be written with it.</summary>
    public DataConverter DataConverter => _workerOptions.DataConverter;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = options.TaskHub,
            StorageAccountClientProvider = new StorageAccountClientProvider(
                StorageServiceClientProvider.ForBlob(storage.ConnectionString, storage.BlobOptions()),
                StorageServiceClientProvider.ForQueue(storage.ConnectionString, storage.QueueOptions()),
                StorageServiceClientProvider.ForTable(storage.ConnectionString, storage.TableOptions())),
            // One machine: one partition (fewer queues to poll), no app lease (a killed process would hold it for its
            // lease time), and a worker id that stays the same across restarts so the partition lease is ours at once.
            PartitionCount = 1,
            UseAppLease = false,
            WorkerId = "telerad-local-" + Environment.MachineName,
            MaxQueuePollingInterval = options.QueuePollingInterval,
            ExtendedSessionsEnabled = options.ExtendedSessions,
            ExtendedSessionIdleTimeout = TimeSpan.FromSeconds(30),
            ControlQueueVisibilityTimeout = options.MessageVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = options.MessageVisibilityTimeout,
            MaxConcurrentTaskActivityWorkItems = options.ActivityConcurrency,
            MaxConcurrentTaskOrchestrationWorkItems = 16,
            ThrowExceptionOnInvalidDedupeStatus = true, // "already running" is an answer the gateway passes on
            LoggerFactory = loggerFactory,
        };
        _service = new AzureStorageOrchestrationService(settings);
        await _service.CreateIfNotExistsAsync();

        var shims = new DurableTaskShimFactory(_workerOptions, loggerFactory);
        _worker = new TaskHubWorker(_service, loggerFactory);
        _worker.AddTaskOrchestrations(
            Orchestration(shims, StudyAssembly.OrchestratorName, () => new StudyAssemblyOrchestrator()),
            Orchestration(shims, ReadStudy.OrchestratorName, () => new ReadStudyOrchestrator()),
            Orchestration(shims, DeliverReport.OrchestratorName, () => new DeliverReportOrchestrator()),
            Orchestration(shims, CriticalResult.OrchestratorName, () => new CriticalResultOrchestrator()));
        _worker.AddTaskActivities(
            Activity(shims, StudyAssembly.DeidentifyActivityName, services.GetRequiredService<DeidentifyInstanceActivity>),
            Activity(shims, StudyAssembly.DeidentifyBatchActivityName, services.GetRequiredService<DeidentifyInstancesActivity>),
            Activity(shims, StudyAssembly.PublishSummaryActivityName, services.GetRequiredService<PublishStudySummaryActivity>),
            Activity(shims, StudyAssembly.FindUnprocessedActivityName, services.GetRequiredService<FindUnprocessedInstancesActivity>),
            Activity(shims, TriageStudy.ActivityName, services.GetRequiredService<TriageStudyActivity>),
            Activity(shims, StartReading.ActivityName, Create<StartReadingActivity>),
            Activity(shims, ReadStudy.AssignActivityName, Create<AssignReaderActivity>),
            Activity(shims, ReadStudy.NotifyActivityName, Create<NotifyActivity>),
            Activity(shims, ReadStudy.AuditActivityName, Create<AuditReadingActivity>),
            Activity(shims, ReadStudy.ProjectActivityName, Create<ProjectReadingActivity>),
            Activity(shims, ReadStudy.HandOffReportActivityName, Create<HandOffReportActivity>),
            Activity(shims, DeliverReport.DeliverActivityName, Create<DeliverReportActivity>),
            Activity(shims, DeliverReport.RecordActivityName, Create<RecordDeliveryActivity>),
            Activity(shims, CriticalResult.StartActivityName, Create<StartCriticalResultActivity>),
            Activity(shims, CriticalResult.AiHeadsUpActivityName, Create<AiCriticalHeadsUpActivity>),
            Activity(shims, CriticalResult.AlertActivityName, Create<AlertCriticalResultActivity>),
            Activity(shims, CriticalResult.EmergencyActivityName, Create<EmergencyCriticalResultActivity>),
            Activity(shims, CriticalResult.CompleteActivityName, Create<CompleteCriticalResultActivity>),
            Activity(shims, CriticalResult.CommunicationActivityName, Create<DeliverCriticalResultCommunicationActivity>));
        await _worker.StartAsync();
        _client = new TaskHubClient(_service, new SdkJsonDataConverter(_workerOptions.DataConverter), loggerFactory);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_worker is { } worker)
        {
            _worker = null;
            // Forced: an unforced stop waits up to 8 s per dispatcher for long polls to return. Work in hand is not lost:
            // its messages become visible again and run after the next start, exactly as after a crash.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await worker.StopAsync(isForced: true).WaitAsync(TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(false);
            LogStopped(clock.Elapsed.TotalSeconds);
            worker.Dispose();
        }
    }

    public void Dispose()
    {
        _worker?.Dispose();
        _worker = null;
        _service?.Dispose();
    }

    [LoggerMessage(EventId = 8010, Level = LogLevel.Information, Message = "Durable engine stopped in {Seconds:0.0} s")]
    private partial void LogStopped(double seconds);

    /// <summary>An activity class with its services from the container (the SDK's classes take them in their constructors).</summary>
    private T Create<T>() where T : ITaskActivity => ActivatorUtilities.CreateInstance<T>(services);

    private static FactoryObjectCreator<TaskOrchestration> Orchestration(DurableTaskShimFactory shims, string name, Func<ITaskOrchestrator> create) =>
        new(name, () => shims.CreateOrchestration(new TaskName(name), create()));

    private static FactoryObjectCreator<TaskActivity> Activity(DurableTaskShimFactory shims, string name, Func<ITaskActivity> create) =>
        new(name, () => shims.CreateActivity(new TaskName(name), create()));
}
