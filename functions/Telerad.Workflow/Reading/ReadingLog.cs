using Microsoft.Extensions.Logging;

namespace Telerad.Workflow;

/// <summary>The reading workflow's log events (EventIds 2100-2199): tenant ids, pseudonymous study keys, radiologist ids and codes only.</summary>
internal static partial class ReadingLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Error, Message = "The reading configuration did not reload ({Count} problems: {Codes}); the last good configuration stays in use")]
    public static partial void ConfigurationReloadFailed(ILogger logger, int count, string codes);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Study {StudyKey} (tenant {Tenant}): reading {Outcome} ({Instance})")]
    public static partial void ReadingStart(ILogger logger, string studyKey, string tenant, string outcome, string instance);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Study {StudyKey} (tenant {Tenant}) cannot be read: {Code}; operations alerted")]
    public static partial void ReadingNotPossible(ILogger logger, string studyKey, string tenant, string code);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Study {StudyKey} (tenant {Tenant}) assignment {Assignment}: {Outcome} {RadiologistId}")]
    public static partial void Assigned(ILogger logger, string studyKey, string tenant, int assignment, string outcome, string radiologistId);

    [LoggerMessage(EventId = 2110, Level = LogLevel.Information, Message = "Reading API: {Action} on study {StudyKey} (tenant {Tenant}) by {Actor}: {Status}")]
    public static partial void ApiAction(ILogger logger, string action, string studyKey, string tenant, string actor, int status);
}
