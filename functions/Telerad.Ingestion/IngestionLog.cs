using Microsoft.Extensions.Logging;

namespace Telerad.Ingestion;

/// <summary>
/// Ingestion's log events (EventIds 1000-1099; workflow uses 2000-2099, the local runtime 3000-3099). Only opaque
/// object ids, upload ids, tenant ids and pseudonymous keys: never a file name, a UID or any element value.
/// </summary>
internal static partial class IngestionLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Object {ObjectId} of upload {UploadId} (tenant {Tenant}): {Outcome}; study {StudyKey}, instance {SopKey} version {Version}")]
    public static partial void Ingested(ILogger logger, string objectId, string uploadId, string tenant, string outcome, string? studyKey, string? sopKey, int version);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Object {ObjectId} of upload {UploadId} (tenant {Tenant}) quarantined: {Code}")]
    public static partial void Quarantined(ILogger logger, string objectId, string uploadId, string tenant, string code);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Archive {ObjectId} of upload {UploadId} (tenant {Tenant}) expanded into {Entries} objects")]
    public static partial void Expanded(ILogger logger, string objectId, string uploadId, string tenant, int entries);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Object {ObjectId} (tenant {Tenant}) delivered again; decided before: {Outcome}")]
    public static partial void Redelivered(ILogger logger, string objectId, string tenant, string outcome);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Object {ObjectId} refused: not under a configured tenant's upload prefix")]
    public static partial void UnknownTenant(ILogger logger, string objectId);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Instance {SopKey} of study {StudyKey} (tenant {Tenant}) de-identified: {Bytes} bytes in {ElapsedMs} ms")]
    public static partial void Deidentified(ILogger logger, string sopKey, string studyKey, string tenant, long bytes, long elapsedMs);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Object {ObjectId} (tenant {Tenant}) quarantined by de-identification: {Code}")]
    public static partial void QuarantinedByDeidentification(ILogger logger, string objectId, string tenant, string code);
}
