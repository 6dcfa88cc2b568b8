using Azure;
using Azure.Data.Tables;
using Telerad.Reading.Worklist;

namespace Telerad.Azure;

/// <summary>
/// The reading worklist projection in an Azure Table (default <c>readingworklist</c>): PartitionKey = tenant,
/// RowKey = study key, one row per study. Registration replaces the row; progress merges only the workflow's columns,
/// so the study's facts stay as registered. Worklists and loads are filtered queries over open rows (a few thousand
/// open studies at most in a reading service; a very large one would add a per-radiologist index table).
/// </summary>
public sealed class TableReadingWorklist : IReadingWorklist
{
    public const string DefaultTableName = "readingworklist";

    private static readonly string OpenFilter =
        $"(Status eq '{WorklistStatus.Unassigned}' or Status eq '{WorklistStatus.Offered}' or Status eq '{WorklistStatus.Accepted}' or Status eq '{WorklistStatus.Preliminary}')";

    private readonly CreatedTable _table;

    public TableReadingWorklist(TableServiceClient service, string tableName = DefaultTableName)
    {
        _table = new CreatedTable(service, tableName);
    }

    public async Task RegisterAsync(ReadingWorklistEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var table = await _table.GetAsync(cancellationToken);
        await table.UpsertEntityAsync(ToEntity(entry), TableUpdateMode.Replace, cancellationToken);
    }

    public async Task UpdateAsync(ReadingProgress progress, DateTimeOffset updatedUtc, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var table = await _table.GetAsync(cancellationToken);
        var entity = new TableEntity(progress.Tenant, progress.StudyKey)
        {
            ["Status"] = progress.Status,
            ["RadiologistId"] = progress.RadiologistId ?? string.Empty,
            ["Priority"] = progress.Priority,
            ["PriorityReason"] = progress.PriorityReason,
            ["DeadlineUtc"] = new DateTimeOffset(DateTime.SpecifyKind(progress.DeadlineUtc, DateTimeKind.Utc)),
            ["Assignment"] = progress.Assignment,
            ["Warned"] = progress.Warned,
            ["Breached"] = progress.Breached,
            ["UpdatedUtc"] = updatedUtc,
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken);
    }

    public async Task<ReadingWorklistEntry?> GetAsync(string tenant, string studyKey, CancellationToken cancellationToken = default)
    {
        var table = await _table.GetAsync(cancellationToken);
        try
        {
            var entity = await table.GetEntityAsync<TableEntity>(tenant, studyKey, cancellationToken: cancellationToken);
            return FromEntity(entity.Value);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<ReadingWorklistEntry>> ListOpenAsync(string? radiologistId = null, CancellationToken cancellationToken = default)
    {
        var table = await _table.GetAsync(cancellationToken);
        var filter = radiologistId is null ? OpenFilter : $"{OpenFilter} and {TableClient.CreateQueryFilter($"RadiologistId eq {radiologistId}")}";
        var rows = new List<ReadingWorklistEntry>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(FromEntity(entity));
        }

        return rows;
    }

    private static TableEntity ToEntity(ReadingWorklistEntry e) => new(e.Tenant, e.StudyKey)
    {
        ["Status"] = e.Status,
        ["RadiologistId"] = e.RadiologistId ?? string.Empty,
        ["Priority"] = e.Priority,
        ["PriorityReason"] = e.PriorityReason,
        ["DeadlineUtc"] = e.DeadlineUtc,
        ["AiFlagged"] = e.AiFlagged,
        ["Assignment"] = e.Assignment,
        ["Warned"] = e.Warned,
        ["Breached"] = e.Breached,
        ["Modality"] = e.Modality,
        ["BodyPart"] = e.BodyPart,
        ["FacilityId"] = e.FacilityId,
        ["PatientJurisdiction"] = e.PatientJurisdiction,
        ["ReferrerId"] = e.ReferrerId,

        // Tables have no decimal: RVUs are stored as their invariant string so nothing is rounded.
        ["Rvu"] = e.Rvu.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["StartedUtc"] = e.StartedUtc,
        ["UpdatedUtc"] = e.UpdatedUtc,
    };

    private static ReadingWorklistEntry FromEntity(TableEntity entity) => new()
    {
        Tenant = entity.PartitionKey,
        StudyKey = entity.RowKey,
        Status = entity.GetString("Status"),
        RadiologistId = entity.GetString("RadiologistId") is { Length: > 0 } reader ? reader : null,
        Priority = entity.GetString("Priority"),
        PriorityReason = entity.GetString("PriorityReason"),
        DeadlineUtc = entity.GetDateTimeOffset("DeadlineUtc"),
        AiFlagged = entity.GetBoolean("AiFlagged") ?? false,
        Assignment = entity.GetInt32("Assignment") ?? 0,
        Warned = entity.GetBoolean("Warned") ?? false,
        Breached = entity.GetBoolean("Breached") ?? false,
        Modality = entity.GetString("Modality"),
        BodyPart = entity.GetString("BodyPart"),
        FacilityId = entity.GetString("FacilityId"),
        PatientJurisdiction = entity.GetString("PatientJurisdiction"),
        ReferrerId = entity.GetString("ReferrerId"),
        Rvu = decimal.TryParse(entity.GetString("Rvu"), System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var rvu) ? rvu : 0,
        StartedUtc = entity.GetDateTimeOffset("StartedUtc") ?? entity.Timestamp ?? DateTimeOffset.MinValue,
        UpdatedUtc = entity.GetDateTimeOffset("UpdatedUtc") ?? entity.Timestamp ?? DateTimeOffset.MinValue,
    };
}
