using Microsoft.Extensions.Logging;

namespace Telerad.Fhir.Delivery;

/// <summary>
/// Delivery log events (EventIds 7000-7049): endpoint id, report id, attempt, status code, timings. Never a body,
/// an OperationOutcome (it may echo patient data) or a token.
/// </summary>
internal static partial class DeliveryLog
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Report {ReportId} delivered to endpoint {EndpointId}: HTTP {StatusCode}, {Entries} entries, attempt {Attempt}, {ElapsedMs} ms")]
    public static partial void Delivered(ILogger logger, string endpointId, string reportId, int statusCode, int entries, int attempt, long elapsedMs);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Delivery of report {ReportId} to endpoint {EndpointId}: attempt {Attempt} failed ({Failure}, HTTP {StatusCode}); next attempt in {DelayMs} ms")]
    public static partial void AttemptFailed(ILogger logger, string endpointId, string reportId, int attempt, DeliveryFailureKind failure, int? statusCode, long delayMs);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Endpoint {EndpointId} refused the access token (HTTP 401) for report {ReportId} at attempt {Attempt}; retrying once with a new token")]
    public static partial void TokenRejected(ILogger logger, string endpointId, string reportId, int attempt);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Error, Message = "Delivery of report {ReportId} to endpoint {EndpointId} failed permanently: {Reason}, HTTP {StatusCode}, attempt {Attempt}")]
    public static partial void PermanentFailure(ILogger logger, string endpointId, string reportId, PermanentFailureReason reason, int? statusCode, int attempt);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Error, Message = "Delivery of report {ReportId} to endpoint {EndpointId} gave up after {Attempts} attempts ({ElapsedMs} ms): last failure {Failure}, HTTP {StatusCode}")]
    public static partial void Exhausted(ILogger logger, string endpointId, string reportId, int attempts, DeliveryFailureKind failure, int? statusCode, long elapsedMs);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "Endpoint {EndpointId} accepted report {ReportId} (HTTP {StatusCode}) but sent no readable transaction-response")]
    public static partial void UnreadableResponse(ILogger logger, string endpointId, string reportId, int statusCode);
}
