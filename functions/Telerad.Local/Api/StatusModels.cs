using System.Text.Json;

namespace Telerad.Local;

/// <summary>GET /health.</summary>
public sealed record HealthStatus(string Status, string TaskHub, string Storage, bool EngineStarted, DateTimeOffset? LastPoll, int ObjectsHandled);

/// <summary>GET /uploads/{tenant}/{uploadId}: what happened to each object of an upload (opaque ids, never names).</summary>
public sealed record UploadStatus(
    string Tenant,
    string UploadId,
    int Objects,
    int Pending,
    IReadOnlyDictionary<string, int> Outcomes,
    IReadOnlyList<UploadStudyStatus> Studies,
    IReadOnlyList<ObjectStatus> Items);

/// <summary>A study of an upload: what the manifest expects and how many instances ingestion accepted.</summary>
public sealed record UploadStudyStatus(string StudyKey, int? ExpectedInstances, int AcceptedInstances);

/// <summary>
/// One object of an upload. Kind: <c>object</c> (uploaded), <c>extracted</c> (an entry of an uploaded archive) or
/// <c>manifest</c>. Outcome: the ingestion ledger's (accepted, duplicate, versioned, quarantined, expanded, manifest),
/// or <c>pending</c> while it has not been handled.
/// </summary>
public sealed record ObjectStatus(
    string ObjectId,
    string Kind,
    long Bytes,
    DateTimeOffset UploadedAt,
    string Outcome,
    DateTimeOffset? HandledAt,
    string? StudyKey,
    string? SeriesKey,
    string? SopKey,
    int? Version,
    QuarantineStatus? Quarantine);

/// <summary>Why an object was quarantined (reason.json without the object's name).</summary>
public sealed record QuarantineStatus(string Code, string Message, DateTimeOffset? At);

/// <summary>GET /studies/{tenant}: one line per study.</summary>
public sealed record StudyListItem(string StudyKey, string Status, string? Progress, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt, DateTimeOffset? SummaryWrittenAt);

/// <summary>GET /studies/{tenant}/{studyKey}: the orchestration, the de-identified instances and the summary.</summary>
public sealed record StudyStatus(
    string Tenant,
    string StudyKey,
    OrchestrationView? Orchestration,
    int DeidentifiedInstances,
    long DeidentifiedBytes,
    DateTimeOffset? FirstDeidentifiedAt,
    DateTimeOffset? LastDeidentifiedAt,
    DateTimeOffset? SummaryWrittenAt,
    JsonElement? Summary);

/// <summary>The StudyAssembly orchestration's state: runtime status and its own progress line.</summary>
public sealed record OrchestrationView(string InstanceId, string Status, string? Progress, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt);
