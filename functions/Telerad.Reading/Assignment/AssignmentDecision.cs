namespace Telerad.Reading.Assignment;

/// <summary>What the engine decided.</summary>
public enum AssignmentOutcome
{
    /// <summary>A reader was chosen: <see cref="AssignmentDecision.ChosenRadiologistId"/>.</summary>
    Assigned,

    /// <summary>Nobody is eligible: the orchestration raises an operations alert.</summary>
    NoEligibleReader,

    /// <summary>The study names a tenant or facility the configuration does not know (<see cref="AssignmentDecision.StudyProblems"/>).</summary>
    InvalidStudy,
}

/// <summary>A stable machine code (<see cref="AssignmentReasonCodes"/>) and a human sentence without PHI.</summary>
public sealed record AssignmentReason(string Code, string Message)
{
    public override string ToString() => $"{Code}: {Message}";
}

/// <summary>How one radiologist fared: eligible with a rank, or excluded with every reason that applies.</summary>
public sealed record CandidateAssessment
{
    public required string RadiologistId { get; init; }

    public required RadiologistLoad Load { get; init; }

    /// <summary>Empty when eligible; otherwise every rule the radiologist failed, not just the first.</summary>
    public required IReadOnlyList<AssignmentReason> Exclusions { get; init; }

    /// <summary>1 for the chosen reader, 2 for the next; null when excluded.</summary>
    public int? Rank { get; init; }

    /// <summary>Eligible only through the tenant's general-radiologist fallback.</summary>
    public bool GeneralFallback { get; init; }

    public bool Eligible => Exclusions.Count == 0;
}

/// <summary>
/// The engine's answer with its explanation for the audit trail: every radiologist considered (ranked eligible ones
/// first, then the excluded ones in id order), why each was excluded, and why the chosen one ranked first.
/// </summary>
public sealed record AssignmentDecision
{
    public required string StudyId { get; init; }

    public required DateTimeOffset Instant { get; init; }

    public required AssignmentOutcome Outcome { get; init; }

    public string? ChosenRadiologistId { get; init; }

    public required ReadingPriority Priority { get; init; }

    /// <summary>The jurisdiction licences were checked against (the study's, else the facility's); null for an invalid study.</summary>
    public string? PatientJurisdiction { get; init; }

    public required decimal RvuEstimate { get; init; }

    /// <summary>The subspecialties that fit the study; empty = a general study.</summary>
    public required IReadOnlyList<string> Subspecialties { get; init; }

    /// <summary>No subspecialist was eligible and the tenant let general radiologists read it.</summary>
    public bool GeneralFallbackUsed { get; init; }

    /// <summary>The ranking rule applied, e.g. "STAT: fewest open studies, then fewest open RVUs, then radiologist id".</summary>
    public required string RankingRule { get; init; }

    /// <summary>Why the chosen reader ranked first (compared with the runner-up), or why nobody was chosen.</summary>
    public required string Explanation { get; init; }

    public required IReadOnlyList<CandidateAssessment> Candidates { get; init; }

    /// <summary>Problems with the study itself (unknown tenant or facility).</summary>
    public IReadOnlyList<AssignmentReason> StudyProblems { get; init; } = [];

    public CandidateAssessment? Candidate(string radiologistId) =>
        Candidates.FirstOrDefault(c => string.Equals(c.RadiologistId, radiologistId, StringComparison.Ordinal));
}
