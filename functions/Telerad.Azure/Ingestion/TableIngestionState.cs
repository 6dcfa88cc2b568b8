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
        return new LedgerEntry(objectId, etag, e.GetString("Outcome"), e.GetString("Detail"), e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue);
    }

    public async Task RecordAsync(string tenant, LedgerEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var table = await _ledger.GetAsync(cancellationToken);
        await table.UpsertEntityAsync(
            new TableEntity(tenant, LedgerRowKey(entry.ObjectId, entry.ETag)) { ["Outcome"] = entry.Outcome, ["Detail"] = entry.Detail, ["At"] = entry.At },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    public async Task<InstanceRecord?> FindInstanceAsync(string tenant, string studyKey, string sopKey, CancellationToken cancellationToken = default)
    {
        var table = await _instances.GetAsync(cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(InstancePartition(tenant, studyKey), sopKey, cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return null;
        }

        var e = row.Value!;
        return new InstanceRecord(tenant, studyKey, sopKey, e.GetString("ContentSha256"), e.GetInt32("Version") ?? 1, e.GetString("ObjectId"), e.GetString("ObjectName"));
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
    }

    /// <summary>ETags carry quotes; table keys may not contain '/', '\', '#', '?'.</summary>
    private static string LedgerRowKey(string objectId, string etag) => objectId + "_" + etag.Trim('"').Replace('/', '-');

    private static string InstancePartition(string tenant, string studyKey) => tenant + "_" + studyKey;
}
