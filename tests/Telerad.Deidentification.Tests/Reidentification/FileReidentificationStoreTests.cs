using System.Text;
using Telerad.Auditing;

namespace Telerad.Deidentification.Tests.Reidentification;

public sealed class FileReidentificationStoreTests : IDisposable
{
    private readonly string _dir = Planted.TempDirectory();
    private readonly InMemoryKeys _keys = new();
    private readonly JsonLinesAuditLog _audit;
    private readonly FileReidentificationStore _store;

    public FileReidentificationStoreTests()
    {
        _audit = new JsonLinesAuditLog(Path.Combine(_dir, "audit", "audit.jsonl"));
        _store = new FileReidentificationStore(Path.Combine(_dir, "maps"), _keys, _audit);
    }

    [Fact]
    public async Task A_saved_entry_reads_back_and_the_read_is_audited()
    {
        var entry = Planted.Entry();
        await _store.SaveAsync(entry);

        var read = await _store.GetAsync(Planted.Tenant, Planted.DeidentifiedStudyUid, "user:rad-17", "report-delivery");

        Assert.Equal(entry, read);
        var record = Assert.Single(JsonLinesAuditLog.ReadAll(_audit.Path));
        Assert.Equal((Planted.Tenant, "user:rad-17", AuditActions.ReidentificationRead, Planted.DeidentifiedStudyUid, "report-delivery", AuditOutcome.Granted),
            (record.TenantId, record.Actor, record.Action, record.TargetId, record.Purpose, record.Outcome));
        Assert.InRange(record.Time, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task No_data_is_returned_when_the_audit_record_cannot_be_written()
    {
        await _store.SaveAsync(Planted.Entry());
        var failingStore = new FileReidentificationStore(Path.Combine(_dir, "maps"), _keys, new FailingAuditLog());

        await Assert.ThrowsAsync<IOException>(() => failingStore.GetAsync(Planted.Tenant, Planted.DeidentifiedStudyUid, "user:rad-17", "report-delivery"));
    }

    [Fact]
    public async Task The_audit_record_is_written_before_the_data_is_returned()
    {
        await _store.SaveAsync(Planted.Entry());
        var spy = new SpyAuditLog();
        var store = new FileReidentificationStore(Path.Combine(_dir, "maps"), _keys, spy);

        var pending = store.GetAsync(Planted.Tenant, Planted.DeidentifiedStudyUid, "user:rad-17", "report-delivery");
        await spy.Called.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(pending.IsCompleted); // the read waits for the audit write to finish
        spy.Release.SetResult();

        Assert.NotNull(await pending);
        Assert.Equal(AuditOutcome.Granted, Assert.Single(spy.Records).Outcome);
    }

    [Fact]
    public async Task Saving_again_is_idempotent_and_a_changed_entry_replaces_the_old_one()
    {
        var entry = Planted.Entry();
        await _store.SaveAsync(entry);
        await _store.SaveAsync(entry);
        await _store.SaveAsync(entry);

        var files = Directory.GetFiles(Path.Combine(_dir, "maps"), "*", SearchOption.AllDirectories);
        Assert.Equal([_store.PathOf(Planted.Tenant, Planted.DeidentifiedStudyUid)], files);
        Assert.Equal(entry, await _store.GetAsync(Planted.Tenant, Planted.DeidentifiedStudyUid, "svc:delivery", "report-delivery"));

        var corrected = entry with { AccessionNumber = "ACC7731903" };
        await _store.SaveAsync(corrected);
        Assert.Equal(corrected, await _store.GetAsync(Planted.Tenant, Planted.DeidentifiedStudyUid, "svc:delivery", "report-delivery"));
    }

    [Fact]
    public async Task The_stored_file_is_owner_only_and_holds_no_identifier()
    {
        await _store.SaveAsync(Planted.Entry());
        var path = _store.PathOf(Planted.Tenant, Planted.DeidentifiedStudyUid);

        Assert.Equal("600", Planted.PermissionsOf(path));
        Assert.Equal("700", Planted.PermissionsOf(Path.GetDirectoryName(path)!));
        Assert.Empty(Planted.FoundIn(File.ReadAllBytes(path)));
    }

    [Fact]
    public async Task A_missing_entry_returns_null_and_is_audited_as_not_found()
    {
        var read = await _store.GetAsync(Planted.Tenant, "2.25.404", "user:rad-17", "report-delivery");

        Assert.Null(read);
        var record = Assert.Single(JsonLinesAuditLog.ReadAll(_audit.Path));
        Assert.Equal((AuditOutcome.NotFound, "2.25.404"), (record.Outcome, record.TargetId));
    }

    [Theory]
    [InlineData("", "report-delivery")]
    [InlineData("user:rad-17", "")]
    [InlineData("Zyxwvut^Quillon", "report-delivery")]
    [InlineData("user:rad-17", "report for Zyxwvut^Quillon")]
    public async Task A_read_without_a_proper_actor_and_purpose_is_denied_and_audited(string actor, string purpose)
    {
        await _store.SaveAsync(Planted.Entry());

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _store.GetAsync(Planted.Tenant, Planted.DeidentifiedStudyUid, actor, purpose));

        var record = Assert.Single(JsonLinesAuditLog.ReadAll(_audit.Path));
        Assert.Equal(AuditOutcome.Denied, record.Outcome);
        Assert.Empty(Planted.FoundIn(File.ReadAllBytes(_audit.Path)));
    }

    [Fact]
    public async Task A_tampered_file_fails_and_is_audited_as_failed()
    {
        await _store.SaveAsync(Planted.Entry());
        var path = _store.PathOf(Planted.Tenant, Planted.DeidentifiedStudyUid);
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0x80;
        File.WriteAllBytes(path, bytes);

        await Assert.ThrowsAsync<ReidentificationMapException>(() => _store.GetAsync(Planted.Tenant, Planted.DeidentifiedStudyUid, "user:rad-17", "report-delivery"));

        Assert.Equal(AuditOutcome.Failed, Assert.Single(JsonLinesAuditLog.ReadAll(_audit.Path)).Outcome);
    }

    [Fact]
    public async Task A_read_whose_keys_cannot_be_loaded_is_audited_as_failed()
    {
        await _store.SaveAsync(Planted.Entry());
        var store = new FileReidentificationStore(Path.Combine(_dir, "maps"), new BrokenKeys(), _audit);

        await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync(Planted.Tenant, Planted.DeidentifiedStudyUid, "user:rad-17", "report-delivery"));

        Assert.Equal(AuditOutcome.Failed, Assert.Single(JsonLinesAuditLog.ReadAll(_audit.Path)).Outcome);
    }

    [Fact]
    public async Task A_file_copied_into_another_studys_place_does_not_open()
    {
        await _store.SaveAsync(Planted.Entry());
        var other = _store.PathOf(Planted.Tenant, "2.25.777");
        File.Copy(_store.PathOf(Planted.Tenant, Planted.DeidentifiedStudyUid), other);

        await Assert.ThrowsAsync<ReidentificationMapException>(() => _store.GetAsync(Planted.Tenant, "2.25.777", "user:rad-17", "report-delivery"));
    }

    [Fact]
    public async Task The_audit_trail_of_every_kind_of_read_holds_no_identifier_and_is_plain_JSON_lines()
    {
        await _store.SaveAsync(Planted.Entry());
        await _store.GetAsync(Planted.Tenant, Planted.DeidentifiedStudyUid, "user:rad-17", "report-delivery");
        await _store.GetAsync(Planted.Tenant, "2.25.404", "user:rad-17", "report-delivery");
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _store.GetAsync(Planted.Tenant, Planted.DeidentifiedStudyUid, "", "report-delivery"));

        var text = File.ReadAllText(_audit.Path, Encoding.UTF8);
        Assert.Empty(Planted.FoundIn(text));
        Assert.Equal("600", Planted.PermissionsOf(_audit.Path));

        // Python's json module reads every line as an object with exactly the seven audit fields.
        const string script = """
            import sys, json
            for line in open(sys.argv[1], encoding='utf-8'):
                o = json.loads(line)
                assert sorted(o) == ['action', 'actor', 'outcome', 'purpose', 'targetId', 'tenantId', 'time'], sorted(o)
                print(o['outcome'])
            """;
        var result = Telerad.Dicom.Tests.ExternalTool.Run("/usr/bin/python3", ["-c", script, _audit.Path]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(["Granted", "NotFound", "Denied"], result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("../escape", Planted.DeidentifiedStudyUid)]
    [InlineData(Planted.Tenant, "../../etc/passwd")]
    [InlineData(Planted.Tenant, "/abs")]
    public async Task Ids_that_could_leave_the_folder_are_refused(string tenant, string study)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _store.GetAsync(tenant, study, "user:rad-17", "report-delivery"));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.SaveAsync(Planted.Entry(tenant, study)));
    }

    public void Dispose()
    {
        _audit.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private sealed class BrokenKeys : IDeidentificationKeyProvider
    {
        public DeidentificationKeys GetKeys(string tenantId) => throw new InvalidDataException("key file is corrupt");
    }

    private sealed class FailingAuditLog : IAuditLog
    {
        public Task WriteAsync(AuditRecord record, CancellationToken cancellationToken = default) => throw new IOException("audit storage is down");
    }

    private sealed class SpyAuditLog : IAuditLog
    {
        public TaskCompletionSource Called { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<AuditRecord> Records { get; } = [];

        public async Task WriteAsync(AuditRecord record, CancellationToken cancellationToken = default)
        {
            Called.TrySetResult();
            await Release.Task;
            Records.Add(record);
        }
    }
}
