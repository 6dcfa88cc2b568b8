using Azure.Data.Tables;
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
        await state.RecordAsync("t1", new LedgerEntry("obj-1", "\"0x8DD\"", LedgerEntry.Accepted, "sop-1", at, "study-1", 3));
        var found = await state.FindAsync("t1", "obj-1", "\"0x8DD\"");
        Assert.Equal(new LedgerEntry("obj-1", "\"0x8DD\"", LedgerEntry.Accepted, "sop-1", at, "study-1", 3), found);
        Assert.Null(await state.FindAsync("t1", "obj-1", "\"0x8DE\"")); // another version of the object
        Assert.Null(await state.FindAsync("t2", "obj-1", "\"0x8DD\"")); // another tenant
    }

    [Fact]
    public async Task Instance_records_round_trip_and_a_new_version_replaces_the_old()
    {
        var state = new TableIngestionState(azurite.CreateTableServiceClient());
        var first = new InstanceRecord("t1", "2.25.1", "2.25.2", "aa", 1, "obj-1", "t1/u1/a.dcm");
        await state.SaveInstanceAsync(first);
        Assert.Equal(first, (await state.FindInstanceAsync("t1", "2.25.1", "2.25.2"))! with { RowVersion = null });
        var second = first with { ContentSha256 = "bb", Version = 2, ObjectId = "obj-2", ObjectName = "t1/u2/a.dcm" };
        await state.SaveInstanceAsync(second);
        Assert.Equal(second, (await state.FindInstanceAsync("t1", "2.25.1", "2.25.2"))! with { RowVersion = null });
        Assert.Null(await state.FindInstanceAsync("t1", "2.25.1", "2.25.3"));
    }

    [Fact]
    public async Task A_result_is_recorded_only_for_the_version_it_was_made_from_and_the_study_lists_them()
    {
        var state = new TableIngestionState(azurite.CreateTableServiceClient());
        var (study, b, result) = await RegisterTwoAsync(state);
        Assert.True(await state.SaveResultAsync("t1", study, "2.25.10", 1, result, late: true));

        // b moved on to version 2 while its version 1 was being de-identified: that result must not stick to version 2.
        await state.SaveInstanceAsync(b with { ContentSha256 = "cc", Version = 2 });
        Assert.False(await state.SaveResultAsync("t1", study, "2.25.11", 1, result with { SopKey = "2.25.11" }, late: false));
        Assert.False(await state.SaveResultAsync("t1", study, "2.25.99", 1, result, late: false)); // never registered

        var listed = await state.ListInstancesAsync("t1", study);
        Assert.Equal(2, listed.Count);
        var done = Assert.Single(listed, r => r.IsDone);
        Assert.Equal("2.25.10", done.SopKey);
        Assert.Equal(result, done.Result);
        Assert.True(done.Late);
        Assert.Null(listed.Single(r => r.SopKey == "2.25.11").Result);
        Assert.Empty(await state.ListInstancesAsync("t2", study)); // another tenant's partition
    }

    /// <summary>The de-identify activity saves its result conditionally on the row it read: one update (and the marker's
    /// delete), no second read; a row replaced since that read is re-read and the result refused.</summary>
    [Fact]
    public async Task A_result_for_a_record_just_read_is_saved_without_reading_it_again_unless_it_changed()
    {
        var log = new RequestLog();
        var state = new TableIngestionState(new TableServiceClient(azurite.ConnectionString, log.TableOptions()));
        var (study, b, result) = await RegisterTwoAsync(state);

        var readA = (await state.FindInstanceAsync("t1", study, "2.25.10"))!;
        Assert.NotNull(readA.RowVersion);
        log.Clear();
        Assert.True(await state.SaveResultAsync(readA, result, late: false));
        Assert.Equal(["PATCH", "DELETE"], log.Entries.Select(e => e.Method));
        Assert.True((await state.FindInstanceAsync("t1", study, "2.25.10"))!.IsDone);

        // b's version 1 was read, then version 2 arrived: the conditional update fails, the re-read sees version 2.
        var readB = (await state.FindInstanceAsync("t1", study, "2.25.11"))!;
        await state.SaveInstanceAsync(b with { ContentSha256 = "cc", Version = 2 });
        Assert.False(await state.SaveResultAsync(readB, result with { SopKey = "2.25.11" }, late: false));
        var now = (await state.FindInstanceAsync("t1", study, "2.25.11"))!;
        Assert.Equal((2, false), (now.Version, now.IsDone));
        Assert.Null(now.Result);
    }

    /// <summary>Registered and not de-identified: a marker the sweep lists; the result clears it, unless a newer version replaced it.</summary>
    [Fact]
    public async Task Instances_not_yet_deidentified_are_listed_as_stalled_until_their_result_is_saved()
    {
        var state = new TableIngestionState(azurite.CreateTableServiceClient());
        var study = "2.25." + Guid.NewGuid().ToString("N")[..12];
        var a = new InstanceRecord("t1", study, "2.25.30", "aa", 1, "obj-a", "t1/u/a.dcm");
        var b = new InstanceRecord("t1", study, "2.25.31", "bb", 1, "obj-b", "t1/u/b.dcm");
        await state.SaveInstanceAsync(a);
        await state.SaveInstanceAsync(b);
        Task<List<string>> StalledAsync(DateTimeOffset before) => StalledOfStudyAsync(state, study, before);

        Assert.Empty(await StalledAsync(DateTimeOffset.UtcNow.AddMinutes(-5))); // registered just now: not older than that
        Assert.Equal(["2.25.30 v1", "2.25.31 v1"], await StalledAsync(DateTimeOffset.UtcNow.AddMinutes(5)));

        // The sweep's count and time are kept on the marker.
        var swept = DateTimeOffset.UtcNow;
        await foreach (var s in state.ListStalledAsync(DateTimeOffset.UtcNow.AddMinutes(5)))
        {
            if (s.StudyKey == study && s.SopKey == "2.25.31")
            {
                await state.MarkSweptAsync(s, swept);
                await state.MarkSweptAsync(s with { Sweeps = 1 }, swept);
            }
        }

        await foreach (var s in state.ListStalledAsync(DateTimeOffset.UtcNow.AddMinutes(5)))
        {
            if (s.StudyKey == study)
            {
                Assert.Equal(s.SopKey == "2.25.31" ? (2, (DateTimeOffset?)swept) : (0, null), (s.Sweeps, s.LastSweptAt));
            }
        }

        var result = new DeidentifiedInstance("t1", study, "2.25.40", "2.25.30", DeidentifiedInstance.Deidentified, null, "CT", null, null, 10, "t1/x.dcm");
        Assert.True(await state.SaveResultAsync("t1", study, "2.25.30", 1, result, late: false));
        Assert.Equal(["2.25.31 v1"], await StalledAsync(DateTimeOffset.UtcNow.AddMinutes(5)));

        // b's version 2 arrives while version 1 is being de-identified: version 1's result does not clear version 2's marker.
        await state.SaveInstanceAsync(b with { ContentSha256 = "cc", Version = 2 });
        Assert.False(await state.SaveResultAsync("t1", study, "2.25.31", 1, result with { SopKey = "2.25.31" }, late: false));
        Assert.Equal(["2.25.31 v2"], await StalledAsync(DateTimeOffset.UtcNow.AddMinutes(5)));
        Assert.True(await state.SaveResultAsync("t1", study, "2.25.31", 2, result with { SopKey = "2.25.31" }, late: false));
        Assert.Empty(await StalledAsync(DateTimeOffset.UtcNow.AddMinutes(5)));

        // A sweep recorded after the result does not bring the marker back.
        await state.MarkSweptAsync(new StalledInstance("t1", study, "2.25.31", 2, swept), swept);
        Assert.Empty(await StalledAsync(DateTimeOffset.UtcNow.AddMinutes(5)));
    }

    /// <summary>Two instances of a new study registered (2.25.10 and 2.25.11, version 1), and a result for 2.25.10.</summary>
    private static async Task<(string Study, InstanceRecord Second, DeidentifiedInstance Result)> RegisterTwoAsync(TableIngestionState state)
    {
        var study = "2.25." + Random.Shared.NextInt64(1, long.MaxValue);
        var a = new InstanceRecord("t1", study, "2.25.10", "aa", 1, "obj-a", "t1/u1/a.dcm");
        var b = new InstanceRecord("t1", study, "2.25.11", "bb", 1, "obj-b", "t1/u1/b.dcm");
        await state.SaveInstanceAsync(a);
        await state.SaveInstanceAsync(b);
        return (study, b, new DeidentifiedInstance("t1", study, "2.25.20", "2.25.10", DeidentifiedInstance.Deidentified, null, "CT", "HEAD", "STAT", 1234, "t1/x/y/z.dcm", "nw-ed"));
    }

    /// <summary>
    /// A marker whose delete failed after its result was saved (the retried activity finds the instance done and never
    /// returns to it), or one a newer version made obsolete, is not reported as stalled: the listing removes it, so the
    /// sweep does not signal a finished study forever and end by alerting operations for nothing.
    /// </summary>
    [Fact]
    public async Task A_marker_left_behind_by_a_failed_delete_is_removed_by_the_listing_not_reported()
    {
        var client = azurite.CreateTableServiceClient();
        var state = new TableIngestionState(client);
        var study = "2.25." + Guid.NewGuid().ToString("N")[..12];
        var done = new InstanceRecord("t1", study, "2.25.50", "aa", 1, "obj-a", "t1/u/a.dcm");
        var replaced = new InstanceRecord("t1", study, "2.25.51", "bb", 1, "obj-b", "t1/u/b.dcm");
        var waiting = new InstanceRecord("t1", study, "2.25.52", "cc", 1, "obj-c", "t1/u/c.dcm");
        foreach (var record in new[] { done, replaced, waiting })
        {
            await state.SaveInstanceAsync(record);
        }

        var result = new DeidentifiedInstance("t1", study, "2.25.60", "2.25.50", DeidentifiedInstance.Deidentified, null, "CT", null, null, 10, "t1/x.dcm");
        Assert.True(await state.SaveResultAsync("t1", study, "2.25.50", 1, result, late: false));
        await state.SaveInstanceAsync(replaced with { ContentSha256 = "dd", Version = 2 });

        // Put back the markers the result and the new version removed, as if those deletes had failed.
        var table = client.GetTableClient(TableIngestionState.InstancesTable);
        foreach (var (sop, version) in new[] { ("2.25.50", 1), ("2.25.51", 1) })
        {
            await table.UpsertEntityAsync(new TableEntity(TableIngestionState.PendingPartition, $"t1_{study}_{sop}_v{version}")
            {
                ["Tenant"] = "t1", ["StudyKey"] = study, ["SopKey"] = sop, ["Version"] = version, ["RegisteredAt"] = DateTimeOffset.UtcNow,
            });
        }

        Assert.Equal(["2.25.51 v2", "2.25.52 v1"], await StalledOfStudyAsync(state, study, DateTimeOffset.UtcNow.AddMinutes(5)));
        Assert.False((await table.GetEntityIfExistsAsync<TableEntity>(TableIngestionState.PendingPartition, $"t1_{study}_2.25.50_v1")).HasValue);
        Assert.False((await table.GetEntityIfExistsAsync<TableEntity>(TableIngestionState.PendingPartition, $"t1_{study}_2.25.51_v1")).HasValue);
        Assert.True((await table.GetEntityIfExistsAsync<TableEntity>(TableIngestionState.PendingPartition, $"t1_{study}_2.25.52_v1")).HasValue);
    }

    /// <summary>
    /// A de-identify batch records its results together: one transaction merges them (each conditional on the row it
    /// read), one removes their markers. When a row changed since its read, the transaction writes nothing and each
    /// result is decided on its own: the changed one is refused, the others saved.
    /// </summary>
    [Fact]
    public async Task Results_of_one_study_are_saved_in_two_transactions_and_one_by_one_when_a_row_changed()
    {
        var log = new RequestLog();
        var state = new TableIngestionState(new TableServiceClient(azurite.ConnectionString, log.TableOptions()));
        var study = "2.25." + Guid.NewGuid().ToString("N")[..12];
        var sops = new[] { "2.25.70", "2.25.71", "2.25.72", "2.25.73" };
        foreach (var (sop, i) in sops.Select((sop, i) => (sop, i)))
        {
            await state.SaveInstanceAsync(new InstanceRecord("t1", study, sop, "h" + i, 1, "obj-" + i, $"t1/u/{i}.dcm"));
        }

        var read = new List<InstanceRecord>();
        foreach (var sop in sops)
        {
            read.Add((await state.FindInstanceAsync("t1", study, sop))!);
        }

        DeidentifiedInstance Result(string sop) => new("t1", study, "2.25.80", sop, DeidentifiedInstance.Deidentified, null, "CT", null, null, 10, $"t1/{sop}.dcm");
        log.Clear();
        var saved = await state.SaveResultsAsync([.. read.Take(2).Select(r => (r, Result(r.SopKey)))], late: false);
        Assert.Equal([true, true], saved);
        Assert.Equal(["POST", "POST"], log.Entries.Select(e => e.Method)); // two $batch requests
        Assert.Equal(["2.25.72 v1", "2.25.73 v1"], await StalledOfStudyAsync(state, study, DateTimeOffset.UtcNow.AddMinutes(5)));

        // The third one's row gets a new version after it was read: it is refused, the fourth is saved (late, as asked).
        await state.SaveInstanceAsync(read[2] with { ContentSha256 = "new", Version = 2, RowVersion = null });
        saved = await state.SaveResultsAsync([(read[2], Result("2.25.72")), (read[3], Result("2.25.73"))], late: true);
        Assert.Equal([false, true], saved);
        var listed = await state.ListInstancesAsync("t1", study);
        Assert.Equal(["2.25.70", "2.25.71", "2.25.73"], listed.Where(r => r.IsDone).Select(r => r.SopKey));
        Assert.True(listed.Single(r => r.SopKey == "2.25.73").Late);
        Assert.Equal((2, false), listed.Where(r => r.SopKey == "2.25.72").Select(r => (r.Version, r.IsDone)).Single());
        Assert.Equal(["2.25.72 v2"], await StalledOfStudyAsync(state, study, DateTimeOffset.UtcNow.AddMinutes(5)));
    }

    /// <summary>The study's instances the registry lists as stalled (registered before <paramref name="before"/>), as "sop vN", sorted.</summary>
    private static async Task<List<string>> StalledOfStudyAsync(TableIngestionState state, string study, DateTimeOffset before)
    {
        var found = new List<string>();
        await foreach (var s in state.ListStalledAsync(before))
        {
            if (s.StudyKey == study)
            {
                found.Add($"{s.SopKey} v{s.Version}");
            }
        }

        return [.. found.Order(StringComparer.Ordinal)];
    }
}
