using Microsoft.Extensions.Logging;

namespace Telerad.Workflow;

/// <summary>The critical-result loop's log events (EventIds 2050-2069 of Workflow's range): tenant ids, pseudonymous keys and contact ids only.</summary>
internal static partial class CriticalResultLog
{
    [LoggerMessage(EventId = 2050, Level = LogLevel.Information, Message = "Critical result {ReportId} of study {StudyKey} (tenant {Tenant}, {Severity}): loop {InstanceId} started with {ChainLength} recipients")]
    public static partial void Started(ILogger logger, string reportId, string studyKey, string tenant, string severity, string instanceId, int chainLength);

    [LoggerMessage(EventId = 2051, Level = LogLevel.Information, Message = "Critical result {ReportId} of study {StudyKey} (tenant {Tenant}): loop {InstanceId} exists already; not started again")]
    public static partial void AlreadyStarted(ILogger logger, string reportId, string studyKey, string tenant, string instanceId);

    [LoggerMessage(EventId = 2052, Level = LogLevel.Information, Message = "Critical result {ReportId} of study {StudyKey}: attempt {Attempt} alerted {RecipientKind} {RecipientId}")]
    public static partial void Alerted(ILogger logger, string reportId, string studyKey, int attempt, string recipientKind, string recipientId);

    [LoggerMessage(EventId = 2053, Level = LogLevel.Warning, Message = "Critical result {ReportId} of study {StudyKey}: no acknowledgment from {RecipientId} within {Timeout}; escalating")]
    public static partial void Escalating(ILogger logger, string reportId, string studyKey, string recipientId, TimeSpan timeout);

    [LoggerMessage(EventId = 2054, Level = LogLevel.Information, Message = "Critical result {ReportId} of study {StudyKey} acknowledged by {RecipientId} ({Method}) after {Attempts} attempts")]
    public static partial void Acknowledged(ILogger logger, string reportId, string studyKey, string recipientId, string method, int attempts);

    [LoggerMessage(EventId = 2055, Level = LogLevel.Error, Message = "Critical result {ReportId} of study {StudyKey} (tenant {Tenant}): nobody of {Attempts} recipients acknowledged; emergency operations alert")]
    public static partial void Exhausted(ILogger logger, string reportId, string studyKey, string tenant, int attempts);

    [LoggerMessage(EventId = 2056, Level = LogLevel.Error, Message = "Critical result {ReportId} of study {StudyKey}: the alert to {RecipientId} failed after its retries ({ErrorType}); next recipient")]
    public static partial void AlertFailed(ILogger logger, string reportId, string studyKey, string recipientId, string errorType);

    [LoggerMessage(EventId = 2057, Level = LogLevel.Critical, Message = "Critical result {ReportId} of study {StudyKey} (tenant {Tenant}): the emergency operations alert failed after its retries ({ErrorType})")]
    public static partial void EmergencyFailed(ILogger logger, string reportId, string studyKey, string tenant, string errorType);

    [LoggerMessage(EventId = 2058, Level = LogLevel.Critical, Message = "Critical result {ReportId} of study {StudyKey} (tenant {Tenant}): the loop could not be started ({ErrorType}); operations alerted to communicate it by phone")]
    public static partial void StartFailed(ILogger logger, string reportId, string studyKey, string tenant, string errorType);

    [LoggerMessage(EventId = 2059, Level = LogLevel.Warning, Message = "Study {StudyKey} (tenant {Tenant}): the AI heads-up step failed ({ErrorType}); reading goes on")]
    public static partial void HeadsUpFailed(ILogger logger, string studyKey, string tenant, string errorType);

    [LoggerMessage(EventId = 2060, Level = LogLevel.Warning, Message = "Critical result acknowledgment refused: {Code}")]
    public static partial void AcknowledgmentRefused(ILogger logger, string code);

    [LoggerMessage(EventId = 2061, Level = LogLevel.Information, Message = "Critical result {ReportId} of study {StudyKey}: {Step} recorded in the referrer's EHR: {Status} {Code}")]
    public static partial void CommunicationDelivered(ILogger logger, string reportId, string studyKey, string step, string status, string code);

    [LoggerMessage(EventId = 2062, Level = LogLevel.Warning, Message = "Critical result {ReportId} of study {StudyKey}: {Step} could not be recorded in the referrer's EHR ({ErrorType}); the loop goes on")]
    public static partial void CommunicationFailed(ILogger logger, string reportId, string studyKey, string step, string errorType);
}
