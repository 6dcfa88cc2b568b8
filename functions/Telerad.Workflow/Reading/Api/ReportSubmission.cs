namespace Telerad.Workflow;

/// <summary>
/// A report as the radiologist submits it. The text is written on the de-identified study; it goes to the referrer
/// (re-identified only at delivery) and never into logs, orchestration inputs or notifications.
/// </summary>
public sealed record ReportSubmission
{
    public const int MaxTextLength = 64 * 1024;
    public const int MaxDescriptionLength = 2 * 1024;

    /// <summary>preliminary (STAT only), final, or addendum (after the final).</summary>
    public string? Kind { get; init; }

    public string? Findings { get; init; }

    public string? Impression { get; init; }

    /// <summary>The radiologist flags a critical result (closed-loop communication with the referrer follows).</summary>
    public bool Critical { get; init; }

    /// <summary>red (life-threatening, minutes) or orange (hours); required when critical.</summary>
    public string? Severity { get; init; }

    public string? CriticalDescription { get; init; }

    /// <summary>Every problem, for a 400 answer; empty when the submission is acceptable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Kind is not (ReadingEvent.Preliminary or ReadingEvent.Final or ReadingEvent.Addendum))
        {
            problems.Add("kind must be preliminary, final or addendum");
        }

        if (string.IsNullOrWhiteSpace(Impression))
        {
            problems.Add("impression is required");
        }

        if (Kind != ReadingEvent.Addendum && string.IsNullOrWhiteSpace(Findings))
        {
            problems.Add("findings are required");
        }

        if ((Findings?.Length ?? 0) > MaxTextLength || (Impression?.Length ?? 0) > MaxTextLength)
        {
            problems.Add($"findings and impression are limited to {MaxTextLength} characters each");
        }

        if (Critical && Severity is not (CriticalSeverities.Red or CriticalSeverities.Orange))
        {
            problems.Add("a critical result needs severity red or orange");
        }

        if (!Critical && Severity is not null)
        {
            problems.Add("severity is only for a critical result");
        }

        if (Critical && string.IsNullOrWhiteSpace(CriticalDescription))
        {
            problems.Add("a critical result needs a description of the finding");
        }

        if ((CriticalDescription?.Length ?? 0) > MaxDescriptionLength)
        {
            problems.Add($"the critical description is limited to {MaxDescriptionLength} characters");
        }

        return problems;
    }
}

/// <summary>A stored report version: deid/{tenant}/{study}/reports/{reportId}.json.</summary>
public sealed record StoredReport
{
    public required string ReportId { get; init; }

    public required string Tenant { get; init; }

    public required string StudyKey { get; init; }

    public required string RadiologistId { get; init; }

    public required string Kind { get; init; }

    public required string Findings { get; init; }

    public required string Impression { get; init; }

    public bool Critical { get; init; }

    public string? Severity { get; init; }

    public string? CriticalDescription { get; init; }

    public required DateTimeOffset SubmittedUtc { get; init; }

    /// <summary>Same content (a client retrying), whatever the time.</summary>
    public bool SameContent(StoredReport other) =>
        other is not null && Kind == other.Kind && RadiologistId == other.RadiologistId && Findings == other.Findings && Impression == other.Impression
        && Critical == other.Critical && Severity == other.Severity && CriticalDescription == other.CriticalDescription;
}
