using Telerad.Ingestion;

namespace Telerad.Azure.Tests;

/// <summary>The ingestion ledger and instance registry on real Azure Tables (Azurite).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableIngestionStateTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Ledger_entries_are_keyed_by_object_and_version()
    {
        var state = new TableIngestionState(azurite.CreateTableServiceClient());
        var at = new DateTimeOffset(2026, 11, 28, 1, 2, 3, TimeSpan.Zero);
        await state.RecordAsync("t1", new LedgerEntry("obj-1", "\"0x8DD\"", LedgerEntry.Accepted, "sop-1", at));
        var found = await state.FindAsync("t1", "obj-1", "\"0x8DD\"");
        Assert.Equal(new LedgerEntry("obj-1", "\"0x8DD\"", LedgerEntry.Accepted, "sop-1", at), found);
        Assert.Null(await state.FindAsync("t1", "obj-1", "\"0x8DE\"")); // another version of the object
        Assert.Null(await state.FindAsync("t2", "obj-1", "\"0x8DD\"")); // another tenant
    }

    [Fact]
    public async Task Instance_records_round_trip_and_a_new_version_replaces_the_old()
    {
        var state = new TableIngestionState(azurite.CreateTableServiceClient());
        var first = new InstanceRecord("t1", "2.25.1", "2.25.2", "aa", 1, "obj-1", "t1/u1/a.dcm");
        await state.SaveInstanceAsync(first);
        Assert.Equal(first, await state.FindInstanceAsync("t1", "2.25.1", "2.25.2"));
        var second = first with { ContentSha256 = "bb", Version = 2, ObjectId = "obj-2", ObjectName = "t1/u2/a.dcm" };
        await state.SaveInstanceAsync(second);
        Assert.Equal(second, await state.FindInstanceAsync("t1", "2.25.1", "2.25.2"));
        Assert.Null(await state.FindInstanceAsync("t1", "2.25.1", "2.25.3"));
    }
}
