using System.Runtime.ExceptionServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telerad.Storage;

namespace Telerad.Workflow;

/// <summary>
/// The work behind StudyAssembly's activities, as a service: the Durable Task activity classes (Telerad.Local,
/// tests) and the Azure Functions activity triggers both call it, so the two hosts run the same code.
/// </summary>
public sealed class StudyAssemblyActivities(
    IInstanceRegistry registry,
    InstanceDeidentifier deidentifier,
    IObjectStore store,
    ITenantDirectory tenants,
    ILogger<StudyAssemblyActivities>? logger = null,
    IngestionOptions? ingestion = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<StudyAssemblyActivities>.Instance;

    /// <summary>
    /// DeidentifyInstanceV1: de-identifies the instance's current version into deid/ and records the result in the
    /// registry. Idempotent: a version already de-identified is not done again (a repeated signal, a late run
    /// started by a redelivery), and its late flag stays what it was.
    /// </summary>
    public async Task<DeidentifiedInstance> DeidentifyAsync(DeidentifyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (record, result, done) = await DeidentifyUnrecordedAsync(request, cancellationToken);
        if (!done && await registry.SaveResultAsync(record, result, request.Late, cancellationToken))
        {
            await DeleteOriginalAsync(record, cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// DeidentifyInstancesV1: de-identifies each instance of the batch as <see cref="DeidentifyAsync"/> does, up to
    /// <see cref="IngestionOptions.DeidentifyParallelism"/> at a time, then records their results together (one request
    /// for the results and one for their markers, where the registry can). Each instance waits mostly on the store
    /// (read the original, write the result), so running a few at once keeps the machine busy where one after another
    /// leaves it idle between round trips. A failure fails the batch once the other instances are finished and
    /// recorded; its retry finds those done and redoes only the rest.
    /// </summary>
    public async Task<DeidentifyBatchResult> DeidentifyBatchAsync(DeidentifyBatchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var results = new DeidentifiedInstance?[request.Instances.Count];
        var unrecorded = new (InstanceRecord Record, DeidentifiedInstance Result)?[results.Length];
        var failures = new Exception?[results.Length];
        var next = -1;
        async Task WorkAsync()
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < results.Length)
            {
                var instance = request.Instances[index];
                try
                {
                    var (record, result, done) = await DeidentifyUnrecordedAsync(new DeidentifyRequest(request.Tenant, request.StudyKey, instance.SopKey, instance.Version, request.Late), cancellationToken);
                    results[index] = result;
                    unrecorded[index] = done ? null : (record, result);
                }
                catch (Exception e)
                {
                    failures[index] = e; // the others go on: what they record, the retry need not redo
                }
            }
        }

        var workers = Math.Clamp((ingestion ?? new IngestionOptions()).DeidentifyParallelism, 1, Math.Max(1, results.Length));
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync, CancellationToken.None)));
        var toRecord = unrecorded.Where(u => u.HasValue).Select(u => u!.Value).ToList();
        if (toRecord.Count > 0)
        {
            var saved = await registry.SaveResultsAsync(toRecord, request.Late, cancellationToken);
            for (var i = 0; i < toRecord.Count; i++)
            {
                if (saved[i])
                {
                    await DeleteOriginalAsync(toRecord[i].Record, cancellationToken);
                }
            }
        }

        if (failures.FirstOrDefault(f => f is not null) is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        var deidentified = results.Count(r => r!.Outcome == DeidentifiedInstance.Deidentified);
        return new DeidentifyBatchResult(deidentified, results.Length - deidentified);
    }

    /// <summary>
    /// The instance's current version de-identified into deid/, not yet recorded; or, when a result is recorded already,
    /// that one (<c>Done</c>). The registry's version, not the request's: a newer version may have replaced the one this
    /// event announced; de-identifying the newest is what the study needs, and its own event will then find it done.
    /// </summary>
    private async Task<(InstanceRecord Record, DeidentifiedInstance Result, bool Done)> DeidentifyUnrecordedAsync(DeidentifyRequest request, CancellationToken cancellationToken)
    {
        var record = await registry.FindInstanceAsync(request.Tenant, request.StudyKey, request.SopKey, cancellationToken)
            ?? throw new InvalidOperationException($"Instance {request.SopKey} of study {request.StudyKey} is not registered.");
        if (record.IsDone)
        {
            WorkflowLog.AlreadyDeidentified(_logger, request.SopKey, request.StudyKey, request.Tenant, record.Version);
            return (record, record.Result!, true);
        }

        var result = await deidentifier.DeidentifyAsync(request.Tenant, new ObjectRef(Containers.Incoming, record.ObjectName), cancellationToken);
        if (result.Outcome != DeidentifiedInstance.Deidentified)
        {
            // Quarantined by de-identification: keep the pseudonymous keys of the accepted instance.
            result = result with { StudyKey = request.StudyKey, SopKey = request.SopKey };
        }

        return (record, result, false);
    }

    /// <summary>Only after the result is recorded: a retry then finds the version done and never needs the original.</summary>
    private async Task DeleteOriginalAsync(InstanceRecord record, CancellationToken cancellationToken)
    {
        if (ingestion?.DeleteIncomingAfterProcessing == true)
        {
            await store.DeleteAsync(new ObjectRef(Containers.Incoming, record.ObjectName), cancellationToken);
        }
    }

    /// <summary>
    /// FindUnprocessedInstancesV1: the study's registered instances whose current version is not de-identified (sop key →
    /// version). The registry is written before a study is signalled, so an instance whose signal reached the
    /// orchestration while it was completing (and was dropped with the completed run) shows up here.
    /// </summary>
    public async Task<Dictionary<string, int>> FindUnprocessedAsync(FindUnprocessedRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var instances = await registry.ListInstancesAsync(request.Tenant, request.StudyKey, cancellationToken);
        return instances.Where(i => !i.IsDone).ToDictionary(i => i.SopKey, i => i.Version, StringComparer.Ordinal);
    }

    /// <summary>PublishStudySummaryV1: builds the summary from the registry and writes deid/{tenant}/{study}/summary.json, the hand-off to triage and reading.</summary>
    public async Task<StudySummary> PublishSummaryAsync(PublishSummaryRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var records = await registry.ListInstancesAsync(request.Tenant, request.StudyKey, cancellationToken);
        var finished = records.Where(r => r.IsDone).ToList();
        var summary = StudySummary.From(request.Tenant, request.StudyKey, finished.Select(r => r.Result!), tenants.Find(request.Tenant), finished.Count(r => r.Late));
        var triage = request.TriageFailure is { } failure
            ? (TriageStudy.Failed(failure), null)
            : await TriageStudy.ReadAsync(store, request.Tenant, request.StudyKey, cancellationToken);
        if (triage is { } t)
        {
            summary = summary with { Triage = t.Summary, PriorityUpgrade = t.Upgrade };
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(summary, WorkflowJsonContext.Default.StudySummary);
        using var content = new MemoryStream(json);
        await store.WriteAsync(new ObjectRef(Containers.Deidentified, $"{request.Tenant}/{request.StudyKey}/summary.json"), content, new ObjectWriteOptions { ContentType = "application/json" }, cancellationToken);
        WorkflowLog.SummaryPublished(_logger, request.StudyKey, request.Tenant, summary.Instances, summary.Series.Count, summary.LateInstances, summary.Quarantined);
        return summary;
    }
}

[DurableTask(StudyAssembly.DeidentifyActivityName)]
public sealed class DeidentifyInstanceActivity(StudyAssemblyActivities activities) : TaskActivity<DeidentifyRequest, DeidentifiedInstance>
{
    public override Task<DeidentifiedInstance> RunAsync(TaskActivityContext context, DeidentifyRequest input) => activities.DeidentifyAsync(input);
}

[DurableTask(StudyAssembly.DeidentifyBatchActivityName)]
public sealed class DeidentifyInstancesActivity(StudyAssemblyActivities activities) : TaskActivity<DeidentifyBatchRequest, DeidentifyBatchResult>
{
    public override Task<DeidentifyBatchResult> RunAsync(TaskActivityContext context, DeidentifyBatchRequest input) => activities.DeidentifyBatchAsync(input);
}

[DurableTask(StudyAssembly.FindUnprocessedActivityName)]
public sealed class FindUnprocessedInstancesActivity(StudyAssemblyActivities activities) : TaskActivity<FindUnprocessedRequest, Dictionary<string, int>>
{
    public override Task<Dictionary<string, int>> RunAsync(TaskActivityContext context, FindUnprocessedRequest input) => activities.FindUnprocessedAsync(input);
}

[DurableTask(StudyAssembly.PublishSummaryActivityName)]
public sealed class PublishStudySummaryActivity(StudyAssemblyActivities activities) : TaskActivity<PublishSummaryRequest, StudySummary>
{
    public override Task<StudySummary> RunAsync(TaskActivityContext context, PublishSummaryRequest input) => activities.PublishSummaryAsync(input);
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(StudySummary))]
internal sealed partial class WorkflowJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
