namespace Telerad.Ingestion;

/// <summary>
/// What AI triage concluded about a study, as the StudySummary carries it (the full result is triage.json next to
/// the study). Model ids, scores and pseudonymous keys only. A study that was not analysed says why and goes on as routine.
/// </summary>
public sealed record StudyTriageSummary
{
    public const string Analysed = "analysed";
    public const string NotAnalysed = "not-analysed";

    public required string Status { get; init; }

    public string? Reason { get; init; }

    public bool Critical { get; init; }

    public IReadOnlyList<TriageFlag> Flagged { get; init; } = [];

    /// <summary>Where the full result is: deid/{tenant}/{study}/triage.json (null when triage itself failed).</summary>
    public string? ResultObject { get; init; }
}

/// <summary>One flagged finding: which model said it, how strongly, and against which threshold.</summary>
public sealed record TriageFlag(string ModelId, string ModelVersion, string FindingId, string Label, double Score, double Threshold, bool Critical);

/// <summary>
/// Why the study should be read sooner than ordered: the reading workflow upgrades its priority to <see cref="To"/>
/// and records <see cref="Reason"/> in the audit trail.
/// </summary>
public sealed record PriorityUpgrade(string To, string Reason)
{
    public const string Stat = "STAT";
}
