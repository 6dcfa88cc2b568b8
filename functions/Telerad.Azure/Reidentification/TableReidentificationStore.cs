using Azure.Data.Tables;
using Telerad.Auditing;
using Telerad.Deidentification;

namespace Telerad.Azure;

/// <summary>
/// Re-identification records in an Azure Table (default <c>reidentification</c>): PartitionKey = tenant id,
/// RowKey = de-identified Study Instance UID, the sealed record (<see cref="ReidentificationMapProtector"/>)
/// in the binary column <c>Record</c>, and its map key id in <c>MapKeyId</c> (so a key rotation can find the
/// rows still sealed with an old key without opening them). Saves are upserts (replace), so a redelivered
/// save changes nothing. Every read is audited first (<see cref="EncryptedReidentificationStore"/>).
/// </summary>
public sealed class TableReidentificationStore : EncryptedReidentificationStore
{
    public const string DefaultTableName = "reidentification";

    /// <summary>Azure Tables caps a binary property at 64 KiB. A real entry seals to well under 1 KiB, so a
    /// larger one is refused rather than split.</summary>
    public const int MaxRecordBytes = 64 * 1024;

    private const string RecordColumn = "Record";
    private const string MapKeyIdColumn = "MapKeyId";
    private const string FormatVersionColumn = "FormatVersion";

    private readonly CreatedTable _table;

    /// <param name="service">Identity-based in Azure (<c>new TableServiceClient(uri, credential)</c>); a connection string for Azurite.</param>
    public TableReidentificationStore(TableServiceClient service, IDeidentificationKeyProvider keys, IAuditLog audit, string tableName = DefaultTableName, TimeProvider? time = null)
        : base(keys, audit, time)
    {
        _table = new CreatedTable(service, tableName);
    }

    public string TableName => _table.Name;

    protected override async Task WriteRecordAsync(string tenantId, string deidentifiedStudyInstanceUid, byte[] record, CancellationToken cancellationToken)
    {
        if (record.Length > MaxRecordBytes)
        {
            throw new InvalidOperationException(
                $"The sealed re-identification record of study '{deidentifiedStudyInstanceUid}' (tenant '{tenantId}') is {record.Length} bytes; an Azure Table binary property holds at most {MaxRecordBytes}.");
        }

        var entity = new TableEntity(tenantId, deidentifiedStudyInstanceUid)
        {
            [RecordColumn] = record,
            [MapKeyIdColumn] = ReidentificationMapProtector.ReadMapKeyId(record),
            [FormatVersionColumn] = (int)ReidentificationMapProtector.FormatVersion,
        };
        var table = await _table.GetAsync(cancellationToken);
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    protected override async Task<byte[]?> ReadRecordAsync(string tenantId, string deidentifiedStudyInstanceUid, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, deidentifiedStudyInstanceUid, [RecordColumn], cancellationToken);
        if (!response.HasValue)
        {
            return null;
        }

        // A row without the column is a broken row, not a missing one: hand the protector an empty record so
        // the read is audited as failed with a clear error.
        return response.Value!.GetBinary(RecordColumn) ?? [];
    }
}
