using Azure;
using Azure.Data.Tables;
using Telerad.Ingestion;

namespace Telerad.Azure;

/// <summary>
/// The ingestion ledger (table <c>ingestion</c>: PartitionKey tenant, RowKey object id + "_" + ETag) and the
/// instance registry (table <c>instances</c>: PartitionKey tenant + "_" + study key, RowKey SOP key) of
/// docs/storage.md. Keys are opaque or pseudonymous; the incoming object name is kept in a column, since the
/// de-identify activity needs it and storage at rest is where it already lives.
/// </summary>
public sealed class TableIngestionState(TableServiceClient service) : IIngestionLedger, IInstanceRegistry
{
    public const string LedgerTable = "ingestion";
    public const string InstancesTable = "instances";

    /// <summary>
    /// The partition of markers of instance versions registered and not yet de-identified (RowKey
    /// tenant_study_sop_vN): the stalled-instance sweep reads this one small partition instead of every study's. One
    /// row per version, so a result clears its own version's marker in one request and never a newer one's. '~' is in
    /// no tenant id.
    /// </summary>
    public const string PendingPartition = "~pending";

    private readonly CreatedTable _ledger = new(service, LedgerTable);
    private readonly CreatedTable _instances = new(service, InstancesTable);

    public async Task<LedgerEntry?> FindAsync(string tenant, string objectId, string etag, CancellationToken cancellationToken = default)
    {
        var table = await _ledger.GetAsync(cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenant, LedgerRowKey(objectId, etag), cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return null;
        }

        var e = row.Value!;
        return new LedgerEntry(objectId, etag, e.GetString("Outcome"), e.GetString("Detail"), e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue, e.GetString("StudyKey"), e.GetInt32("Version") ?? 0);
    }

    public async Task RecordAsync(string tenant, LedgerEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var table = await _ledger.GetAsync(cancellationToken);
        await table.UpsertEntityAsync(
            new TableEntity(tenant, LedgerRowKey(entry.ObjectId, entry.ETag))
            {
                ["Outcome"] = entry.Outcome,
                ["Detail"] = entry.Detail,
                ["At"] = entry.At,
                ["StudyKey"] = entry.StudyKey,
                ["Version"] = entry.Version,
            },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    public async Task<InstanceRecord?> FindInstanceAsync(string tenant, string studyKey, string sopKey, CancellationToken cancellationToken = default)
    {
        var table = await _instances.GetAsync(cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(InstancePartition(tenant, studyKey), sopKey, cancellationToken: cancellationToken);
        return row.HasValue ? ToRecord(tenant, studyKey, row.Value!) : null;
    }

    public async Task<bool> SaveResultAsync(string tenant, string studyKey, string sopKey, int version, DeidentifiedInstance result, bool late, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        var table = await _instances.GetAsync(cancellationToken);
        return await SaveResultAsync(table, tenant, studyKey, sopKey, version, result, late, known: null, cancellationToken);
    }

    /// <summary>The update conditional on the ETag of the read that gave <paramref name="read"/>: no second read unless
    /// the row changed since.</summary>
    public async Task<bool> SaveResultAsync(InstanceRecord read, DeidentifiedInstance result, bool late, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(result);
        var table = await _instances.GetAsync(cancellationToken);
        return await SaveResultAsync(table, read.Tenant, read.StudyKey, read.SopKey, read.Version, result, late, read.RowVersion is { } etag ? new ETag(etag) : null, cancellationToken);
    }

    private static async Task<bool> SaveResultAsync(
        TableClient table, string tenant, string studyKey, string sopKey, int version, DeidentifiedInstance result, bool late, ETag? known, CancellationToken cancellationToken)
    {
        var partition = InstancePartition(tenant, studyKey);
        while (true)
        {
            var etag = known;
            known = null;
            if (etag is null)
            {
                var row = await table.GetEntityIfExistsAsync<TableEntity>(partition, sopKey, cancellationToken: cancellationToken);
                if (!row.HasValue || row.Value!.GetInt32("Version") != version)
                {
                    return false;
                }

                etag = row.Value.ETag;
            }

            try
            {
                // Conditional on the row as read (here, or by the caller): a new version saved in between is never
                // given this result.
                await table.UpdateEntityAsync(ResultEntity(partition, sopKey, version, result, late), etag.Value, TableUpdateMode.Merge, cancellationToken);
                await DeletePendingAsync(table, tenant, studyKey, sopKey, version, cancellationToken);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                // Changed (or removed) since it was read: read again and decide again.
            }
        }
    }

    /// <summary>
    /// The results of one study's records just read, together: one entity group transaction merges them all, each
    /// conditional on its row's ETag, and another removes their markers. If any row changed since it was read, the
    /// transaction writes nothing and each is decided on its own, as <see cref="SaveResultAsync(InstanceRecord,
    /// DeidentifiedInstance, bool, CancellationToken)"/> does.
    /// </summary>
    public async Task<bool[]> SaveResultsAsync(IReadOnlyList<(InstanceRecord Read, DeidentifiedInstance Result)> results, bool late, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(results);
        var table = await _instances.GetAsync(cancellationToken);
        var saved = new bool[results.Count];
        if (CanGoTogether(results))
        {
            var (tenant, studyKey) = (results[0].Read.Tenant, results[0].Read.StudyKey);
            var partition = InstancePartition(tenant, studyKey);
            try
            {
                await table.SubmitTransactionAsync(
                    results.Select(r => new TableTransactionAction(
                        TableTransactionActionType.UpdateMerge, ResultEntity(partition, r.Read.SopKey, r.Read.Version, r.Result, late), new ETag(r.Read.RowVersion!))),
                    cancellationToken);
                await DeletePendingTogetherAsync(table, results.Select(r => r.Read).ToList(), cancellationToken);
                Array.Fill(saved, true);
                return saved;
            }
            catch (TableTransactionFailedException e) when (e.Status is 412 or 404)
            {
                // A row changed (a new version) or went since it was read; the transaction wrote nothing.
            }
        }

        for (var i = 0; i < results.Count; i++)
        {
            saved[i] = await SaveResultAsync(results[i].Read, results[i].Result, late, cancellationToken);
        }

        return saved;
    }

    /// <summary>One transaction holds one partition's rows, each once, at most 100; each needs the ETag of its read.</summary>
    private static bool CanGoTogether(IReadOnlyList<(InstanceRecord Read, DeidentifiedInstance Result)> results) =>
        results.Count is > 1 and <= MaxTransactionActions
        && results.All(r => r.Read.RowVersion is not null && r.Read.Tenant == results[0].Read.Tenant && r.Read.StudyKey == results[0].Read.StudyKey)
        && results.Select(r => r.Read.SopKey).Distinct(StringComparer.Ordinal).Count() == results.Count;

    private const int MaxTransactionActions = 100;

    /// <summary>Removes several versions' markers in one transaction; if one is gone already (the transaction then
    /// removes nothing), one at a time.</summary>
    private static async Task DeletePendingTogetherAsync(TableClient table, IReadOnlyList<InstanceRecord> records, CancellationToken cancellationToken)
    {
        try
        {
            await table.SubmitTransactionAsync(
                records.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(PendingPartition, PendingRowKey(r.Tenant, r.StudyKey, r.SopKey, r.Version)), ETag.All)),
                cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status == 404)
        {
            foreach (var r in records)
            {
                await DeletePendingAsync(table, r.Tenant, r.StudyKey, r.SopKey, r.Version, cancellationToken);
            }
        }
    }

    private static TableEntity ResultEntity(string partition, string sopKey, int version, DeidentifiedInstance result, bool late) => new(partition, sopKey)
    {
        ["ResultVersion"] = version,
        ["Late"] = late,
        ["ResultOutcome"] = result.Outcome,
        ["QuarantineCode"] = result.QuarantineCode,
        ["SeriesKey"] = result.SeriesKey,
        ["Modality"] = result.Modality,
        ["BodyPartExamined"] = result.BodyPartExamined,
        ["RequestedPriority"] = result.RequestedPriority,
        ["Bytes"] = result.Bytes,
        ["OutputName"] = result.OutputName,
        ["ReferrerId"] = result.ReferrerId,
    };

    public async Task<IReadOnlyList<InstanceRecord>> ListInstancesAsync(string tenant, string studyKey, CancellationToken cancellationToken = default)
    {
        var table = await _instances.GetAsync(cancellationToken);
        var partition = InstancePartition(tenant, studyKey);
        var records = new List<InstanceRecord>();
        await foreach (var e in table.QueryAsync<TableEntity>(row => row.PartitionKey == partition, cancellationToken: cancellationToken))
        {
            records.Add(ToRecord(tenant, studyKey, e));
        }

        return records;
    }

    private static InstanceRecord ToRecord(string tenant, string studyKey, TableEntity e)
    {
        var record = new InstanceRecord(tenant, studyKey, e.RowKey, e.GetString("ContentSha256"), e.GetInt32("Version") ?? 1, e.GetString("ObjectId"), e.GetString("ObjectName"))
        {
            RowVersion = e.ETag.ToString(),
        };
        if (e.GetString("ResultOutcome") is not { } outcome)
        {
            return record;
        }

        return record with
        {
            ResultVersion = e.GetInt32("ResultVersion") ?? 0,
            Late = e.GetBoolean("Late") ?? false,
            Result = new DeidentifiedInstance(
                tenant,
                studyKey,
                e.GetString("SeriesKey") ?? string.Empty,
                e.RowKey,
                outcome,
                e.GetString("QuarantineCode"),
                e.GetString("Modality"),
                e.GetString("BodyPartExamined"),
                e.GetString("RequestedPriority"),
                e.GetInt64("Bytes") ?? 0,
                e.GetString("OutputName"),
                e.GetString("ReferrerId")),
        };
    }

    public async Task SaveInstanceAsync(InstanceRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await _instances.GetAsync(cancellationToken);
        await table.UpsertEntityAsync(
            new TableEntity(InstancePartition(record.Tenant, record.StudyKey), record.SopKey)
            {
                ["ContentSha256"] = record.ContentSha256,
                ["Version"] = record.Version,
                ["ObjectId"] = record.ObjectId,
                ["ObjectName"] = record.ObjectName,
            },
            TableUpdateMode.Replace,
            cancellationToken);

        // After the row: a marker without its instance would send the sweep after nothing. (A crash between the two
        // leaves an instance without a marker; its redelivery registers it again and writes one.)
        if (record.Version > 1)
        {
            // The version this one replaces will never get a result: its marker goes.
            await DeletePendingAsync(table, record.Tenant, record.StudyKey, record.SopKey, record.Version - 1, cancellationToken);
        }

        await table.UpsertEntityAsync(
            new TableEntity(PendingPartition, PendingRowKey(record.Tenant, record.StudyKey, record.SopKey, record.Version))
            {
                ["Tenant"] = record.Tenant,
                ["StudyKey"] = record.StudyKey,
                ["SopKey"] = record.SopKey,
                ["Version"] = record.Version,
                ["RegisteredAt"] = DateTimeOffset.UtcNow,
            },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    public async IAsyncEnumerable<StalledInstance> ListStalledAsync(DateTimeOffset registeredBefore, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var table = await _instances.GetAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PendingPartition} and Timestamp lt {registeredBefore}");
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var marker = new StalledInstance(
                e.GetString("Tenant"), e.GetString("StudyKey"), e.GetString("SopKey"), e.GetInt32("Version") ?? 0, e.GetDateTimeOffset("RegisteredAt") ?? e.Timestamp ?? DateTimeOffset.MinValue,
                e.GetInt32("Sweeps") ?? 0, e.GetDateTimeOffset("LastSweptAt"));
            if (await AwaitsResultAsync(table, marker, cancellationToken))
            {
                yield return marker;
            }
            else
            {
                // Left behind: the result was saved and the marker's delete then failed (a transient error, a crash: the
                // retried activity finds the instance done and never comes back to it), or a newer version replaced it.
                // Reporting it would have the sweep signal a finished study again and again and, at last, alert
                // operations for nothing.
                await DeletePendingAsync(table, marker.Tenant, marker.StudyKey, marker.SopKey, marker.Version, cancellationToken);
            }
        }
    }

    /// <summary>Whether the marker's instance version is still the registered one and has no result: one point read,
    /// only for markers old enough to be listed (none, while everything flows).</summary>
    private static async Task<bool> AwaitsResultAsync(TableClient table, StalledInstance marker, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(InstancePartition(marker.Tenant, marker.StudyKey), marker.SopKey, cancellationToken: cancellationToken);
        return row.HasValue && row.Value!.GetInt32("Version") == marker.Version && row.Value.GetInt32("ResultVersion") != marker.Version;
    }

    public async Task MarkSweptAsync(StalledInstance instance, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var table = await _instances.GetAsync(cancellationToken);
        var update = new TableEntity(PendingPartition, PendingRowKey(instance.Tenant, instance.StudyKey, instance.SopKey, instance.Version))
        {
            ["Sweeps"] = instance.Sweeps + 1,
            ["LastSweptAt"] = at,
        };
        try
        {
            // Only while the marker is still there (merge, not upsert: a cleared marker stays cleared).
            await table.UpdateEntityAsync(update, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // De-identified in the meantime.
        }
    }

    /// <summary>Removes the marker of one instance version, if it is there.</summary>
    private static async Task DeletePendingAsync(TableClient table, string tenant, string studyKey, string sopKey, int version, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(PendingPartition, PendingRowKey(tenant, studyKey, sopKey, version), ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Never written (registered before markers existed) or gone already.
        }
    }

    private static string PendingRowKey(string tenant, string studyKey, string sopKey, int version) =>
        tenant + "_" + studyKey + "_" + sopKey + "_v" + version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>ETags carry quotes; table keys may not contain '/', '\', '#', '?'.</summary>
    private static string LedgerRowKey(string objectId, string etag) => objectId + "_" + etag.Trim('"').Replace('/', '-');

    private static string InstancePartition(string tenant, string studyKey) => tenant + "_" + studyKey;
}
