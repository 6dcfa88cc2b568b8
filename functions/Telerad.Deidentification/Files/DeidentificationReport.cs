namespace Telerad.Deidentification;

/// <summary>What happened to one input file. Opaque ids and reasons only: no PHI.</summary>
public sealed record DeidentificationReportEntry
{
    public const string Deidentified = "deidentified";
    public const string QuarantinedOutcome = "quarantined";
    public const string FailedOutcome = "failed";

    public required string Input { get; init; }

    /// <summary>"deidentified", "quarantined" or "failed".</summary>
    public required string Outcome { get; init; }

    public string? Output { get; init; }

    public string? QuarantineCode { get; init; }

    public string? Message { get; init; }

    public IReadOnlyDictionary<string, int>? Actions { get; init; }
}

/// <summary>The JSON report of a folder run.</summary>
public sealed record DeidentificationReport
{
    public required string Profile { get; init; }

    public required string Tenant { get; init; }

    public required string PseudonymKeyId { get; init; }

    public required IReadOnlyList<DeidentificationReportEntry> Files { get; init; }

    public int Deidentified => Files.Count(f => f.Outcome == DeidentificationReportEntry.Deidentified);

    public int Quarantined => Files.Count(f => f.Outcome == DeidentificationReportEntry.QuarantinedOutcome);

    public int Failed => Files.Count(f => f.Outcome == DeidentificationReportEntry.FailedOutcome);
}
