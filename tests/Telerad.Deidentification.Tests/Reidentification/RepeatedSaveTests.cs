using Telerad.Auditing;

namespace Telerad.Deidentification.Tests.Reidentification;

/// <summary>Every instance of a study saves the same entry: the store writes it once, and again only when it changes.</summary>
public sealed class RepeatedSaveTests : IDisposable
{
    private readonly string _dir = Planted.TempDirectory();

    /// <summary>Counts the sealed records it is asked to write (keeps the last one, to read back).</summary>
    private sealed class CountingStore(IDeidentificationKeyProvider keys, IAuditLog audit) : EncryptedReidentificationStore(keys, audit, null)
    {
        private byte[]? _record;

        public int Writes { get; private set; }

        protected override Task WriteRecordAsync(string tenantId, string deidentifiedStudyInstanceUid, byte[] record, CancellationToken cancellationToken)
        {
            Writes++;
            _record = record;
            return Task.CompletedTask;
        }

        protected override Task<byte[]?> ReadRecordAsync(string tenantId, string deidentifiedStudyInstanceUid, CancellationToken cancellationToken) => Task.FromResult(_record);
    }

    /// <summary>Keys that can be replaced (a rotation of the map key).</summary>
    private sealed class RotatingKeys : IDeidentificationKeyProvider
    {
        public DeidentificationKeys Current { get; set; } = DeidentificationKeys.Generate(Planted.Tenant);

        public DeidentificationKeys GetKeys(string tenantId) => Current;
    }

    [Fact]
    public async Task The_same_entry_is_written_once_a_changed_entry_or_a_new_map_key_again()
    {
        var keys = new RotatingKeys();
        using var audit = new JsonLinesAuditLog(Path.Combine(_dir, "audit.jsonl"));
        var store = new CountingStore(keys, audit);
        var entry = Planted.Entry();

        for (var i = 0; i < 5; i++)
        {
            await store.SaveAsync(entry);
        }

        Assert.Equal(1, store.Writes);

        var corrected = entry with { AccessionNumber = entry.AccessionNumber + "-corrected" };
        await store.SaveAsync(corrected);
        Assert.Equal(2, store.Writes);
        Assert.Equal(corrected, await store.GetAsync(Planted.Tenant, Planted.DeidentifiedStudyUid, "user:ops", "verify"));

        await store.SaveAsync(entry); // back to the first: written, not taken for the one before
        Assert.Equal(3, store.Writes);

        keys.Current = new DeidentificationKeys(Planted.Tenant, keys.Current.PseudonymKey, DeidentificationKeys.Generate(Planted.Tenant).MapEncryptionKey);
        await store.SaveAsync(entry);
        Assert.Equal(4, store.Writes);
        Assert.Equal(entry, await store.GetAsync(Planted.Tenant, Planted.DeidentifiedStudyUid, "user:ops", "verify"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
