using System.Text;
using Azure.Data.Tables;
using Telerad.Auditing;
using Telerad.Deidentification;

namespace Telerad.Azure.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class TableReidentificationStoreTests(AzuriteFixture azurite)
{
    private const string Study = "2.25.123456789012345678901234567890";

    private readonly InMemoryKeys _keys = new();
    private readonly string _tenant = Planted.NewTenant();

    private TableServiceClient Service => azurite.CreateTableServiceClient();

    [Fact]
    public async Task A_saved_entry_reads_back_and_the_read_is_audited_in_the_audit_table()
    {
        var audit = new TableAuditLog(Service);
        var store = new TableReidentificationStore(Service, _keys, audit);
        var entry = Planted.Entry(_tenant);

        await store.SaveAsync(entry);
        var read = await store.GetAsync(_tenant, Study, "user:rad-17", "report-delivery");

        Assert.Equal(entry, read);
        var record = Assert.Single(await audit.ReadNewestAsync(_tenant, 10));
        Assert.Equal((_tenant, "user:rad-17", AuditActions.ReidentificationRead, Study, "report-delivery", AuditOutcome.Granted),
            (record.TenantId, record.Actor, record.Action, record.TargetId, record.Purpose, record.Outcome));
    }

    [Fact]
    public async Task The_row_is_keyed_by_tenant_and_study_and_holds_only_ciphertext()
    {
        var store = new TableReidentificationStore(Service, _keys, new TableAuditLog(Service));
        await store.SaveAsync(Planted.Entry(_tenant));

        var row = (await Service.GetTableClient(TableReidentificationStore.DefaultTableName).GetEntityAsync<TableEntity>(_tenant, Study)).Value;

        Assert.Equal(_keys.GetKeys(_tenant).MapEncryptionKeyId, row.GetString("MapKeyId"));
        Assert.Equal(1, row.GetInt32("FormatVersion"));
        var record = row.GetBinary("Record");
        Assert.NotNull(record);
        Assert.Equal(Planted.Entry(_tenant), ReidentificationMapProtector.Unprotect(record, _keys.GetKeys(_tenant), _tenant, Study));
        Assert.Empty(Planted.FoundIn(RowText(row)));
        Assert.Empty(Planted.FoundIn(record));
    }

    [Fact]
    public async Task Saving_again_upserts_one_row_and_a_changed_entry_replaces_it()
    {
        var store = new TableReidentificationStore(Service, _keys, new TableAuditLog(Service));
        var entry = Planted.Entry(_tenant);
        await store.SaveAsync(entry);
        await store.SaveAsync(entry);
        await store.SaveAsync(entry);

        Assert.Single(await RowsAsync(TableReidentificationStore.DefaultTableName));
        Assert.Equal(entry, await store.GetAsync(_tenant, Study, "svc:delivery", "report-delivery"));

        var corrected = entry with { AccessionNumber = "ACC7731903" };
        await store.SaveAsync(corrected);
        Assert.Single(await RowsAsync(TableReidentificationStore.DefaultTableName));
        Assert.Equal(corrected, await store.GetAsync(_tenant, Study, "svc:delivery", "report-delivery"));
    }

    [Fact]
    public async Task A_missing_entry_returns_null_and_is_audited_as_not_found()
    {
        var audit = new TableAuditLog(Service);
        var store = new TableReidentificationStore(Service, _keys, audit);

        Assert.Null(await store.GetAsync(_tenant, "2.25.404", "user:rad-17", "report-delivery"));

        var record = Assert.Single(await audit.ReadNewestAsync(_tenant, 10));
        Assert.Equal((AuditOutcome.NotFound, "2.25.404"), (record.Outcome, record.TargetId));
    }

    [Fact]
    public async Task A_read_without_a_purpose_is_denied_and_audited()
    {
        var audit = new TableAuditLog(Service);
        var store = new TableReidentificationStore(Service, _keys, audit);
        await store.SaveAsync(Planted.Entry(_tenant));

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => store.GetAsync(_tenant, Study, "user:rad-17", " "));

        var record = Assert.Single(await audit.ReadNewestAsync(_tenant, 10));
        Assert.Equal((AuditOutcome.Denied, EncryptedReidentificationStore.Unidentified), (record.Outcome, record.Purpose));
    }

    [Fact]
    public async Task A_tampered_row_fails_and_is_audited_as_failed()
    {
        var audit = new TableAuditLog(Service);
        var store = new TableReidentificationStore(Service, _keys, audit);
        await store.SaveAsync(Planted.Entry(_tenant));
        var table = Service.GetTableClient(TableReidentificationStore.DefaultTableName);
        var row = (await table.GetEntityAsync<TableEntity>(_tenant, Study)).Value;
        var bytes = row.GetBinary("Record");
        bytes[^3] ^= 0x10;
        row["Record"] = bytes;
        await table.UpdateEntityAsync(row, row.ETag);

        var error = await Assert.ThrowsAsync<ReidentificationMapException>(() => store.GetAsync(_tenant, Study, "user:rad-17", "report-delivery"));

        Assert.Empty(Planted.FoundIn(error.Message));
        Assert.Equal(AuditOutcome.Failed, Assert.Single(await audit.ReadNewestAsync(_tenant, 10)).Outcome);
    }

    [Fact]
    public async Task A_row_copied_to_another_study_does_not_open()
    {
        var store = new TableReidentificationStore(Service, _keys, new TableAuditLog(Service));
        await store.SaveAsync(Planted.Entry(_tenant));
        var table = Service.GetTableClient(TableReidentificationStore.DefaultTableName);
        var row = (await table.GetEntityAsync<TableEntity>(_tenant, Study)).Value;
        await table.AddEntityAsync(new TableEntity(_tenant, "2.25.777") { ["Record"] = row.GetBinary("Record") });

        await Assert.ThrowsAsync<ReidentificationMapException>(() => store.GetAsync(_tenant, "2.25.777", "user:rad-17", "report-delivery"));
    }

    [Fact]
    public async Task No_data_is_returned_when_the_audit_table_cannot_be_written()
    {
        await new TableReidentificationStore(Service, _keys, new TableAuditLog(Service)).SaveAsync(Planted.Entry(_tenant));
        // "a" is not a valid table name (3-63 characters), so every audit insert fails.
        var store = new TableReidentificationStore(Service, _keys, new TableAuditLog(Service, "a"));

        await Assert.ThrowsAsync<global::Azure.RequestFailedException>(() => store.GetAsync(_tenant, Study, "user:rad-17", "report-delivery"));
    }

    [Fact]
    public async Task An_entry_too_large_for_one_table_property_is_refused_clearly()
    {
        var store = new TableReidentificationStore(Service, _keys, new TableAuditLog(Service));
        var huge = Planted.Entry(_tenant, patientName: new string('Q', 70_000));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.SaveAsync(huge));

        Assert.Contains("at most 65536", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("QQQQ", error.Message, StringComparison.Ordinal);
        Assert.Empty(await RowsAsync(TableReidentificationStore.DefaultTableName));
    }

    [Fact]
    public async Task The_audit_rows_of_every_kind_of_read_hold_no_identifier()
    {
        var audit = new TableAuditLog(Service);
        var store = new TableReidentificationStore(Service, _keys, audit);
        await store.SaveAsync(Planted.Entry(_tenant));
        await store.GetAsync(_tenant, Study, "user:rad-17", "report-delivery");
        await store.GetAsync(_tenant, "2.25.404", "user:rad-17", "report-delivery");
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => store.GetAsync(_tenant, Study, "Zyxwvut^Quillon", "report-delivery"));

        var rows = await RowsAsync(TableAuditLog.DefaultTableName);
        Assert.Equal(3, rows.Count);
        Assert.Empty(Planted.FoundIn(string.Join("\n", rows.Select(RowText))));
        Assert.Equal([AuditOutcome.Denied, AuditOutcome.NotFound, AuditOutcome.Granted], (await audit.ReadNewestAsync(_tenant, 10)).Select(r => r.Outcome));
    }

    private async Task<List<TableEntity>> RowsAsync(string tableName)
    {
        var rows = new List<TableEntity>();
        var table = Service.GetTableClient(tableName);
        await table.CreateIfNotExistsAsync();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {_tenant}")))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Every property of a row as text (binary values as UTF-8 and as raw bytes, to catch both).</summary>
    private static string RowText(TableEntity row)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in row)
        {
            text.Append(key).Append('=').Append(value is byte[] bytes ? Encoding.Latin1.GetString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        }

        return text.ToString();
    }
}
