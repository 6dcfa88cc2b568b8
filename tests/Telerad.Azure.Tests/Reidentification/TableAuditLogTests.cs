using Azure.Data.Tables;
using Telerad.Auditing;

namespace Telerad.Azure.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class TableAuditLogTests(AzuriteFixture azurite)
{
    private readonly string _tenant = Planted.NewTenant();

    [Fact]
    public async Task Records_list_newest_first_and_records_of_one_instant_do_not_collide()
    {
        var audit = new TableAuditLog(azurite.CreateTableServiceClient());
        var t0 = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        // Written out of order, two in the same tick, one in another time zone.
        await audit.WriteAsync(Record(t0.AddSeconds(5), "user:b"));
        await audit.WriteAsync(Record(t0, "user:a"));
        await audit.WriteAsync(Record(t0.AddDays(2).ToOffset(TimeSpan.FromHours(-5)), "user:d"));
        await audit.WriteAsync(Record(t0.AddSeconds(5), "user:c"));

        var records = await audit.ReadNewestAsync(_tenant, 10);

        Assert.Equal(4, records.Count);
        Assert.Equal("user:d", records[0].Actor);
        Assert.Equal(["user:b", "user:c"], records.Skip(1).Take(2).Select(r => r.Actor).Order(StringComparer.Ordinal));
        Assert.Equal("user:a", records[3].Actor);
        Assert.Equal(records.Select(r => r.Time).OrderDescending(), records.Select(r => r.Time));
        Assert.Equal(t0.AddDays(2), records[0].Time);
        Assert.Equal(2, (await audit.ReadNewestAsync(_tenant, 2)).Count);
    }

    [Fact]
    public async Task Rows_carry_the_seven_fields_under_the_tenant_partition()
    {
        var service = azurite.CreateTableServiceClient();
        var audit = new TableAuditLog(service);
        var time = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        await audit.WriteAsync(Record(time, "user:a"));

        var row = Assert.Single(service.GetTableClient(TableAuditLog.DefaultTableName).Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {_tenant}")));

        Assert.Equal((DateTime.MaxValue.Ticks - time.UtcTicks).ToString("D19", System.Globalization.CultureInfo.InvariantCulture), row.RowKey[..19]);
        Assert.Equal(time, row.GetDateTimeOffset("Time"));
        Assert.Equal(("user:a", AuditActions.ReidentificationRead, "2.25.1", "report-delivery", "Granted"),
            (row.GetString("Actor"), row.GetString("Action"), row.GetString("TargetId"), row.GetString("Purpose"), row.GetString("Outcome")));
    }

    private AuditRecord Record(DateTimeOffset time, string actor) =>
        new(time, _tenant, actor, AuditActions.ReidentificationRead, "2.25.1", "report-delivery", AuditOutcome.Granted);
}
