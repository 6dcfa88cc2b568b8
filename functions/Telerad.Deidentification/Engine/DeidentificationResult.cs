namespace Telerad.Deidentification;

public enum DeidentificationOutcome
{
    Deidentified,
    Quarantined,
}

/// <summary>Why an instance was not de-identified: a stable machine-readable code and a message with no PHI.</summary>
public sealed record QuarantineReason(string Code, string Message)
{
    public const string BurnedInAnnotation = "burned-in-annotation";
    public const string BurnedInAnnotationRisk = "burned-in-annotation-risk";
    public const string MissingIdentifiers = "missing-identifiers";
    public const string UnsupportedContent = "unsupported-content";
}

/// <summary>
/// What de-identifying one instance produced. <see cref="Dataset"/> and the identifiers are safe to pass on;
/// <see cref="Reidentification"/> is PHI and goes only to the encrypted re-identification store.
/// </summary>
public sealed record DeidentificationResult
{
    public required DeidentificationOutcome Outcome { get; init; }

    /// <summary>The de-identified data set (null when quarantined). Pixel data values are shared with the input, not copied.</summary>
    public DicomDataset? Dataset { get; init; }

    public QuarantineReason? Quarantine { get; init; }

    /// <summary>The original identifiers of the study (PHI; never log).</summary>
    public ReidentificationEntry? Reidentification { get; init; }

    /// <summary>How many elements each action touched: "X" removed, "Z" emptied, "D" dummy, "U" UID, "C" cleaned, "K" kept ...</summary>
    public IReadOnlyDictionary<string, int> ActionCounts { get; init; } = new Dictionary<string, int>();

    public string? SopInstanceUid { get; init; }

    public string? StudyInstanceUid { get; init; }

    public string? SeriesInstanceUid { get; init; }
}
