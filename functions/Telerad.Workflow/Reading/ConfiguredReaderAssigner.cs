using Telerad.Reading.Assignment;
using EngineDecision = Telerad.Reading.Assignment.AssignmentDecision;
using Priority = Telerad.Reading.ReadingPriority;
using PriorityNames = Telerad.Reading.ReadingPriorities;

namespace Telerad.Workflow;

/// <summary>
/// <see cref="IReaderAssigner"/> over the assignment engine: the study's facts from the worklist projection (written
/// when reading started), readers' loads from the projection's open studies, the validated reading configuration,
/// the time from <see cref="TimeProvider"/>. An operations choice (<see cref="AssignReaderRequest.Requested"/>) wins
/// over the ranking, but the engine's view of that radiologist is still recorded with it.
/// </summary>
public sealed class ConfiguredReaderAssigner(ReadingConfigurationProvider configuration, IReadingWorklist worklist, TimeProvider clock) : IReaderAssigner
{
    public async Task<AssignmentDecision> AssignAsync(AssignReaderRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var config = await configuration.GetAsync(cancellationToken);
        var row = await worklist.GetAsync(request.Tenant, request.StudyKey, cancellationToken)
            ?? throw new InvalidOperationException($"Study {request.StudyKey} (tenant {request.Tenant}) has no worklist row: reading was not started through StartReading.");
        var open = await worklist.ListOpenAsync(cancellationToken: cancellationToken);
        var loads = open
            .Where(e => e.RadiologistId is not null && WorklistStatus.HoldsReader(e.Status) && !(e.Tenant == request.Tenant && e.StudyKey == request.StudyKey))
            .GroupBy(e => e.RadiologistId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new RadiologistLoad(g.Count(), g.Sum(e => e.Rvu)), StringComparer.Ordinal);

        var study = new StudyForAssignment
        {
            StudyId = request.StudyKey,
            TenantId = request.Tenant,
            FacilityId = row.FacilityId ?? string.Empty,
            PatientJurisdiction = row.PatientJurisdiction,
            Modality = row.Modality ?? string.Empty,
            BodyPart = row.BodyPart ?? string.Empty,
            Priority = PriorityNames.TryParse(request.Priority, out var priority) ? priority : Priority.Routine,
            RvuEstimate = row.Rvu > 0 ? row.Rvu : null,
            ReferrerId = row.ReferrerId,
            ExcludedRadiologistIds = request.Excluded as IReadOnlyCollection<string> ?? [.. request.Excluded],
        };
        var decision = AssignmentEngine.Assign(study, config, loads, clock.GetUtcNow());

        if (request.Requested is { } requested)
        {
            return OperationsChoice(requested, decision, config.FindRadiologist(requested) is not null);
        }

        return new AssignmentDecision(decision.ChosenRadiologistId, Summarise(decision)) { Details = decision };
    }

    private static AssignmentDecision OperationsChoice(string requested, EngineDecision decision, bool known)
    {
        if (!known)
        {
            return new AssignmentDecision(null, $"operations chose '{requested}', who is not a configured radiologist") { Details = decision };
        }

        var assessment = decision.Candidate(requested);
        var view = assessment is null ? "not assessed"
            : assessment.Eligible ? $"eligible (rank {assessment.Rank})"
            : "excluded by the rules: " + string.Join("; ", assessment.Exclusions.Select(e => e.Code));
        return new AssignmentDecision(requested, $"operations chose {requested}; the engine's view: {view}") { Details = decision };
    }

    /// <summary>One line for the orchestration and the operations alert; the full explanation is stored with the decision.</summary>
    private static string Summarise(EngineDecision decision)
    {
        var excluded = decision.Candidates.Count(c => !c.Eligible);
        return decision.Outcome switch
        {
            AssignmentOutcome.Assigned => $"{decision.ChosenRadiologistId}: {decision.Explanation}",
            AssignmentOutcome.InvalidStudy => "invalid study: " + string.Join("; ", decision.StudyProblems.Select(p => p.Code)),
            _ => $"nobody eligible ({excluded} excluded): " + string.Join("; ", decision.Candidates
                .Where(c => !c.Eligible)
                .Select(c => $"{c.RadiologistId} [{string.Join(",", c.Exclusions.Select(e => e.Code))}]")),
        };
    }
}
