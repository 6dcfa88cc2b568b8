using Azure;
using Azure.Data.Tables;

namespace Telerad.Local;

/// <summary>One object version the poller has handled: its outcome and, for instances, the pseudonymous keys.</summary>
public sealed record JournalEntry(
    string Partition,
    string Row,
    string Outcome,
    string? StudyKey,
    string? SeriesKey,
    string? SopKey,
    int? Version,
    string? Code,
    DateTimeOffset HandledAt);

/// <summary>
/// The poller's cursor and journal (table <c>localjournal</c>): one row per object version handled and signalled,
/// PartitionKey <c>{tenant}_{upload-id}</c>, RowKey <c>{object id}_{etag}</c> (opaque: no part of the hospital's path).
/// A row is written only after the object's studies were signalled, so a restart redoes exactly what was not finished.
/// It also gives the status API the study each object went to, which the ingestion ledger does not keep.
/// </summary>
public sealed class IngestionJournal(TableServiceClient service)
{
    public const string TableName = "localjournal";
    private const string OtherPartition = "_other";

    private readonly TableClient _table = service.GetTableClient(TableName);

    public async Task InitializeAsync(CancellationToken cancellationToken) => await _table.CreateIfNotExistsAsync(cancellationToken);

    /// <summary>The journal keys of an object version: (PartitionKey, RowKey).</summary>
    public static (string Partition, string Row) KeyOf(ObjectProperties incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        var etag = incoming.ETag.Trim('"').Replace('/', '-');
        return IncomingObjectName.TryParse(incoming.Reference.Name) is { } name
            ? (PartitionOf(name.Tenant, name.UploadId), name.ObjectId + "_" + etag)
            : (OtherPartition, "obj-" + ObjectNames.NameHash(incoming.Reference.Name) + "_" + etag);
    }

    public static string PartitionOf(string tenant, string uploadId) => tenant + "_" + uploadId;

    /// <summary>Every handled object version, as "partition/row" keys (loaded once at start: keys only).</summary>
    public async Task<HashSet<string>> LoadHandledAsync(CancellationToken cancellationToken)
    {
        var handled = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in _table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            handled.Add(row.PartitionKey + "/" + row.RowKey);
        }

        return handled;
    }

    /// <summary>Most rows per table transaction (the service's limit).</summary>
    internal const int MaxRowsPerTransaction = 100;

    /// <summary>
    /// Rows of one upload (one partition) in transactions of up to <see cref="MaxRowsPerTransaction"/>: a pass's objects
    /// cost one request per upload instead of one each (each a request on the same Azurite the pipeline waits for).
    /// A transaction is all or nothing; the exception names none of the rows.
    /// </summary>
    public async Task RecordAllAsync(IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Select(e => e.Partition).Distinct(StringComparer.Ordinal).Skip(1).Any())
        {
            throw new ArgumentException("The rows of one transaction must share their partition (one upload).", nameof(entries));
        }

        foreach (var chunk in entries.Chunk(MaxRowsPerTransaction))
        {
            await _table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, EntityOf(e))), cancellationToken);
        }
    }

    private static TableEntity EntityOf(JournalEntry entry) => new(entry.Partition, entry.Row)
    {
        ["Outcome"] = entry.Outcome,
        ["StudyKey"] = entry.StudyKey,
        ["SeriesKey"] = entry.SeriesKey,
        ["SopKey"] = entry.SopKey,
        ["Version"] = entry.Version,
        ["Code"] = entry.Code,
        ["HandledAt"] = entry.HandledAt,
    };

    /// <summary>The rows of one upload, by RowKey.</summary>
    public async Task<Dictionary<string, JournalEntry>> ForUploadAsync(string tenant, string uploadId, CancellationToken cancellationToken)
    {
        var partition = PartitionOf(tenant, uploadId);
        var rows = new Dictionary<string, JournalEntry>(StringComparer.Ordinal);
        try
        {
            await foreach (var e in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken))
            {
                rows[e.RowKey] = new JournalEntry(
                    e.PartitionKey, e.RowKey, e.GetString("Outcome"), e.GetString("StudyKey"), e.GetString("SeriesKey"), e.GetString("SopKey"),
                    e.GetInt32("Version"), e.GetString("Code"), e.GetDateTimeOffset("HandledAt") ?? DateTimeOffset.MinValue);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No table yet: nothing handled.
        }

        return rows;
    }
}
