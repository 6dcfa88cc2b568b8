using Telerad.Auditing;

namespace Telerad.Deidentification.Tests.Reidentification;

public sealed class JsonLinesAuditLogTests : IDisposable
{
    private readonly string _dir = Planted.TempDirectory();

    [Fact]
    public async Task Concurrent_writers_each_leave_one_whole_line()
    {
        var path = Path.Combine(_dir, "audit.jsonl");
        using var first = new JsonLinesAuditLog(path);
        using var second = new JsonLinesAuditLog(path); // a second writer on the same file, as a second process would be
        var start = DateTimeOffset.UtcNow;
        var writes = Enumerable.Range(0, 200).Select(i =>
            (i % 2 == 0 ? first : second).WriteAsync(new AuditRecord(start.AddTicks(i), "tenant-a", $"user:{i}", AuditActions.ReidentificationRead, "2.25.1", "report-delivery", AuditOutcome.Granted)));
        await Task.WhenAll(writes);

        var records = JsonLinesAuditLog.ReadAll(path);
        Assert.Equal(200, records.Count);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"user:{i}").Order(StringComparer.Ordinal), records.Select(r => r.Actor).Order(StringComparer.Ordinal));
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
