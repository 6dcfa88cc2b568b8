using System.Globalization;
using Azure.Data.Tables;
using Telerad.Auditing;

namespace Telerad.Azure;

/// <summary>
/// Telerad's audit trail in an Azure Table (default <c>audit</c>): PartitionKey = tenant id, RowKey =
/// inverted timestamp (<c>DateTime.MaxValue.Ticks - time.Ticks</c>, 19 digits) + '-' + a random suffix, so a
/// partition lists newest first and two records of the same tick never collide. Records are inserted, never
/// updated: an insert that returns has been stored.
/// </summary>
public sealed class TableAuditLog : IAuditLog, IAuditQuery
{
    public const string DefaultTableName = "audit";

    private readonly CreatedTable _table;

    /// <param name="service">Identity-based in Azure; a connection string for Azurite.</param>
    public TableAuditLog(TableServiceClient service, string tableName = DefaultTableName)
    {
        _table = new CreatedTable(service, tableName);
    }

    public string TableName => _table.Name;

    public async Task WriteAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var entity = new TableEntity(record.TenantId, RowKeyOf(record.Time))
        {
            ["Time"] = record.Time,
            ["Actor"] = record.Actor,
            ["Action"] = record.Action,
            ["TargetId"] = record.TargetId,
            ["Purpose"] = record.Purpose,
            ["Outcome"] = record.Outcome.ToString(),
        };
        var table = await _table.GetAsync(cancellationToken);
        await table.AddEntityAsync(entity, cancellationToken);
    }

    /// <summary>A tenant's newest records first, at most <paramref name="maxCount"/>.</summary>
    public Task<IReadOnlyList<AuditRecord>> ReadNewestAsync(string tenantId, int maxCount, CancellationToken cancellationToken = default)
    {
        OpaqueId.Require(tenantId, nameof(tenantId));
        return ReadAsync(TableClient.CreateQueryFilter($"PartitionKey eq {tenantId}"), maxCount, cancellationToken);
    }

    /// <summary>
    /// One object's records (a study's timeline), oldest first. A filter within the tenant's partition: fine for the
    /// timeline of one study; a busy tenant with years of records would want a second table keyed by target.
    /// </summary>
    public async Task<IReadOnlyList<AuditRecord>> ForTargetAsync(string tenantId, string targetId, int maxCount, CancellationToken cancellationToken = default)
    {
        OpaqueId.Require(tenantId, nameof(tenantId));
        OpaqueId.Require(targetId, nameof(targetId));
        var newestFirst = await ReadAsync(TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and TargetId eq {targetId}"), maxCount, cancellationToken);
        return [.. newestFirst.Reverse()];
    }

    private async Task<IReadOnlyList<AuditRecord>> ReadAsync(string filter, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        var table = await _table.GetAsync(cancellationToken);
        var records = new List<AuditRecord>();
        var query = table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(maxCount, 1000), cancellationToken: cancellationToken);
        await foreach (var entity in query)
        {
            records.Add(new AuditRecord(
                entity.GetDateTimeOffset("Time") ?? throw new InvalidDataException($"Audit row {entity.RowKey} has no time."),
                entity.PartitionKey,
                entity.GetString("Actor"),
                entity.GetString("Action"),
                entity.GetString("TargetId"),
                entity.GetString("Purpose"),
                Enum.Parse<AuditOutcome>(entity.GetString("Outcome"))));
            if (records.Count == maxCount)
            {
                break;
            }
        }

        return records;
    }

    /// <summary>Sorts newest first as a string: fixed-width inverted ticks, then a random suffix.</summary>
    internal static string RowKeyOf(DateTimeOffset time) =>
        (DateTime.MaxValue.Ticks - time.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N");
}
