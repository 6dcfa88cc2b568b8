using Microsoft.Extensions.Logging;

namespace Telerad.Triage;

/// <summary>Triage's log events (EventIds 4000-4099): model ids, counts and timings only.</summary>
internal static partial class TriageLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Triage {Status}: {Analyses} analyses, {Skipped} series skipped, critical {Critical}, {ElapsedMs} ms")]
    public static partial void Triaged(ILogger logger, string status, int analyses, int skipped, bool critical, long elapsedMs);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Model {ModelId} {ModelVersion} analysed {Slices} slices: preprocessing {PreprocessMs} ms, inference {InferenceMs} ms")]
    public static partial void SeriesAnalysed(ILogger logger, string modelId, string modelVersion, int slices, long preprocessMs, long inferenceMs);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "A triage model could not be loaded; studies continue as routine: {Reason}")]
    public static partial void ModelUnavailable(ILogger logger, string reason);
}
