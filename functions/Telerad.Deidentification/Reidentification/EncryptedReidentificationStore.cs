using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Telerad.Auditing;

namespace Telerad.Deidentification;

/// <summary>
/// What every re-identification store does the same way, whatever holds the bytes: seal entries with the
/// tenant's map key (<see cref="ReidentificationMapProtector"/>), and audit every read before any data is
/// returned. Subclasses only move sealed records (a file, an Azure Table row).
/// <para>
/// A read with no valid actor or purpose is audited as <see cref="AuditOutcome.Denied"/> and throws
/// <see cref="UnauthorizedAccessException"/>; a missing record is audited as <see cref="AuditOutcome.NotFound"/>
/// and returns null; a record that does not open is audited as <see cref="AuditOutcome.Failed"/> and throws
/// <see cref="ReidentificationMapException"/> (any other failure of the read, e.g. storage or keys, is audited
/// as failed too and rethrown). If the audit record cannot be written, nothing is returned.
/// </para>
/// </summary>
public abstract class EncryptedReidentificationStore : IReidentificationStore
{
    /// <summary>Stands in for a missing or malformed actor/purpose in the audit record of a denied read.</summary>
    public const string Unidentified = "unidentified";

    private readonly IDeidentificationKeyProvider _keys;
    private readonly IAuditLog _audit;
    private readonly TimeProvider _time;

    /// <summary>
    /// Per study, a SHA-256 of the entry this store last wrote (in memory only). Every instance of a study carries the
    /// same entry, so without it a 300-slice study would seal and write one record 300 times.
    /// </summary>
    private readonly ConcurrentDictionary<(string Tenant, string Study), byte[]> _written = new();

    /// <summary>Bounds <see cref="_written"/>; when reached it starts again (a write too many is harmless).</summary>
    private const int MaxRemembered = 4096;

    protected EncryptedReidentificationStore(IDeidentificationKeyProvider keys, IAuditLog audit, TimeProvider? time)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(audit);
        _keys = keys;
        _audit = audit;
        _time = time ?? TimeProvider.System;
    }

    public async Task SaveAsync(ReidentificationEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        OpaqueId.Require(entry.TenantId, nameof(entry.TenantId));
        OpaqueId.Require(entry.DeidentifiedStudyInstanceUid, nameof(entry.DeidentifiedStudyInstanceUid));
        var keys = _keys.GetKeys(entry.TenantId);
        var study = (entry.TenantId, entry.DeidentifiedStudyInstanceUid);

        // The map key is part of it: after a key rotation the same entry is sealed again with the new key.
        var fingerprint = SHA256.HashData([.. JsonSerializer.SerializeToUtf8Bytes(entry, ReidentificationJsonContext.Default.ReidentificationEntry), .. System.Text.Encoding.UTF8.GetBytes(keys.MapEncryptionKeyId)]);
        if (_written.TryGetValue(study, out var last) && last.AsSpan().SequenceEqual(fingerprint))
        {
            return;
        }

        var record = ReidentificationMapProtector.Protect(entry, keys);
        await WriteRecordAsync(entry.TenantId, entry.DeidentifiedStudyInstanceUid, record, cancellationToken);
        if (_written.Count >= MaxRemembered)
        {
            _written.Clear();
        }

        _written[study] = fingerprint;
    }

    public async Task<ReidentificationEntry?> GetAsync(string tenantId, string deidentifiedStudyInstanceUid, string actor, string purpose, CancellationToken cancellationToken = default)
    {
        OpaqueId.Require(tenantId, nameof(tenantId));
        OpaqueId.Require(deidentifiedStudyInstanceUid, nameof(deidentifiedStudyInstanceUid));
        if (!OpaqueId.IsValid(actor) || !OpaqueId.IsValid(purpose))
        {
            await AuditAsync(tenantId, deidentifiedStudyInstanceUid, OpaqueId.IsValid(actor) ? actor : Unidentified,
                OpaqueId.IsValid(purpose) ? purpose : Unidentified, AuditOutcome.Denied, cancellationToken);
            throw new UnauthorizedAccessException("Re-identification reads need an actor and a purpose, both opaque ids.");
        }

        ReidentificationEntry? entry;
        try
        {
            var record = await ReadRecordAsync(tenantId, deidentifiedStudyInstanceUid, cancellationToken);
            entry = record is null ? null : ReidentificationMapProtector.Unprotect(record, _keys.GetKeys(tenantId), tenantId, deidentifiedStudyInstanceUid);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Storage down, keys unreadable, record not opening: the attempt is on the trail too.
            await AuditAsync(tenantId, deidentifiedStudyInstanceUid, actor, purpose, AuditOutcome.Failed, cancellationToken);
            throw;
        }

        // The audit record is durable before the caller sees any identifier.
        await AuditAsync(tenantId, deidentifiedStudyInstanceUid, actor, purpose, entry is null ? AuditOutcome.NotFound : AuditOutcome.Granted, cancellationToken);
        return entry;
    }

    /// <summary>Stores a sealed record, replacing any record of the same tenant and study (idempotent).</summary>
    protected abstract Task WriteRecordAsync(string tenantId, string deidentifiedStudyInstanceUid, byte[] record, CancellationToken cancellationToken);

    /// <summary>The sealed record of a tenant and study, or null.</summary>
    protected abstract Task<byte[]?> ReadRecordAsync(string tenantId, string deidentifiedStudyInstanceUid, CancellationToken cancellationToken);

    private Task AuditAsync(string tenantId, string studyUid, string actor, string purpose, AuditOutcome outcome, CancellationToken cancellationToken) =>
        _audit.WriteAsync(new AuditRecord(_time.GetUtcNow(), tenantId, actor, AuditActions.ReidentificationRead, studyUid, purpose, outcome), cancellationToken);
}
