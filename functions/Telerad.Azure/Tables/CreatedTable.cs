using Azure.Data.Tables;

namespace Telerad.Azure;

/// <summary>
/// A table that is created on first use (once per instance). In Azure the Bicep templates create the tables
/// too; creating here keeps Azurite and new environments working without a separate step.
/// </summary>
internal sealed class CreatedTable
{
    private readonly TableClient _table;
    private volatile bool _created;

    public CreatedTable(TableServiceClient service, string tableName)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        _table = service.GetTableClient(tableName);
    }

    public string Name => _table.Name;

    public async Task<TableClient> GetAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            // Two concurrent first calls both ask; "already exists" is not an error for CreateIfNotExists.
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _created = true;
        }

        return _table;
    }
}
