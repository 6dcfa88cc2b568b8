using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telerad.Storage;
using Telerad.Triage;

namespace Telerad.Workflow;

/// <summary>
/// TriageStudyV1's work, as a service both hosts call: reads the study's de-identified instances from deid/, runs the
/// triage engine (which never throws for a study it cannot analyse; it says "not analysed" and why), and stores the
/// result next to the study. Running it again overwrites the result with one over the whole study (late instances).
/// </summary>
public sealed class StudyTriageActivities(TriageEngine engine, IObjectStore store, ILogger<StudyTriageActivities>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<StudyTriageActivities>.Instance;

    public async Task<StudyTriageSummary> TriageAsync(TriageStudyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sources = new List<TriageSource>();
        await foreach (var item in store.ListAsync(Containers.Deidentified, $"{request.Tenant}/{request.StudyKey}/", cancellationToken))
        {
            var reference = item.Reference;
            if (reference.Name.EndsWith(".dcm", StringComparison.Ordinal))
            {
                // Names in deid/ are pseudonymous SOP keys: safe in reasons and logs.
                sources.Add(new TriageSource(reference.Name[(reference.Name.LastIndexOf('/') + 1)..], ct => store.OpenReadAsync(reference, ct), ct => store.OpenHeaderReadAsync(reference, ct)));
            }
        }

        var result = await engine.AnalyseAsync(sources, modelId: null, cancellationToken);
        var stored = TriageStudy.ResultObject(request.Tenant, request.StudyKey);
        using (var content = new MemoryStream(TriageResultJson.Serialize(result)))
        {
            await store.WriteAsync(stored, content, new ObjectWriteOptions { ContentType = "application/json" }, cancellationToken);
        }

        var (summary, upgrade) = TriageStudy.Summarise(result, stored);
        WorkflowLog.StudyTriaged(_logger, request.StudyKey, request.Tenant, summary.Status, summary.Flagged.Count, summary.Critical, sources.Count, upgrade is not null);
        return summary;
    }
}

[DurableTask(TriageStudy.ActivityName)]
public sealed class TriageStudyActivity(StudyTriageActivities activities) : TaskActivity<TriageStudyRequest, StudyTriageSummary>
{
    public override Task<StudyTriageSummary> RunAsync(TaskActivityContext context, TriageStudyRequest input) => activities.TriageAsync(input);
}
