namespace Telerad.Ingestion;

/// <summary>One series of a de-identified study.</summary>
public sealed record SeriesSummary(string SeriesKey, string? Modality, int Instances, long Bytes);

/// <summary>
/// The hand-off from ingestion to triage and reading: pseudonymous ids only (no PHI, no pixel data).
/// <see cref="LateInstances"/> counts instances that arrived after the study was first reported.
/// </summary>
public sealed record StudySummary
{
    public required string Tenant { get; init; }

    public required string StudyKey { get; init; }

    public required IReadOnlyList<string> Modalities { get; init; }

    public string? BodyPartExamined { get; init; }

    public required IReadOnlyList<SeriesSummary> Series { get; init; }

    /// <summary>Requested Procedure Priority as ordered (STAT, HIGH, ROUTINE, MEDIUM, LOW), if the images carry it.</summary>
    public string? OrderPriority { get; init; }

    public string? FacilityId { get; init; }

    public string? PatientJurisdiction { get; init; }

    public string? ReferrerId { get; init; }

    public int Instances => Series.Sum(s => s.Instances);

    public int Quarantined { get; init; }

    public int LateInstances { get; init; }

    /// <summary>AI triage's conclusion; null until the study has been triaged (it is, when assembly completes).</summary>
    public StudyTriageSummary? Triage { get; init; }

    /// <summary>Set when triage flagged a critical finding: the reading workflow reads the study as <see cref="PriorityUpgrade.To"/>.</summary>
    public PriorityUpgrade? PriorityUpgrade { get; init; }

    /// <summary>Builds the summary from the de-identified instances of one study.</summary>
    public static StudySummary From(string tenant, string studyKey, IEnumerable<DeidentifiedInstance> instances, TenantSettings? settings = null, int lateInstances = 0)
    {
        ArgumentNullException.ThrowIfNull(instances);
        var all = instances.ToList();
        var done = all.Where(i => i.Outcome == DeidentifiedInstance.Deidentified).ToList();
        var series = done
            .GroupBy(i => i.SeriesKey, StringComparer.Ordinal)
            .Select(g => new SeriesSummary(g.Key, g.Select(i => i.Modality).FirstOrDefault(m => m is not null), g.Count(), g.Sum(i => i.Bytes)))
            .OrderBy(s => s.SeriesKey, StringComparer.Ordinal)
            .ToList();
        return new StudySummary
        {
            Tenant = tenant,
            StudyKey = studyKey,
            Modalities = [.. done.Select(i => i.Modality).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            BodyPartExamined = done.Select(i => i.BodyPartExamined).FirstOrDefault(b => !string.IsNullOrEmpty(b)),
            Series = series,
            OrderPriority = done.Select(i => i.RequestedPriority).FirstOrDefault(p => !string.IsNullOrEmpty(p)),
            FacilityId = settings?.FacilityId,
            PatientJurisdiction = settings?.Jurisdiction,
            ReferrerId = ReferrerOf(done) ?? settings?.DefaultReferrerId,
            Quarantined = all.Count - done.Count,
            LateInstances = lateInstances,
        };
    }

    /// <summary>The referrer most of the study's instances name (their orders should agree; if not, the majority, then the first id in order).</summary>
    private static string? ReferrerOf(List<DeidentifiedInstance> done) =>
        done.Select(i => i.ReferrerId).OfType<string>()
            .GroupBy(id => id, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key)
            .FirstOrDefault();
}
