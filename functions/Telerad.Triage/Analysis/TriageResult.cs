using System.Text.Json;
using System.Text.Json.Serialization;

namespace Telerad.Triage;

/// <summary>
/// What triage concluded about one study: analysed by one or more models, or not analysed with the reason. A study
/// that could not be analysed continues as routine: triage never blocks or drops a study.
/// </summary>
public sealed record TriageResult
{
    public const string AnalysedStatus = "analysed";
    public const string NotAnalysedStatus = "not-analysed";

    public required string Status { get; init; }

    /// <summary>Why the study was not analysed (null when it was).</summary>
    public string? Reason { get; init; }

    public IReadOnlyList<ModelAnalysis> Analyses { get; init; } = [];

    /// <summary>Series no model analysed, and why.</summary>
    public IReadOnlyList<SkippedSeries> SkippedSeries { get; init; } = [];

    /// <summary>True when a finding marked critical was flagged: a reason to upgrade the study's priority.</summary>
    public bool Critical => Analyses.Any(a => a.Findings.Any(f => f.Flagged && f.Critical));

    public IEnumerable<FindingResult> FlaggedFindings => Analyses.SelectMany(a => a.Findings).Where(f => f.Flagged);

    public long ElapsedMs { get; init; }

    public static TriageResult NotAnalysed(string reason, IReadOnlyList<SkippedSeries> skipped, long elapsedMs) =>
        new() { Status = NotAnalysedStatus, Reason = reason, SkippedSeries = skipped, ElapsedMs = elapsedMs };
}

/// <summary>One model's analysis of one series.</summary>
public sealed record ModelAnalysis
{
    public required string ModelId { get; init; }

    public required string ModelVersion { get; init; }

    public required string ModelSha256 { get; init; }

    public required string Disclaimer { get; init; }

    /// <summary>The analysed series, by the key the caller gave it (pseudonymous in the pipeline).</summary>
    public required string SeriesKey { get; init; }

    public required int SlicesAnalysed { get; init; }

    public required IReadOnlyList<FindingResult> Findings { get; init; }

    public required string Runtime { get; init; }

    public long PreprocessMs { get; init; }

    public long InferenceMs { get; init; }
}

/// <summary>One finding: the study-level score, the threshold it was held against, and where it was highest.</summary>
public sealed record FindingResult
{
    public required string Id { get; init; }

    public required string Label { get; init; }

    public required double Score { get; init; }

    public required double Threshold { get; init; }

    public required bool Flagged { get; init; }

    public required bool Critical { get; init; }

    public required string Aggregation { get; init; }

    /// <summary>0-based position, in slice order, of the slice with the highest probability.</summary>
    public required int MaxSliceIndex { get; init; }

    /// <summary>That slice's Instance Number, if it has one.</summary>
    public int? MaxSliceInstanceNumber { get; init; }
}

public sealed record SkippedSeries(string SeriesKey, string Reason);

public static class TriageResultJson
{
    public static byte[] Serialize(TriageResult result) => JsonSerializer.SerializeToUtf8Bytes(result, TriageJsonContext.Default.TriageResult);

    public static TriageResult Parse(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, TriageJsonContext.Default.TriageResult) ?? throw new JsonException("Empty triage result.");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(TriageResult))]
internal sealed partial class TriageJsonContext : JsonSerializerContext;
