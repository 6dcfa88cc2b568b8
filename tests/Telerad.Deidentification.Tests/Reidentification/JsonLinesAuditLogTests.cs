using Telerad.Auditing;

namespace Telerad.Deidentification.Tests.Reidentification;

public sealed class JsonLinesAuditLogTests : IDisposable
{
    private readonly string _dir = Planted.TempDirectory();

    [Fact]
    public async Task Concurrent_writers_each_leave_one_whole_line()
    {
        // Four logs on one file, each with its own file handles, as four processes would have.
        var path = Path.Combine(_dir, "audit.jsonl");
        var logs = Enumerable.Range(0, 4).Select(_ => new JsonLinesAuditLog(path)).ToArray();
        var start = DateTimeOffset.UtcNow;
        await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(() =>
            logs[i % 4].WriteAsync(new AuditRecord(start.AddTicks(i), "tenant-a", $"user:{i}", AuditActions.ReidentificationRead, "2.25.1", "report-delivery", AuditOutcome.Granted)))));

        var records = JsonLinesAuditLog.ReadAll(path);
        Assert.Equal(Enumerable.Range(0, 400).Select(i => $"user:{i}").Order(StringComparer.Ordinal), records.Select(r => r.Actor).Order(StringComparer.Ordinal));
        Assert.Equal(400, File.ReadAllLines(path).Length);
        foreach (var log in logs)
        {
            log.Dispose();
        }
    }

    [Fact]
    public async Task A_line_still_being_written_is_not_read_yet()
    {
        var path = Path.Combine(_dir, "audit.jsonl");
        using var log = new JsonLinesAuditLog(path);
        await log.WriteAsync(new AuditRecord(DateTimeOffset.UtcNow, "tenant-a", "user:1", AuditActions.ReidentificationRead, "2.25.1", "report-delivery", AuditOutcome.Granted));
        File.AppendAllText(path, "{\"time\":\"2025-01-01T00:00:00Z\",\"tena");

        Assert.Equal("user:1", Assert.Single(JsonLinesAuditLog.ReadAll(path)).Actor);
    }

    [Theory]
    [InlineData("Zyxwvut^Quillon")]
    [InlineData("report for patient")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("-leading-dash")]
    public void Audit_records_refuse_anything_that_is_not_an_opaque_id(string value)
    {
        var now = DateTimeOffset.UtcNow;
        Assert.Throws<ArgumentException>(() => new AuditRecord(now, "tenant-a", value, AuditActions.ReidentificationRead, "2.25.1", "p", AuditOutcome.Granted));
        Assert.Throws<ArgumentException>(() => new AuditRecord(now, "tenant-a", "user:1", AuditActions.ReidentificationRead, "2.25.1", value, AuditOutcome.Granted));
        Assert.Throws<ArgumentException>(() => new AuditRecord(now, "tenant-a", "user:1", AuditActions.ReidentificationRead, value, "p", AuditOutcome.Granted));
        var error = Assert.Throws<ArgumentException>(() => new AuditRecord(now, value, "user:1", AuditActions.ReidentificationRead, "2.25.1", "p", AuditOutcome.Granted));
        if (value.Length > 0)
        {
            Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_damaged_line_is_reported_by_number()
    {
        var path = Path.Combine(_dir, "audit.jsonl");
        File.WriteAllText(path, "{\"time\":\"2025-01-01T00:00:00Z\",\"tenantId\":\"t\",\"actor\":\"a\",\"action\":\"x\",\"targetId\":\"1\",\"purpose\":\"p\",\"outcome\":\"Granted\"}\n{\"time\":\n");

        var error = Assert.Throws<InvalidDataException>(() => JsonLinesAuditLog.ReadAll(path));
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
