using Telerad.Auditing;
using Telerad.Reading.Worklist;

namespace Telerad.Azure.Tests;

/// <summary>The worklist projection and the audit index on real Azurite tables.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableReadingWorklistTests(AzuriteFixture azurite)
{
    private readonly string _tenant = Planted.NewTenant();
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 8, 0, 0, TimeSpan.Zero);

    private ReadingWorklistEntry Entry(string study, string status = WorklistStatus.Unassigned, string? reader = null, decimal rvu = 1.75m) => new()
    {
        Tenant = _tenant,
        StudyKey = study,
        Status = status,
        RadiologistId = reader,
        Priority = "ROUTINE",
        PriorityReason = "order-routine",
        Modality = "CT",
        BodyPart = "HEAD",
        FacilityId = "fac-main",
        ReferrerId = "ref-ed",
        Rvu = rvu,
        StartedUtc = T0,
        UpdatedUtc = T0,
    };

    [Fact]
    public async Task Registration_then_progress_keeps_the_study_facts_and_applies_the_workflow_columns()
    {
        var worklist = new TableReadingWorklist(azurite.CreateTableServiceClient(), "wl" + Guid.NewGuid().ToString("N")[..10]);
        await worklist.RegisterAsync(Entry("2.25.1", rvu: 1.37m) with { AiFlagged = true });
        await worklist.UpdateAsync(new ReadingProgress(_tenant, "2.25.1", WorklistStatus.Offered, "rad-a", "STAT", "ai-critical-upgrade", T0.UtcDateTime.AddMinutes(45), 1, Warned: false, Breached: false), T0.AddSeconds(3));

        var row = await worklist.GetAsync(_tenant, "2.25.1");
        Assert.NotNull(row);
        Assert.Equal((WorklistStatus.Offered, "rad-a", "STAT", "ai-critical-upgrade", 1), (row.Status, row.RadiologistId, row.Priority, row.PriorityReason, row.Assignment));
        Assert.Equal((T0.AddMinutes(45), T0.AddSeconds(3), T0), (row.DeadlineUtc, row.UpdatedUtc, row.StartedUtc));
        Assert.Equal(("CT", "HEAD", "fac-main", "ref-ed", 1.37m, true), (row.Modality, row.BodyPart, row.FacilityId, row.ReferrerId, row.Rvu, row.AiFlagged));
        Assert.Null(await worklist.GetAsync(_tenant, "2.25.404"));
    }

    [Fact]
    public async Task Open_rows_list_all_or_one_readers_and_closed_ones_drop_out()
    {
        var worklist = new TableReadingWorklist(azurite.CreateTableServiceClient(), "wl" + Guid.NewGuid().ToString("N")[..10]);
        await worklist.RegisterAsync(Entry("2.25.1", WorklistStatus.Offered, "rad-a"));
        await worklist.RegisterAsync(Entry("2.25.2", WorklistStatus.Accepted, "rad-b"));
        await worklist.RegisterAsync(Entry("2.25.3", WorklistStatus.Unassigned));
        await worklist.RegisterAsync(Entry("2.25.4", WorklistStatus.Preliminary, "rad-a"));
        await worklist.RegisterAsync(Entry("2.25.5", WorklistStatus.Reported, "rad-a"));
        await worklist.RegisterAsync(Entry("2.25.6", WorklistStatus.Cancelled, "rad-a"));

        Assert.Equal(["2.25.1", "2.25.2", "2.25.3", "2.25.4"], (await worklist.ListOpenAsync()).Select(e => e.StudyKey).Order(StringComparer.Ordinal));
        Assert.Equal(["2.25.1", "2.25.4"], (await worklist.ListOpenAsync("rad-a")).Select(e => e.StudyKey).Order(StringComparer.Ordinal));

        // The reader's study is reported: it leaves the worklist.
        await worklist.UpdateAsync(new ReadingProgress(_tenant, "2.25.4", WorklistStatus.Reported, "rad-a", "ROUTINE", "order-routine", T0.UtcDateTime, 1, false, false), T0);
        Assert.Equal(["2.25.1"], (await worklist.ListOpenAsync("rad-a")).Select(e => e.StudyKey));
    }

    [Fact]
    public async Task The_audit_index_answers_one_studys_timeline_oldest_first_and_skips_per_instance_ingestion_records()
    {
        var service = azurite.CreateTableServiceClient();
        var index = new TableAuditLog(service, "au" + Guid.NewGuid().ToString("N")[..10]);
        var immutable = new RecordingAudit();
        var audit = new IndexedAuditLog(immutable, index);
        await audit.WriteAsync(new AuditRecord(T0.AddSeconds(2), _tenant, "rad-a", "api.accept", "2.25.1", "link", AuditOutcome.Granted));
        await audit.WriteAsync(new AuditRecord(T0, _tenant, "system", "reading.assigned", "2.25.1", "a1:rad-a", AuditOutcome.Granted));
        await audit.WriteAsync(new AuditRecord(T0.AddSeconds(1), _tenant, "system", "reading.assigned", "2.25.2", "a1:rad-b", AuditOutcome.Granted));
        await audit.WriteAsync(new AuditRecord(T0.AddSeconds(3), _tenant, "uploader", AuditActions.IngestionAccepted, "2.25.1", "ingest", AuditOutcome.Granted));

        var timeline = await audit.ForTargetAsync(_tenant, "2.25.1", 100);
        Assert.Equal(["reading.assigned", "api.accept"], timeline.Select(r => r.Action));
        Assert.Equal(4, immutable.Count); // the immutable copy has everything
        Assert.Empty(await audit.ForTargetAsync(Planted.NewTenant(), "2.25.1", 100));
    }

    private sealed class RecordingAudit : IAuditLog
    {
        public int Count { get; private set; }

        public Task WriteAsync(AuditRecord record, CancellationToken cancellationToken = default)
        {
            Count++;
            return Task.CompletedTask;
        }
    }
}
