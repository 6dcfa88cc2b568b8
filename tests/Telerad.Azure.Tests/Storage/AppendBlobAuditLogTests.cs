using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Telerad.Auditing;
using Telerad.Storage;

namespace Telerad.Azure.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class AppendBlobAuditLogTests(AzuriteFixture azurite)
{
    private readonly string _tenant = Planted.NewTenant();
    private readonly string _container = "audit" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Records_are_json_lines_in_the_append_blob_of_their_UTC_day_and_read_like_the_local_audit_file()
    {
        var log = new AppendBlobAuditLog(new BlobObjectStore(new BlobServiceClient(azurite.ConnectionString)), _container);
        var t0 = new DateTimeOffset(2025, 3, 1, 22, 0, 0, TimeSpan.Zero);
        var records = new[]
        {
            Record(t0, "user:a"),
            Record(new DateTimeOffset(2025, 3, 1, 19, 30, 0, TimeSpan.FromHours(-5)), "user:b"), // 00:30 UTC on 2 March
            Record(t0.AddMinutes(1), "user:c"),
        };
        foreach (var record in records)
        {
            await log.WriteAsync(record);
        }

        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_container);
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = _tenant + "/" }))
        {
            names.Add(blob.Name);
            Assert.Equal(BlobType.Append, blob.Properties.BlobType);
        }

        Assert.Equal([$"{_tenant}/2025/03/01.jsonl", $"{_tenant}/2025/03/02.jsonl"], names);

        // The blob's bytes read by Telerad.Deidentification's own file reader: the same records.
        var file = Path.Combine(Path.GetTempPath(), "audit-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            await container.GetBlobClient(names[0]).DownloadToAsync(file);
            Assert.Equal([records[0], records[2]], JsonLinesAuditLog.ReadAll(file), AuditRecordComparer.Instance);
        }
        finally
        {
            File.Delete(file);
        }

        Assert.Equal([records[0], records[2]], await log.ReadDayAsync(_tenant, new DateOnly(2025, 3, 1)), AuditRecordComparer.Instance);
        Assert.Equal([records[1]], await log.ReadDayAsync(_tenant, new DateOnly(2025, 3, 2)), AuditRecordComparer.Instance);
        Assert.Empty(await log.ReadDayAsync(_tenant, new DateOnly(2025, 3, 3)));
    }

    [Fact]
    public async Task A_full_day_blob_rolls_over_to_numbered_parts_for_every_writer()
    {
        // Azure refuses the 50,001st append to a blob (409 BlockCountExceedsLimit); here the limit is 3.
        var store = new AppendLimitedStore(new BlobObjectStore(new BlobServiceClient(azurite.ConnectionString)), maxAppends: 3);
        var first = new AppendBlobAuditLog(store, _container);
        var time = new DateTimeOffset(2025, 4, 7, 8, 0, 0, TimeSpan.Zero);
        var records = Enumerable.Range(0, 8).Select(i => Record(time.AddSeconds(i), $"user:{i}")).ToList();
        foreach (var record in records.Take(5))
        {
            await first.WriteAsync(record);
        }

        // A new writer (another function instance) starts at part 0, finds it full and moves on.
        var second = new AppendBlobAuditLog(store, _container);
        foreach (var record in records.Skip(5))
        {
            await second.WriteAsync(record);
        }

        var names = new List<string>();
        await foreach (var blob in new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_container).GetBlobsAsync(new GetBlobsOptions { Prefix = _tenant + "/" }))
        {
            names.Add(blob.Name);
        }

        Assert.Equal([$"{_tenant}/2025/04/07.1.jsonl", $"{_tenant}/2025/04/07.2.jsonl", $"{_tenant}/2025/04/07.jsonl"], names);
        Assert.Equal(records, await first.ReadDayAsync(_tenant, new DateOnly(2025, 4, 7)), AuditRecordComparer.Instance);
    }

    [Fact]
    public async Task Records_written_at_the_same_time_share_append_blocks_and_every_one_is_stored()
    {
        var store = new AppendLimitedStore(new BlobObjectStore(new BlobServiceClient(azurite.ConnectionString)), maxAppends: int.MaxValue);
        var log = new AppendBlobAuditLog(store, _container);
        var time = new DateTimeOffset(2025, 5, 2, 9, 0, 0, TimeSpan.Zero);
        var records = Enumerable.Range(0, 40).Select(i => Record(time.AddSeconds(i), $"user:{i}")).ToList();

        // All handed in before the first append returns: it goes alone, the other 39 wait for it and go in one block.
        await Task.WhenAll(records.Select(r => log.WriteAsync(r)));

        Assert.Equal(2, store.Appends);
        Assert.Equal(records, await log.ReadDayAsync(_tenant, new DateOnly(2025, 5, 2)), AuditRecordComparer.Instance);
    }

    private AuditRecord Record(DateTimeOffset time, string actor) =>
        new(time, _tenant, actor, AuditActions.ReidentificationRead, "2.25.1", "report-delivery", AuditOutcome.Granted);

    /// <summary>AuditRecord is a record class without value equality over its constructor; compare its fields.</summary>
    private sealed class AuditRecordComparer : IEqualityComparer<AuditRecord>
    {
        public static readonly AuditRecordComparer Instance = new();

        public bool Equals(AuditRecord? x, AuditRecord? y) =>
            x is not null && y is not null
            && (x.Time, x.TenantId, x.Actor, x.Action, x.TargetId, x.Purpose, x.Outcome) == (y.Time, y.TenantId, y.Actor, y.Action, y.TargetId, y.Purpose, y.Outcome);

        public int GetHashCode(AuditRecord obj) => obj.Time.GetHashCode();
    }

    /// <summary>A store whose append objects fill up after a few appends, the way Azure's do after 50,000; it counts them.</summary>
    private sealed class AppendLimitedStore(IObjectStore inner, int maxAppends) : IObjectStore
    {
        private readonly ConcurrentDictionary<ObjectRef, int> _appends = new();

        public int Appends => _appends.Values.Sum();

        public async Task AppendAsync(ObjectRef reference, ReadOnlyMemory<byte> block, CancellationToken cancellationToken = default)
        {
            if (_appends.AddOrUpdate(reference, 1, (_, n) => n + 1) > maxAppends)
            {
                throw new ObjectStoreException("full", 409, "BlockCountExceedsLimit");
            }

            await inner.AppendAsync(reference, block, cancellationToken);
        }

        public Task<ObjectProperties?> GetPropertiesAsync(ObjectRef reference, CancellationToken cancellationToken = default) => inner.GetPropertiesAsync(reference, cancellationToken);

        public Task<Stream> OpenReadAsync(ObjectRef reference, CancellationToken cancellationToken = default) => inner.OpenReadAsync(reference, cancellationToken);

        public Task<ObjectProperties> WriteAsync(ObjectRef reference, Stream content, ObjectWriteOptions? options = null, CancellationToken cancellationToken = default) => inner.WriteAsync(reference, content, options, cancellationToken);

        public IAsyncEnumerable<ObjectProperties> ListAsync(string container, string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(container, prefix, cancellationToken);

        public Task<bool> DeleteAsync(ObjectRef reference, CancellationToken cancellationToken = default) => inner.DeleteAsync(reference, cancellationToken);
    }
}
