using System.Text.Json;
using Microsoft.Extensions.Logging;
using Telerad.Auditing;
using Telerad.Notifications;
using Telerad.Reading.Configuration;
using Telerad.Storage;

namespace Telerad.Workflow;

/// <summary>
/// The reading API's handlers, shared by the Azure Functions HTTP triggers and Telerad.Local's minimal API: accept,
/// decline, release, submit a report, a radiologist's worklist, a study's status and timeline, operations' reassignment
/// and cancellation. A radiologist acts only on studies assigned to them (403 otherwise, audited as denied); a link token,
/// when given, must be genuine, unexpired and issued to this caller for this study and action. Answers are read from the
/// worklist projection and the audit trail, never from orchestration queries; actions are events to ReadStudyV1 (202).
/// </summary>
public sealed class ReadingApi(
    ReadingConfigurationProvider configuration,
    IReadingWorklist worklist,
    IAuditLog audit,
    IAuditQuery auditQuery,
    LinkTokens tokens,
    IObjectStore store,
    ReadingActivities activities,
    TimeProvider clock,
    ILogger<ReadingApi> logger)
{
    public const int MaxTimelineRecords = 500;

    public Task<ReadingApiResult> AcceptAsync(ReadingCaller caller, string tenant, string studyKey, string? token, IOrchestrationGateway engine, CancellationToken cancellationToken = default) =>
        ReaderActionAsync(caller, tenant, studyKey, token, ReadingEvent.Accept, LinkActions.Accept, [WorklistStatus.Offered], engine, cancellationToken);

    public Task<ReadingApiResult> DeclineAsync(ReadingCaller caller, string tenant, string studyKey, string? token, IOrchestrationGateway engine, CancellationToken cancellationToken = default) =>
        ReaderActionAsync(caller, tenant, studyKey, token, ReadingEvent.Decline, LinkActions.Decline, [WorklistStatus.Offered], engine, cancellationToken);

    /// <summary>An accepted study handed back (it goes to someone else, never back to this reader).</summary>
    public Task<ReadingApiResult> ReleaseAsync(ReadingCaller caller, string tenant, string studyKey, IOrchestrationGateway engine, CancellationToken cancellationToken = default) =>
        ReaderActionAsync(caller, tenant, studyKey, null, ReadingEvent.Release, null, [WorklistStatus.Accepted, WorklistStatus.Preliminary], engine, cancellationToken);

    public async Task<ReadingApiResult> SubmitReportAsync(ReadingCaller caller, string tenant, string studyKey, ReportSubmission? submission, IOrchestrationGateway engine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var access = await AuthoriseReaderAsync(caller, tenant, studyKey, "report", cancellationToken);
        if (access.Refusal is { } refusal)
        {
            return refusal;
        }

        var (reader, row) = (access.Radiologist!, access.Row!);
        var problems = submission?.Problems() ?? ["the body must be a JSON report"];
        if (submission is null || problems.Count > 0)
        {
            return ReadingApiResult.Error(400, ReadingApiErrors.InvalidReport, string.Join("; ", problems));
        }

        var expected = submission.Kind switch
        {
            ReadingEvent.Addendum => [WorklistStatus.Reported],
            ReadingEvent.Preliminary => [WorklistStatus.Accepted],
            _ => new[] { WorklistStatus.Accepted, WorklistStatus.Preliminary },
        };
        if (!expected.Contains(row.Status))
        {
            return ReadingApiResult.Error(409, ReadingApiErrors.WrongState, $"a {submission.Kind} report is not possible while the study is {row.Status}");
        }

        if (submission.Kind == ReadingEvent.Preliminary && row.Priority != ReadingPriorities.Stat)
        {
            return ReadingApiResult.Error(409, ReadingApiErrors.WrongState, "a preliminary report is only for STAT studies");
        }

        var reportId = submission.Kind == ReadingEvent.Addendum
            ? $"addendum-{await CountReportsAsync(tenant, studyKey, "addendum-", cancellationToken) + 1}"
            : submission.Kind!;
        var report = new StoredReport
        {
            ReportId = reportId,
            Tenant = tenant,
            StudyKey = studyKey,
            RadiologistId = reader,
            Kind = submission.Kind!,
            Findings = submission.Findings ?? string.Empty,
            Impression = submission.Impression!,
            Critical = submission.Critical,
            Severity = submission.Severity,
            CriticalDescription = submission.CriticalDescription,
            SubmittedUtc = clock.GetUtcNow(),
        };
        var reference = ReportRef(tenant, studyKey, reportId);
        if (await ReadReportAsync(reference, cancellationToken) is { } existing)
        {
            // A client retrying the same report is told it is in; different content for the same version is a conflict.
            return existing.SameContent(report)
                ? ReadingApiResult.Accepted(new { reportId, status = "already-submitted" })
                : ReadingApiResult.Error(409, ReadingApiErrors.ReportExists, $"a {submission.Kind} report exists; correct it with an addendum");
        }

        using (var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(report, ReadingApiJson.Default.StoredReport)))
        {
            await store.WriteAsync(reference, content, new ObjectWriteOptions { ContentType = "application/json" }, cancellationToken);
        }

        if (submission.Kind == ReadingEvent.Addendum)
        {
            // The reading is over (its orchestration completed with the final): an addendum goes straight to results delivery.
            await activities.HandOffReportAsync(new HandOffReportRequest(tenant, studyKey, reader, ReadingEvent.Addendum, reportId, row.Priority), engine, cancellationToken);
        }
        else
        {
            await engine.RaiseEventAsync(ReadStudy.InstanceId(tenant, studyKey), ReadStudy.EventName,
                new ReadingEvent(ReadingEvent.Report, reader, submission.Kind, reportId, submission.Critical, submission.Severity), cancellationToken);
        }

        await AuditAsync(tenant, reader, "api.report", studyKey, $"{submission.Kind}:{reportId}{(submission.Critical ? ":critical" : string.Empty)}", AuditOutcome.Granted, cancellationToken);
        ReadingLog.ApiAction(logger, "report", studyKey, tenant, reader, 202);
        return ReadingApiResult.Accepted(new { reportId, kind = submission.Kind, status = "submitted" });
    }

    /// <summary>The caller's worklist in reading order; operations may ask for one radiologist's, or every open study.</summary>
    public async Task<ReadingApiResult> WorklistAsync(ReadingCaller caller, string? radiologistId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (await configuration.TryGetAsync(cancellationToken) is not { } config)
        {
            return ReadingApiResult.ConfigurationUnavailable();
        }

        string? whose;
        if (caller.IsOperationsIn(config))
        {
            whose = radiologistId;
        }
        else if (caller.RadiologistIn(config) is { } reader)
        {
            if (radiologistId is not null && radiologistId != reader)
            {
                return ReadingApiResult.Error(403, ReadingApiErrors.NotOperations, "only operations may see another radiologist's worklist");
            }

            whose = reader;
        }
        else
        {
            return ReadingApiResult.Error(403, ReadingApiErrors.NotARadiologist, "the caller is not a configured radiologist");
        }

        var open = await worklist.ListOpenAsync(whose, cancellationToken);
        var items = WorklistOrder.Sort(whose is null ? open : open.Where(e => WorklistStatus.HoldsReader(e.Status)));
        return ReadingApiResult.Ok(new { radiologistId = whose, count = items.Count, items });
    }

    /// <summary>A study's status (its worklist row) and timeline (its audit records, oldest first).</summary>
    public async Task<ReadingApiResult> StudyAsync(ReadingCaller caller, string tenant, string studyKey, CancellationToken cancellationToken = default)
    {
        var access = await AuthoriseViewerAsync(caller, tenant, studyKey, cancellationToken);
        if (access.Refusal is { } refusal)
        {
            return refusal;
        }

        var timeline = await auditQuery.ForTargetAsync(tenant, studyKey, MaxTimelineRecords, cancellationToken);
        await AuditAsync(tenant, caller.UserId, "api.viewed", studyKey, "status", AuditOutcome.Granted, cancellationToken);
        return ReadingApiResult.Ok(new
        {
            status = access.Row,
            timeline = timeline.Select(r => new { time = r.Time, actor = r.Actor, action = r.Action, detail = r.Purpose, outcome = r.Outcome.ToString() }),
        });
    }

    /// <summary>Operations gives the study to a radiologist of their choice (the assignment is still explained and audited).</summary>
    public async Task<ReadingApiResult> ReassignAsync(ReadingCaller caller, string tenant, string studyKey, string? radiologistId, IOrchestrationGateway engine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var access = await AuthoriseOperationsAsync(caller, tenant, studyKey, "reassign", cancellationToken);
        if (access.Refusal is { } refusal)
        {
            return refusal;
        }

        if (radiologistId is null || access.Config!.FindRadiologist(radiologistId) is null)
        {
            return ReadingApiResult.Error(400, ReadingApiErrors.InvalidRequest, "radiologistId must name a configured radiologist");
        }

        if (!WorklistStatus.IsOpen(access.Row!.Status))
        {
            return ReadingApiResult.Error(409, ReadingApiErrors.WrongState, $"the study is {access.Row.Status}");
        }

        await engine.RaiseEventAsync(ReadStudy.InstanceId(tenant, studyKey), ReadStudy.EventName, new ReadingEvent(ReadingEvent.Assign, radiologistId), cancellationToken);
        await AuditAsync(tenant, caller.UserId, "api.reassign", studyKey, radiologistId, AuditOutcome.Granted, cancellationToken);
        return ReadingApiResult.Accepted(new { studyKey, radiologistId, status = "reassignment-requested" });
    }

    /// <summary>Operations stops the reading (the order was cancelled).</summary>
    public async Task<ReadingApiResult> CancelAsync(ReadingCaller caller, string tenant, string studyKey, IOrchestrationGateway engine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var access = await AuthoriseOperationsAsync(caller, tenant, studyKey, "cancel", cancellationToken);
        if (access.Refusal is { } refusal)
        {
            return refusal;
        }

        if (!WorklistStatus.IsOpen(access.Row!.Status))
        {
            return ReadingApiResult.Error(409, ReadingApiErrors.WrongState, $"the study is {access.Row.Status}");
        }

        await engine.RaiseEventAsync(ReadStudy.InstanceId(tenant, studyKey), ReadStudy.EventName, new ReadingEvent(ReadingEvent.Cancel), cancellationToken);
        await AuditAsync(tenant, caller.UserId, "api.cancel", studyKey, "order-cancelled", AuditOutcome.Granted, cancellationToken);
        return ReadingApiResult.Accepted(new { studyKey, status = "cancellation-requested" });
    }

    private async Task<ReadingApiResult> ReaderActionAsync(
        ReadingCaller caller, string tenant, string studyKey, string? token, string kind, string? linkAction, string[] statuses, IOrchestrationGateway engine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var access = await AuthoriseReaderAsync(caller, tenant, studyKey, kind, cancellationToken);
        if (access.Refusal is { } refusal)
        {
            return refusal;
        }

        var reader = access.Radiologist!;
        if (token is not null)
        {
            try
            {
                var claims = tokens.Verify(token, reader, studyKey, linkAction ?? kind);
                if (claims.Tenant != tenant)
                {
                    throw new LinkTokenException(LinkTokenException.WrongStudy, "This link is for another study.");
                }
            }
            catch (LinkTokenException e)
            {
                await AuditAsync(tenant, reader, "api.link-refused", studyKey, $"{kind}:{e.Code}", AuditOutcome.Denied, cancellationToken);
                ReadingLog.ApiAction(logger, kind, studyKey, tenant, reader, 403);
                return ReadingApiResult.Error(403, ReadingApiErrors.LinkPrefix + e.Code, e.Message);
            }
        }

        if (!statuses.Contains(access.Row!.Status))
        {
            return ReadingApiResult.Error(409, ReadingApiErrors.WrongState, $"'{kind}' is not possible while the study is {access.Row.Status}");
        }

        await engine.RaiseEventAsync(ReadStudy.InstanceId(tenant, studyKey), ReadStudy.EventName, new ReadingEvent(kind, reader), cancellationToken);
        await AuditAsync(tenant, reader, "api." + kind, studyKey, token is null ? "identity" : "link", AuditOutcome.Granted, cancellationToken);
        ReadingLog.ApiAction(logger, kind, studyKey, tenant, reader, 202);
        return ReadingApiResult.Accepted(new { studyKey, action = kind, status = "requested" });
    }

    private sealed record Access(ReadingApiResult? Refusal, ReadingConfiguration? Config = null, ReadingWorklistEntry? Row = null, string? Radiologist = null);

    /// <summary>The caller must be the radiologist the study is assigned to.</summary>
    private async Task<Access> AuthoriseReaderAsync(ReadingCaller caller, string tenant, string studyKey, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!OpaqueId.IsValid(tenant) || !OpaqueId.IsValid(studyKey))
        {
            return new Access(ReadingApiResult.Error(400, ReadingApiErrors.InvalidRequest, "tenant and study must be opaque ids"));
        }

        if (await configuration.TryGetAsync(cancellationToken) is not { } config)
        {
            return new Access(ReadingApiResult.ConfigurationUnavailable());
        }

        if (caller.RadiologistIn(config) is not { } reader)
        {
            await AuditAsync(tenant, caller.UserId, "api." + action, studyKey, ReadingApiErrors.NotARadiologist, AuditOutcome.Denied, cancellationToken);
            return new Access(ReadingApiResult.Error(403, ReadingApiErrors.NotARadiologist, "the caller is not a configured radiologist"));
        }

        var row = await worklist.GetAsync(tenant, studyKey, cancellationToken);
        if (row is null || row.RadiologistId != reader)
        {
            // Unknown and someone else's look the same to a radiologist: the answer does not reveal which studies exist.
            await AuditAsync(tenant, reader, "api." + action, studyKey, ReadingApiErrors.NotYourStudy, AuditOutcome.Denied, cancellationToken);
            ReadingLog.ApiAction(logger, action, studyKey, tenant, reader, 403);
            return new Access(ReadingApiResult.Error(403, ReadingApiErrors.NotYourStudy, "this study is not assigned to you"));
        }

        return new Access(null, config, row, reader);
    }

    /// <summary>The assigned radiologist or operations.</summary>
    private async Task<Access> AuthoriseViewerAsync(ReadingCaller caller, string tenant, string studyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!OpaqueId.IsValid(tenant) || !OpaqueId.IsValid(studyKey))
        {
            return new Access(ReadingApiResult.Error(400, ReadingApiErrors.InvalidRequest, "tenant and study must be opaque ids"));
        }

        if (await configuration.TryGetAsync(cancellationToken) is not { } config)
        {
            return new Access(ReadingApiResult.ConfigurationUnavailable());
        }

        if (caller.IsOperationsIn(config))
        {
            var row = await worklist.GetAsync(tenant, studyKey, cancellationToken);
            return row is null ? new Access(ReadingApiResult.Error(404, ReadingApiErrors.UnknownStudy, "no reading for this study")) : new Access(null, config, row);
        }

        return await AuthoriseReaderAsync(caller, tenant, studyKey, "view", cancellationToken);
    }

    private async Task<Access> AuthoriseOperationsAsync(ReadingCaller caller, string tenant, string studyKey, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!OpaqueId.IsValid(tenant) || !OpaqueId.IsValid(studyKey))
        {
            return new Access(ReadingApiResult.Error(400, ReadingApiErrors.InvalidRequest, "tenant and study must be opaque ids"));
        }

        if (await configuration.TryGetAsync(cancellationToken) is not { } config)
        {
            return new Access(ReadingApiResult.ConfigurationUnavailable());
        }

        if (!caller.IsOperationsIn(config))
        {
            await AuditAsync(tenant, caller.UserId, "api." + action, studyKey, ReadingApiErrors.NotOperations, AuditOutcome.Denied, cancellationToken);
            return new Access(ReadingApiResult.Error(403, ReadingApiErrors.NotOperations, $"only operations may {action} a study"));
        }

        var row = await worklist.GetAsync(tenant, studyKey, cancellationToken);
        return row is null ? new Access(ReadingApiResult.Error(404, ReadingApiErrors.UnknownStudy, "no reading for this study")) : new Access(null, config, row);
    }

    private static ObjectRef ReportRef(string tenant, string studyKey, string reportId) => new(Containers.Deidentified, $"{tenant}/{studyKey}/reports/{reportId}.json");

    private Task<StoredReport?> ReadReportAsync(ObjectRef reference, CancellationToken cancellationToken) =>
        store.ReadJsonIfExistsAsync(reference, ReadingApiJson.Default.StoredReport, cancellationToken);

    private async Task<int> CountReportsAsync(string tenant, string studyKey, string prefix, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var _ in store.ListAsync(Containers.Deidentified, $"{tenant}/{studyKey}/reports/{prefix}", cancellationToken))
        {
            count++;
        }

        return count;
    }

    private Task AuditAsync(string tenant, string actor, string action, string studyKey, string purpose, AuditOutcome outcome, CancellationToken cancellationToken) =>
        audit.WriteAsync(new AuditRecord(clock.GetUtcNow(), tenant, OpaqueId.IsValid(actor) ? actor : "unknown", action, studyKey, purpose, outcome), cancellationToken);
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(StoredReport))]
internal sealed partial class ReadingApiJson : System.Text.Json.Serialization.JsonSerializerContext;
