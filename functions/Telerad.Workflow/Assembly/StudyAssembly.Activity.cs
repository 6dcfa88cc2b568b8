using System.Text.Json;
using Telerad.Storage;

namespace Telerad.Workflow;

/// <summary>DeidentifyInstanceV1: finds the accepted instance version and de-identifies it into deid/.</summary>
[DurableTask(StudyAssembly.DeidentifyActivityName)]
public sealed class DeidentifyInstanceActivity(IInstanceRegistry registry, InstanceDeidentifier deidentifier) : TaskActivity<DeidentifyRequest, DeidentifiedInstance>
{
    public override async Task<DeidentifiedInstance> RunAsync(TaskActivityContext context, DeidentifyRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var record = await registry.FindInstanceAsync(input.Tenant, input.StudyKey, input.SopKey)
            ?? throw new InvalidOperationException($"Instance {input.SopKey} of study {input.StudyKey} is not registered.");
        return await deidentifier.DeidentifyAsync(input.Tenant, new ObjectRef(Containers.Incoming, record.ObjectName));
    }
}

/// <summary>PublishStudySummaryV1: writes deid/{tenant}/{study}/summary.json, the hand-off to triage and reading.</summary>
[DurableTask(StudyAssembly.PublishSummaryActivityName)]
public sealed class PublishStudySummaryActivity(IObjectStore store, ITenantDirectory tenants) : TaskActivity<PublishSummaryRequest, StudySummary>
{
    public override async Task<StudySummary> RunAsync(TaskActivityContext context, PublishSummaryRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var summary = StudySummary.From(input.Tenant, input.StudyKey, input.Instances, tenants.Find(input.Tenant), input.LateInstances);
        var json = JsonSerializer.SerializeToUtf8Bytes(summary, WorkflowJsonContext.Default.StudySummary);
        using var content = new MemoryStream(json);
        await store.WriteAsync(new ObjectRef(Containers.Deidentified, $"{input.Tenant}/{input.StudyKey}/summary.json"), content, new ObjectWriteOptions { ContentType = "application/json" });
        return summary;
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(StudySummary))]
internal sealed partial class WorkflowJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
