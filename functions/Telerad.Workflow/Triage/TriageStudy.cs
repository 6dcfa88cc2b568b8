using Telerad.Storage;

namespace Telerad.Workflow;

/// <summary>
/// The triage step after study assembly: TriageStudyV1 runs the installed models on the de-identified study, stores
/// the result as deid/{tenant}/{study}/triage.json and returns its summary. The study's summary then carries it,
/// and a critical flag becomes a priority upgrade for the reading workflow.
/// </summary>
public static class TriageStudy
{
    public const string ActivityName = "TriageStudyV1";
    public const string ResultFileName = "triage.json";

    public static ObjectRef ResultObject(string tenant, string studyKey) => new(Containers.Deidentified, $"{tenant}/{studyKey}/{ResultFileName}");

    /// <summary>The summary of a stored result: flagged findings, whether any is critical, and the upgrade that follows.</summary>
    public static (StudyTriageSummary Summary, PriorityUpgrade? Upgrade) Summarise(Telerad.Triage.TriageResult result, ObjectRef stored)
    {
        ArgumentNullException.ThrowIfNull(result);
        var flagged = result.Analyses
            .SelectMany(a => a.Findings.Where(f => f.Flagged).Select(f => new TriageFlag(a.ModelId, a.ModelVersion, f.Id, f.Label, f.Score, f.Threshold, f.Critical)))
            .ToList();
        var summary = new StudyTriageSummary
        {
            Status = result.Status == Telerad.Triage.TriageResult.AnalysedStatus ? StudyTriageSummary.Analysed : StudyTriageSummary.NotAnalysed,
            Reason = result.Reason,
            Critical = result.Critical,
            Flagged = flagged,
            ResultObject = stored.ToString(),
        };
        var critical = flagged.Where(f => f.Critical).OrderByDescending(f => f.Score).FirstOrDefault();
        var upgrade = critical is null
            ? null
            : new PriorityUpgrade(PriorityUpgrade.Stat, FormattableString.Invariant(
                $"AI critical finding {critical.FindingId} ({critical.Label}) flagged by model {critical.ModelId} {critical.ModelVersion}: score {critical.Score:0.000} >= threshold {critical.Threshold:0.000}"));
        return (summary, upgrade);
    }

    /// <summary>The stored result's summary, if the study has been triaged.</summary>
    public static async Task<(StudyTriageSummary Summary, PriorityUpgrade? Upgrade)?> ReadAsync(IObjectStore store, string tenant, string studyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var stored = ResultObject(tenant, studyKey);
        return await store.ReadAllBytesIfExistsAsync(stored, cancellationToken) is { } json ? Summarise(Telerad.Triage.TriageResultJson.Parse(json), stored) : null;
    }

    /// <summary>What the summary says when the triage activity failed even after its retries: not analysed, and why.</summary>
    public static StudyTriageSummary Failed(string reason) => new() { Status = StudyTriageSummary.NotAnalysed, Reason = "Triage failed: " + reason };
}

public sealed record TriageStudyRequest(string Tenant, string StudyKey);
