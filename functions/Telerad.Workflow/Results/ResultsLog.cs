using Microsoft.Extensions.Logging;

namespace Telerad.Workflow;

/// <summary>Results delivery's log messages (EventIds 2150-2199). Endpoint ids and codes only, never report content.</summary>
internal static partial class ResultsLog
{
    [LoggerMessage(EventId = 2150, Level = LogLevel.Information, Message = "FHIR endpoint configuration loaded: {Count} endpoint(s)")]
    public static partial void EndpointsLoaded(ILogger logger, int count);

    [LoggerMessage(EventId = 2151, Level = LogLevel.Error, Message = "FHIR endpoint configuration {Document} does not validate ({Count} problem(s): {Codes}); the last good configuration stays in use")]
    public static partial void EndpointsReloadFailed(ILogger logger, string document, int count, string codes);

    [LoggerMessage(EventId = 2152, Level = LogLevel.Warning, Message = "No FHIR endpoint configuration ({Document} is absent): reports are kept and operations are alerted until it is added")]
    public static partial void EndpointsAbsent(ILogger logger, string document);
}
