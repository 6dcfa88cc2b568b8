using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telerad.Auditing;
using Telerad.Deidentification;

namespace Telerad.Ingestion;

/// <summary>An instance ingestion accepted. Keys are pseudonymous (keyed UIDs); the object id is opaque.</summary>
public sealed record AcceptedInstance(
    string Tenant,
    string UploadId,
    string ObjectId,
    ObjectRef Object,
    string StudyKey,
    string SeriesKey,
    string SopKey,
    string ContentSha256,
    int Version,
    string? Modality);

/// <summary>Which version of which instance a study must hear about (pseudonymous keys only).</summary>
public sealed record StudyInstanceRef(string Tenant, string StudyKey, string SopKey, int Version);

/// <summary>
/// The outcome of one delivered object. <see cref="Study"/> is set for accepted and versioned instances, on
/// redelivery too: signalling a study twice is harmless, never signalling it loses the instance.
/// </summary>
public sealed record IngestResult(
    string Outcome,
    string ObjectId,
    Rejection? Rejection = null,
    AcceptedInstance? Instance = null,
    IReadOnlyList<ObjectRef>? Extracted = null,
    bool Redelivered = false,
    ObjectRef? Object = null,
    StudyInstanceRef? Study = null);

/// <summary>
/// IngestInstance: decides what one object in `incoming` is. Streams it (never whole in memory), refuses what it
/// cannot accept into quarantine with a reason, expands archives, and records every outcome so that a redelivered
/// event changes nothing. The same SOP instance with identical content is a no-op; with different content it becomes
/// a new version (audited). Logs and audit records carry opaque ids only.
/// </summary>
public sealed class IngestInstanceHandler(
    IObjectStore store,
    ITenantDirectory tenants,
    Func<TenantSettings, Deidentifier> deidentifiers,
    IIngestionLedger ledger,
    IInstanceRegistry registry,
    IAuditLog audit,
    IngestionOptions options,
    TimeProvider time,
    ILogger<IngestInstanceHandler>? logger = null)
{
    private const string Actor = "ingestion";
    private const string Purpose = "ingest";

    /// <summary>The audit trail's tenant for objects whose tenant is not configured.</summary>
    private const string UnknownTenantAuditId = "unknown-tenant";

    /// <summary>A manifest lists each object once (about 200 bytes each): 32 MiB is over 100,000 objects.</summary>
    private const long MaxManifestBytes = 32L << 20;
    private readonly QuarantineWriter _quarantine = new(store, time);
    private readonly ILogger _logger = logger ?? NullLogger<IngestInstanceHandler>.Instance;

    public async Task<IngestResult> HandleAsync(ObjectRef incoming, CancellationToken cancellationToken = default)
    {
        var result = await DecideAsync(incoming, cancellationToken);
        Log(IncomingObjectName.TryParse(incoming.Name), result);
        if (options.DeleteIncomingAfterProcessing && result.Outcome is LedgerEntry.Quarantined or LedgerEntry.Duplicate or LedgerEntry.Expanded)
        {
            // Processed for good: the quarantine holds its copy, the registry another object with the same content, or
            // the archive's entries are objects of their own now. Accepted instances go after de-identification.
            await store.DeleteAsync(incoming, cancellationToken);
        }

        return result;
    }

    private void Log(IncomingObjectName? name, IngestResult result)
    {
        if (name is null || result.Rejection?.Code == RejectionCodes.UnknownTenant)
        {
            IngestionLog.UnknownTenant(_logger, result.ObjectId);
        }
        else if (result.Redelivered)
        {
            IngestionLog.Redelivered(_logger, result.ObjectId, name.Tenant, result.Outcome);
        }
        else if (result.Rejection is { } rejection)
        {
            IngestionLog.Quarantined(_logger, result.ObjectId, name.UploadId, name.Tenant, rejection.Code);
        }
        else if (result.Extracted is { } extracted)
        {
            IngestionLog.Expanded(_logger, result.ObjectId, name.UploadId, name.Tenant, extracted.Count);
        }
        else
        {
            IngestionLog.Ingested(_logger, result.ObjectId, name.UploadId, name.Tenant, result.Outcome, result.Study?.StudyKey, result.Study?.SopKey, result.Study?.Version ?? 0);
        }
    }

    private async Task<IngestResult> DecideAsync(ObjectRef incoming, CancellationToken cancellationToken)
    {
        var name = IncomingObjectName.TryParse(incoming.Name);
        if (name is null)
        {
            return await RefuseAsync(incoming, null, UnknownTenantAuditId, new Rejection(RejectionCodes.UnknownTenant, "The object is not under {tenant}/{upload-id}/ in the incoming container."), "unparsed", cancellationToken);
        }

        var tenant = tenants.Find(name.Tenant);
        if (tenant is null)
        {
            return await RefuseAsync(incoming, name, UnknownTenantAuditId, new Rejection(RejectionCodes.UnknownTenant, "The tenant of this upload is not configured."), null, cancellationToken);
        }

        // One read gives the bytes and the version (ETag, length) they belong to: what the ledger records is what was read.
        Stream content;
        ObjectProperties properties;
        try
        {
            (content, properties) = await store.OpenReadWithPropertiesAsync(incoming, cancellationToken);
        }
        catch (ObjectNotFoundException)
        {
            return new IngestResult("missing", name.ObjectId); // removed before it was processed: nothing to do
        }

        await using (content)
        {
            return await DecideOnContentAsync(incoming, name, tenant, content, properties, cancellationToken);
        }
    }

    private async Task<IngestResult> DecideOnContentAsync(ObjectRef incoming, IncomingObjectName name, TenantSettings tenant, Stream content, ObjectProperties properties, CancellationToken cancellationToken)
    {
        if (await ledger.FindAsync(tenant.Id, name.ObjectId, properties.ETag, cancellationToken) is { } done)
        {
            // Decided before; the host may have stopped before it signalled the study, so say again what to signal.
            var study = done.StudyKey is { } key && done.Detail is { } sop ? new StudyInstanceRef(tenant.Id, key, sop, done.Version) : null;
            return new IngestResult(done.Outcome, name.ObjectId, Redelivered: true, Object: incoming, Study: study);
        }

        if (name.IsManifest)
        {
            if (await CheckManifestAsync(content, name, properties.Length, cancellationToken) is { } invalid)
            {
                // The upload's objects are still ingested; its studies only wait for their quiet period.
                return await RefuseAsync(incoming, name, tenant.Id, invalid, properties.ETag, cancellationToken);
            }

            await RecordAsync(tenant.Id, name, properties.ETag, LedgerEntry.Manifest, null, cancellationToken);
            return new IngestResult(LedgerEntry.Manifest, name.ObjectId, Object: incoming);
        }

        if (properties.Length > options.MaxObjectBytes)
        {
            return await RefuseAsync(incoming, name, tenant.Id, new Rejection(RejectionCodes.Oversized, $"The object has {properties.Length} bytes; at most {options.MaxObjectBytes} are accepted."), properties.ETag, cancellationToken);
        }

        var head = new byte[4];
        var headLength = await content.ReadAtLeastAsync(head, 4, throwOnEndOfStream: false, cancellationToken);
        content.Position = 0;
        if (ArchiveExpander.LooksLikeZip(head.AsSpan(0, headLength)))
        {
            if (name.IsExtracted)
            {
                return await RefuseAsync(incoming, name, tenant.Id, new Rejection(RejectionCodes.ArchiveRefused, "Archives inside archives are not accepted."), properties.ETag, cancellationToken);
            }

            var (extracted, refused) = await ArchiveExpander.ExpandAsync(store, name, content, options, cancellationToken);
            if (refused is not null)
            {
                return await RefuseAsync(incoming, name, tenant.Id, refused, properties.ETag, cancellationToken);
            }

            await RecordAsync(tenant.Id, name, properties.ETag, LedgerEntry.Expanded, $"{extracted.Count} entries", cancellationToken);
            await AuditAsync(tenant.Id, AuditActions.IngestionExpanded, name.ObjectId, cancellationToken);
            return new IngestResult(LedgerEntry.Expanded, name.ObjectId, Extracted: extracted);
        }

        var (instance, rejection) = InstanceInspector.Inspect(content);
        if (rejection is not null)
        {
            return await RefuseAsync(incoming, name, tenant.Id, rejection, properties.ETag, cancellationToken);
        }

        var deidentifier = deidentifiers(tenant);
        content.Position = 0;
        using (var header = DicomFile.Read(content, new DicomReaderOptions { StopBeforePixelData = true }, leaveOpen: true))
        {
            if (deidentifier.Screen(header.Dataset) is { } screened)
            {
                return await RefuseAsync(incoming, name, tenant.Id, new Rejection(screened.Code, screened.Message), properties.ETag, cancellationToken);
            }
        }

        content.Position = 0;
        var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken));
        var studyKey = deidentifier.PseudonymousUid(instance!.StudyInstanceUid);
        var sopKey = deidentifier.PseudonymousUid(instance.SopInstanceUid);
        var previous = await registry.FindInstanceAsync(tenant.Id, studyKey, sopKey, cancellationToken);
        if (previous is not null && previous.ContentSha256 == sha256)
        {
            if (previous.ObjectName == incoming.Name)
            {
                // This very object was registered by a delivery that stopped before it recorded its outcome (a crash
                // between the two writes): finish that acceptance, and signal the study, which may never have heard.
                return await AcceptAsync(tenant.Id, name, incoming, properties.ETag, instance, previous, deidentifier, cancellationToken);
            }

            await RecordAsync(tenant.Id, name, properties.ETag, LedgerEntry.Duplicate, sopKey, cancellationToken);
            await AuditAsync(tenant.Id, AuditActions.IngestionDuplicate, sopKey, cancellationToken);

            // A copy of an instance not yet de-identified: its study is told again, because the object that registered
            // it may have stopped before signalling. Studies ignore a version they already have.
            var pendingStudy = previous.IsDone ? null : new StudyInstanceRef(tenant.Id, studyKey, sopKey, previous.Version);
            return new IngestResult(LedgerEntry.Duplicate, name.ObjectId, Study: pendingStudy);
        }

        // Registered first, recorded in the ledger second: a crash between the two is finished by the redelivery above.
        var record = new InstanceRecord(tenant.Id, studyKey, sopKey, sha256, (previous?.Version ?? 0) + 1, name.ObjectId, incoming.Name);
        await registry.SaveInstanceAsync(record, cancellationToken);
        return await AcceptAsync(tenant.Id, name, incoming, properties.ETag, instance, record, deidentifier, cancellationToken);
    }

    private async Task<IngestResult> AcceptAsync(
        string tenant, IncomingObjectName name, ObjectRef incoming, string etag, InspectedInstance instance, InstanceRecord record, Deidentifier deidentifier, CancellationToken cancellationToken)
    {
        var outcome = record.Version > 1 ? LedgerEntry.Versioned : LedgerEntry.Accepted;
        await RecordAsync(tenant, name, etag, outcome, record.SopKey, cancellationToken, record.StudyKey, record.Version);
        await AuditAsync(tenant, record.Version > 1 ? AuditActions.IngestionVersioned : AuditActions.IngestionAccepted, record.SopKey, cancellationToken);
        var accepted = new AcceptedInstance(
            tenant, name.UploadId, name.ObjectId, incoming, record.StudyKey, deidentifier.PseudonymousUid(instance.SeriesInstanceUid), record.SopKey, record.ContentSha256, record.Version, instance.Modality);
        return new IngestResult(outcome, name.ObjectId, Instance: accepted, Object: incoming, Study: new StudyInstanceRef(tenant, record.StudyKey, record.SopKey, record.Version));
    }

    /// <summary>A manifest must parse and name the tenant and upload whose prefix it sits under: a manifest claiming
    /// another tenant's upload is refused, not believed.</summary>
    private static async Task<Rejection?> CheckManifestAsync(Stream stream, IncomingObjectName name, long length, CancellationToken cancellationToken)
    {
        if (length > MaxManifestBytes)
        {
            return new Rejection(RejectionCodes.ManifestInvalid, $"The manifest has {length} bytes; at most {MaxManifestBytes} are accepted.");
        }

        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        UploadManifest manifest;
        try
        {
            manifest = UploadManifestJson.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }
        catch (InvalidDataException e)
        {
            return new Rejection(RejectionCodes.ManifestInvalid, e.Message);
        }

        if (!string.Equals(manifest.Tenant, name.Tenant, StringComparison.Ordinal) || !string.Equals(manifest.UploadId, name.UploadId, StringComparison.Ordinal))
        {
            return new Rejection(RejectionCodes.ManifestInvalid, "The manifest names another tenant or upload than the prefix it was written under.");
        }

        return null;
    }

    private async Task<IngestResult> RefuseAsync(ObjectRef incoming, IncomingObjectName? name, string tenant, Rejection rejection, string? etag, CancellationToken cancellationToken)
    {
        await _quarantine.QuarantineAsync(incoming, name, rejection, cancellationToken);
        var objectId = name?.ObjectId ?? "obj-unparsed";
        if (name is not null && etag is not null)
        {
            await RecordAsync(tenant, name, etag, LedgerEntry.Quarantined, rejection.Code, cancellationToken);
        }

        await AuditAsync(tenant, AuditActions.IngestionQuarantined, objectId, cancellationToken);
        return new IngestResult(LedgerEntry.Quarantined, objectId, rejection);
    }

    private Task RecordAsync(string tenant, IncomingObjectName name, string etag, string outcome, string? detail, CancellationToken cancellationToken, string? studyKey = null, int version = 0) =>
        ledger.RecordAsync(tenant, new LedgerEntry(name.ObjectId, etag, outcome, detail, time.GetUtcNow(), studyKey, version), cancellationToken);

    private Task AuditAsync(string tenant, string action, string target, CancellationToken cancellationToken) =>
        audit.WriteAsync(new AuditRecord(time.GetUtcNow(), tenant, Actor, action, target, Purpose, AuditOutcome.Granted), cancellationToken);
}
