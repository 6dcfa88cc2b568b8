using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Telerad.Storage;
using Xunit.Abstractions;

namespace Telerad.Azure.Tests;

/// <summary>BlobObjectStore against a real Azurite; what is stored is checked with the Azure SDK directly, not through the store.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobObjectStoreTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    /// <summary>A hospital-chosen path with a (made-up) patient name in it: it must never appear in a message.</summary>
    private const string PlantedName = "Zyxwvut^Quillon/CT HEAD 19470913/IM0001.dcm";

    private readonly string _container = "t" + Guid.NewGuid().ToString("N")[..12];
    private readonly RequestLog _log = new();

    private BlobServiceClient Service() => new(azurite.ConnectionString, _log.Options());

    private BlobObjectStore Store(BlobObjectStoreOptions? options = null) => new(Service(), options);

    private ObjectRef Ref(string name) => new(_container, name);

    [Fact]
    public async Task A_small_object_round_trips_with_metadata_and_content_type()
    {
        var store = Store();
        var bytes = Encoding.UTF8.GetBytes("hello, blob");
        var written = await store.WriteAsync(Ref("a/b.txt"), new MemoryStream(bytes), new ObjectWriteOptions
        {
            ContentType = "text/plain",
            Metadata = new Dictionary<string, string> { ["sha256"] = "abc123", ["Kind"] = "other" },
        });

        var sdk = await new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_container).GetBlobClient("a/b.txt").GetPropertiesAsync();
        Assert.Equal("text/plain", sdk.Value.ContentType);
        Assert.Equal(bytes.Length, sdk.Value.ContentLength);
        Assert.Equal(BlobType.Block, sdk.Value.BlobType);
        Assert.Equal("abc123", sdk.Value.Metadata["sha256"]);

        Assert.Equal(bytes.Length, written.Length);
        Assert.Equal(sdk.Value.ETag.ToString(), written.ETag);
        var read = await store.GetPropertiesAsync(Ref("a/b.txt"));
        Assert.NotNull(read);
        Assert.Equal(bytes.Length, read.Length);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(sdk.Value.LastModified, read.LastModified);
        Assert.Equal("abc123", read.Metadata["sha256"]);
        Assert.Equal("other", read.Metadata["kind"]); // metadata keys are case-insensitive in Azure

        await using var stream = await store.OpenReadAsync(Ref("a/b.txt"));
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task Reading_a_100_MB_object_fetches_ranges_on_demand_and_allocates_a_fraction_of_it()
    {
        const long Length = 100L * 1024 * 1024;
        var store = Store();
        var reference = Ref("large.bin");
        var written = await store.WriteAsync(reference, new PatternStream(Length)); // forward-only source
        Assert.Equal(Length, written.Length);
        // Uploaded in blocks (8 MiB), not one request: Put Block x13, then Put Block List.
        Assert.Equal(13, _log.Entries.Count(e => e.Method == "PUT" && e.Query.Contains("blockid=", StringComparison.Ordinal)));
        Assert.Single(_log.Entries, e => e.Query.Contains("comp=blocklist", StringComparison.Ordinal));

        try
        {
            _log.Clear();
            var buffer = new byte[64 * 1024];
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            GC.Collect();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            await using var stream = await store.OpenReadAsync(reference);
            Assert.True(stream.CanSeek);
            Assert.Equal(Length, stream.Length);

            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                total += read;
            }

            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            output.WriteLine($"read 100 MiB through OpenReadAsync: {allocated / 1024} KiB allocated, {_log.Entries.Count(e => e.Method == "GET")} ranged GETs");
            Assert.Equal(Length, total);
            Assert.Equal(Pattern.Sha256(Length), sha.GetHashAndReset());
            // Whole-object buffering would allocate at least 100 MB; ranged reads hold one 4 MiB buffer (pooled).
            Assert.True(allocated < 16 * 1024 * 1024, $"reading 100 MB allocated {allocated / (1024 * 1024)} MB");
            var gets = _log.Entries.Where(e => e.Method == "GET").ToList();
            Assert.Equal(25, gets.Count); // 100 MiB / 4 MiB
            Assert.All(gets, g => Assert.NotNull(g.Range));

            // Seek far ahead: one ranged GET from that offset, the right bytes.
            _log.Clear();
            var offset = 77L * 1024 * 1024 + 5;
            stream.Seek(offset, SeekOrigin.Begin);
            var small = new byte[100];
            await stream.ReadExactlyAsync(small);
            Assert.Equal(Pattern.Bytes(offset, 100), small);
            var get = Assert.Single(_log.Entries, e => e.Method == "GET");
            Assert.StartsWith($"bytes={offset}-", get.Range, StringComparison.Ordinal);
        }
        finally
        {
            await store.DeleteAsync(reference); // Azurite keeps it in memory
        }
    }

    [Fact]
    public async Task A_header_read_of_a_slice_fetches_one_small_range_not_the_slice()
    {
        var store = Store();
        var reference = Ref("study/slice.dcm");
        await store.WriteAsync(reference, new MemoryStream(Pattern.Bytes(0, 512 * 1024)));
        _log.Clear();

        await using (var stream = await store.OpenHeaderReadAsync(reference))
        {
            var header = new byte[4096];
            await stream.ReadExactlyAsync(header);
            Assert.Equal(Pattern.Bytes(0, 4096), header);
        }

        var get = Assert.Single(_log.Entries, e => e.Method == "GET");
        Assert.Equal("bytes=0-65535", get.Range); // 64 KiB of a 512 KiB object

        // An ordinary read of the same object takes it in one range of up to 4 MiB.
        _log.Clear();
        await using (var stream = await store.OpenReadAsync(reference))
        {
            await stream.ReadExactlyAsync(new byte[4096]);
        }

        Assert.Equal("bytes=0-4194303", Assert.Single(_log.Entries, e => e.Method == "GET").Range);
    }

    /// <summary>
    /// A slice (smaller than the read buffer) costs one GET, with no HEAD before it, however its reader seeks: the
    /// de-identify activity parses the header and then seeks back to the pixel data, which the SDK's stream fetched
    /// again (two GETs and a HEAD per slice).
    /// </summary>
    [Fact]
    public async Task A_slice_is_read_in_one_request_however_its_reader_seeks()
    {
        var store = Store();
        var reference = Ref("study/seeks.dcm");
        await store.WriteAsync(reference, new MemoryStream(Pattern.Bytes(0, 512 * 1024)));
        _log.Clear();

        await using (var stream = await store.OpenReadAsync(reference))
        {
            Assert.Equal(512 * 1024, stream.Length);
            var all = new byte[512 * 1024];
            await stream.ReadExactlyAsync(all);
            Assert.Equal(Pattern.Bytes(0, 512 * 1024), all);
            Assert.Equal(0, await stream.ReadAsync(new byte[10])); // at the end
            stream.Position = 1000;
            var middle = new byte[300_000];
            stream.ReadExactly(middle); // the synchronous path too
            Assert.Equal(Pattern.Bytes(1000, 300_000), middle);
            stream.Seek(-10, SeekOrigin.End);
            var tail = new byte[10];
            await stream.ReadExactlyAsync(tail);
            Assert.Equal(Pattern.Bytes((512 * 1024) - 10, 10), tail);
        }

        var only = Assert.Single(_log.Entries);
        Assert.Equal(("GET", "bytes=0-4194303"), (only.Method, only.Range));
    }

    /// <summary>Random seeks and reads of all sizes across range boundaries (4 KiB ranges of a 50,000-byte object) return
    /// exactly the object's bytes, synchronously and asynchronously; a read ending at the end returns what is left.</summary>
    [Fact]
    public async Task Random_seeks_across_ranges_read_the_right_bytes()
    {
        const int Length = 50_000;
        var store = Store(new BlobObjectStoreOptions { ReadBufferSize = 4096 });
        var reference = Ref("random.bin");
        await store.WriteAsync(reference, new MemoryStream(Pattern.Bytes(0, Length)));
        var random = new Random(11);
        await using var stream = await store.OpenReadAsync(reference);
        for (var i = 0; i < 200; i++)
        {
            var at = random.Next(0, Length);
            var wanted = random.Next(1, 10_000);
            stream.Position = at;
            var buffer = new byte[wanted];
            var read = i % 2 == 0 ? await stream.ReadAtLeastAsync(buffer, wanted, throwOnEndOfStream: false) : stream.ReadAtLeast(buffer, wanted, throwOnEndOfStream: false);
            Assert.Equal(Math.Min(wanted, Length - at), read);
            Assert.Equal(Pattern.Bytes(at, read), buffer.AsSpan(0, read).ToArray());
            Assert.Equal(at + read, stream.Position);
        }

        stream.Position = Length + 10; // beyond the end: nothing, no request
        Assert.Equal(0, await stream.ReadAsync(new byte[5]));
    }

    /// <summary>The ingest path reads an object and records its ETag: both from one GET, and they belong together.</summary>
    [Fact]
    public async Task Opening_with_properties_is_one_get_and_gives_the_version_read()
    {
        var store = Store();
        var reference = Ref("study/with-properties.dcm");
        await store.WriteAsync(reference, new MemoryStream(Pattern.Bytes(0, 300_000)), new ObjectWriteOptions { Metadata = new Dictionary<string, string> { ["upload"] = "u1" } });
        var expected = (await store.GetPropertiesAsync(reference))!;
        _log.Clear();

        var (content, properties) = await store.OpenReadWithPropertiesAsync(reference);
        await using (content)
        {
            var bytes = new byte[300_000];
            content.Position = 132;
            await content.ReadExactlyAsync(bytes.AsMemory(132, 1000));
            content.Position = 0;
            await content.ReadExactlyAsync(bytes);
            Assert.Equal(Pattern.Bytes(0, 300_000), bytes);
        }

        Assert.Equal("GET", Assert.Single(_log.Entries).Method);
        Assert.Equal(expected.ETag, properties.ETag);
        Assert.Equal(300_000, properties.Length);
        Assert.Equal(expected.LastModified, properties.LastModified);
        Assert.Equal("u1", properties.Metadata["upload"]);
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.OpenReadWithPropertiesAsync(Ref("study/none.dcm")));
    }

    [Fact]
    public async Task An_empty_object_reads_as_empty()
    {
        var store = Store();
        var reference = Ref("empty.bin");
        await store.WriteAsync(reference, new MemoryStream());
        await using var stream = await store.OpenReadAsync(reference);
        Assert.Equal(0, stream.Length);
        Assert.Equal(0, await stream.ReadAsync(new byte[16]));
    }

    /// <summary>
    /// A forward-only source (the de-identifier's pipe) no larger than the single-upload limit goes up in one Put Blob;
    /// the SDK alone stages a block and commits a block list for it (two requests per slice).
    /// </summary>
    [Fact]
    public async Task A_forward_only_write_of_a_slice_is_one_put()
    {
        var store = Store();
        var reference = Ref("study/forward-only.dcm");
        _log.Clear();

        var written = await store.WriteAsync(reference, new PatternStream(512 * 1024));

        var put = Assert.Single(_log.Entries, e => e.Method == "PUT" && !e.Query.Contains("restype=container", StringComparison.Ordinal));
        Assert.DoesNotContain("comp=", put.Query, StringComparison.Ordinal);
        Assert.Equal(512 * 1024, written.Length);
        var sdk = (await new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_container).GetBlobClient(reference.Name).DownloadContentAsync()).Value;
        Assert.Equal(Pattern.Bytes(0, 512 * 1024), sdk.Content.ToArray());
        Assert.Equal(sdk.Details.ETag.ToString(), written.ETag);
    }

    [Fact]
    public async Task A_small_object_is_read_whole_in_one_request_and_a_missing_one_is_null()
    {
        var store = Store();
        var reference = Ref("study/summary.json");
        await store.WriteAsync(reference, new MemoryStream(Pattern.Bytes(0, 3000)));
        _log.Clear();

        Assert.Equal(Pattern.Bytes(0, 3000), await store.ReadAllBytesIfExistsAsync(reference));
        Assert.Single(_log.Entries); // one GET, no HEAD first

        _log.Clear();
        Assert.Null(await store.ReadAllBytesIfExistsAsync(Ref("study/none.json")));
        Assert.Null(await store.ReadAllBytesIfExistsAsync(new ObjectRef("c" + Guid.NewGuid().ToString("N")[..12], "none.json"))); // no container either
        Assert.Equal(2, _log.Entries.Count);
    }

    [Fact]
    public async Task If_not_exists_refuses_to_replace_and_exactly_one_of_two_racing_creates_wins()
    {
        var store = Store(new BlobObjectStoreOptions { SingleUploadLimit = 1024, BlockSize = 1024 });
        var reference = Ref(PlantedName);
        await store.WriteAsync(reference, new MemoryStream([1, 2, 3]), new ObjectWriteOptions { IfNotExists = true });

        // Small (one Put Blob) and large (blocks, then a conditional Put Block List) both refuse.
        var small = await Assert.ThrowsAsync<ObjectAlreadyExistsException>(() => store.WriteAsync(reference, new MemoryStream([9]), new ObjectWriteOptions { IfNotExists = true }));
        await Assert.ThrowsAsync<ObjectAlreadyExistsException>(() => store.WriteAsync(reference, new MemoryStream(new byte[5000]), new ObjectWriteOptions { IfNotExists = true }));
        Assert.Equal([1, 2, 3], await ReadAllAsync(store, reference));
        Assert.DoesNotContain("Zyxwvut", small.Message, StringComparison.Ordinal);
        Assert.Contains(ObjectNames.NameHash(PlantedName), small.Message, StringComparison.Ordinal);

        // Without the condition it replaces.
        await store.WriteAsync(reference, new MemoryStream([4, 5]));
        Assert.Equal([4, 5], await ReadAllAsync(store, reference));

        // Two writers race for a new name: one wins, the other is told it exists.
        var race = Ref("race.bin");
        var attempts = await Task.WhenAll(Enumerable.Range(0, 2).Select(async i =>
        {
            try
            {
                await Store().WriteAsync(race, new MemoryStream([(byte)i]), new ObjectWriteOptions { IfNotExists = true });
                return true;
            }
            catch (ObjectAlreadyExistsException)
            {
                return false;
            }
        }));
        Assert.Single(attempts, won => won);
    }

    [Fact]
    public async Task Append_creates_an_append_blob_and_concurrent_appenders_keep_every_block_whole()
    {
        var reference = Ref("logs/day.jsonl");
        var first = Store();
        await first.AppendAsync(reference, "one\n"u8.ToArray()); // the container does not exist yet either
        await first.AppendAsync(reference, "two\n"u8.ToArray());
        var sdk = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_container).GetBlobClient(reference.Name);
        var properties = await sdk.GetPropertiesAsync();
        Assert.Equal(BlobType.Append, properties.Value.BlobType);
        Assert.Equal("application/x-ndjson", properties.Value.ContentType);
        Assert.Equal("one\ntwo\n", (await sdk.DownloadContentAsync()).Value.Content.ToString());

        // Two store instances (two function instances) append 40 lines each at once.
        var second = Store();
        await Task.WhenAll(
            Task.Run(async () =>
            {
                for (var i = 0; i < 40; i++)
                {
                    await first.AppendAsync(reference, Encoding.UTF8.GetBytes($"first {i:D2} {new string('a', 100)}\n"));
                }
            }),
            Task.Run(async () =>
            {
                for (var i = 0; i < 40; i++)
                {
                    await second.AppendAsync(reference, Encoding.UTF8.GetBytes($"second {i:D2} {new string('b', 100)}\n"));
                }
            }));
        var lines = (await sdk.DownloadContentAsync()).Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(82, lines.Length);
        Assert.Equal(40, lines.Count(l => l.StartsWith("first ", StringComparison.Ordinal) && l.EndsWith(new string('a', 100), StringComparison.Ordinal)));
        Assert.Equal(40, lines.Count(l => l.StartsWith("second ", StringComparison.Ordinal) && l.EndsWith(new string('b', 100), StringComparison.Ordinal)));
        // Each writer's own lines stay in its order.
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"{i:D2}"), lines.Where(l => l.StartsWith("first ", StringComparison.Ordinal)).Select(l => l[6..8]));
    }

    [Fact]
    public async Task List_returns_objects_under_a_prefix_in_name_order_with_metadata()
    {
        var store = Store();
        foreach (var name in new[] { "b/2.dcm", "a/2.dcm", "a/10.dcm", "a/1.dcm", "ab/1.dcm", "c.dcm" })
        {
            await store.WriteAsync(Ref(name), new MemoryStream(Encoding.UTF8.GetBytes(name)), new ObjectWriteOptions { Metadata = new Dictionary<string, string> { ["n"] = name.Replace('/', '_') } });
        }

        var listed = new List<ObjectProperties>();
        await foreach (var item in store.ListAsync(_container, "a/"))
        {
            listed.Add(item);
        }

        Assert.Equal(["a/1.dcm", "a/10.dcm", "a/2.dcm"], listed.Select(p => p.Reference.Name));
        Assert.All(listed, p => Assert.Equal(p.Reference.Name.Replace('/', '_'), p.Metadata["n"]));
        Assert.All(listed, p => Assert.Equal(p.Reference.Name.Length, p.Length));
        Assert.All(listed, p => Assert.Equal(_container, p.Reference.Container));

        var all = new List<string>();
        await foreach (var item in store.ListAsync(_container, string.Empty))
        {
            all.Add(item.Reference.Name);
        }

        Assert.Equal(6, all.Count);
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        await foreach (var item in store.ListAsync("nosuch" + _container, string.Empty))
        {
            Assert.Fail("a container that does not exist lists nothing");
        }
    }

    /// <summary>
    /// The service's delimiter listing (one entry per folder) gives what the interface's default derives from the full
    /// listing; the poller relies on it to skip settled upload folders.
    /// </summary>
    [Fact]
    public async Task A_level_lists_its_objects_and_each_folder_once_as_the_full_listing_implies()
    {
        var store = Store();
        foreach (var name in new[] { "stray.dcm", "t1/loose.dcm", "t1/u1/a.dcm", "t1/u1/b.dcm", "t1/u1/zip/c.dcm", "t1/u2/d.dcm", "t10/u3/e.dcm" })
        {
            await store.WriteAsync(Ref(name), new MemoryStream(Encoding.UTF8.GetBytes(name)), new ObjectWriteOptions { Metadata = new Dictionary<string, string> { ["n"] = "1" } });
        }

        var byService = await LevelAsync(store, string.Empty);
        Assert.Equal(["folder t1/", "folder t10/", "object stray.dcm"], byService);
        Assert.Equal(byService, await LevelAsync(new FullListingOnly(store), string.Empty));
        var t1 = await LevelAsync(store, "t1/");
        Assert.Equal(["folder t1/u1/", "folder t1/u2/", "object t1/loose.dcm"], t1);
        Assert.Equal(t1, await LevelAsync(new FullListingOnly(store), "t1/"));
        Assert.Empty(await LevelAsync(store, "t1/u9/"));

        var level = new List<ObjectLevelEntry>();
        await foreach (var entry in store.ListLevelAsync(_container, "t1/"))
        {
            level.Add(entry);
        }

        var loose = Assert.Single(level, e => e.Object is not null).Object!;
        Assert.Equal(("t1/loose.dcm", "1", 12L), (loose.Reference.Name, loose.Metadata["n"], loose.Length));
        Assert.Empty(await LevelAsync(store, string.Empty, "nosuch" + _container));
    }

    private async Task<List<string>> LevelAsync(IObjectStore store, string prefix, string? container = null)
    {
        var entries = new List<string>();
        await foreach (var entry in store.ListLevelAsync(container ?? _container, prefix))
        {
            entries.Add(entry.Folder is { } folder ? "folder " + folder : "object " + entry.Object!.Reference.Name);
        }

        return [.. entries.Order(StringComparer.Ordinal)];
    }

    /// <summary>The store without its own level listing: the interface's default, from <see cref="IObjectStore.ListAsync"/>.</summary>
    private sealed class FullListingOnly(IObjectStore inner) : IObjectStore
    {
        public Task<ObjectProperties?> GetPropertiesAsync(ObjectRef reference, CancellationToken cancellationToken = default) => inner.GetPropertiesAsync(reference, cancellationToken);

        public Task<Stream> OpenReadAsync(ObjectRef reference, CancellationToken cancellationToken = default) => inner.OpenReadAsync(reference, cancellationToken);

        public Task<ObjectProperties> WriteAsync(ObjectRef reference, Stream content, ObjectWriteOptions? options = null, CancellationToken cancellationToken = default) => inner.WriteAsync(reference, content, options, cancellationToken);

        public Task AppendAsync(ObjectRef reference, ReadOnlyMemory<byte> block, CancellationToken cancellationToken = default) => inner.AppendAsync(reference, block, cancellationToken);

        public IAsyncEnumerable<ObjectProperties> ListAsync(string container, string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(container, prefix, cancellationToken);

        public Task<bool> DeleteAsync(ObjectRef reference, CancellationToken cancellationToken = default) => inner.DeleteAsync(reference, cancellationToken);
    }

    [Fact]
    public async Task Missing_objects_and_containers_are_not_found_without_naming_the_object()
    {
        var store = Store();
        await store.WriteAsync(Ref("present.dcm"), new MemoryStream([1]));
        foreach (var reference in new[] { Ref(PlantedName), new ObjectRef("nosuch" + _container, PlantedName) })
        {
            Assert.Null(await store.GetPropertiesAsync(reference));
            var e = await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.OpenReadAsync(reference));
            Assert.DoesNotContain("Zyxwvut", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("IM0001", e.Message, StringComparison.Ordinal);
            Assert.Contains(reference.Container, e.Message, StringComparison.Ordinal);
            Assert.False(await store.DeleteAsync(reference));
        }

        Assert.True(await store.DeleteAsync(Ref("present.dcm")));
        Assert.Null(await store.GetPropertiesAsync(Ref("present.dcm")));
        Assert.False(await store.DeleteAsync(Ref("present.dcm")));
    }

    [Fact]
    public async Task An_object_replaced_or_deleted_while_being_read_fails_the_read_instead_of_mixing_versions()
    {
        var store = Store(new BlobObjectStoreOptions { ReadBufferSize = 4096 });
        var reference = Ref(PlantedName);
        await store.WriteAsync(reference, new MemoryStream(Pattern.Bytes(0, 10_000)));
        await using (var stream = await store.OpenReadAsync(reference))
        {
            var head = new byte[100];
            await stream.ReadExactlyAsync(head);
            await store.WriteAsync(reference, new MemoryStream(new byte[10_000]));
            var e = await Assert.ThrowsAsync<ObjectStoreException>(() => stream.ReadExactlyAsync(new byte[8000]).AsTask());
            Assert.Equal(412, e.Status);
            Assert.DoesNotContain("Zyxwvut", e.ToString(), StringComparison.Ordinal);
        }

        await using (var stream = await store.OpenReadAsync(reference))
        {
            await stream.ReadExactlyAsync(new byte[100]);
            await store.DeleteAsync(reference);
            // Azure answers a conditional read of a deleted blob with 404; Azurite with 412. Either way the read fails.
            var e = await Record.ExceptionAsync(() => stream.ReadExactlyAsync(new byte[8000]).AsTask());
            Assert.True(e is ObjectNotFoundException or ObjectStoreException { Status: 412 }, e?.ToString() ?? "no exception");
        }
    }

    [Fact]
    public async Task A_refused_request_reports_status_and_code_but_not_the_object_name()
    {
        // The right account with a wrong key: Azurite answers 403 AuthorizationFailure, and its error body echoes
        // the string it signed, which contains the object name.
        var wrongKey = Convert.ToBase64String(Enumerable.Repeat((byte)7, 64).ToArray());
        var store = new BlobObjectStore(new BlobServiceClient(azurite.ConnectionString.Replace(AzuriteFixture.AccountKey, wrongKey, StringComparison.Ordinal)));
        var e = await Assert.ThrowsAsync<ObjectStoreException>(() => store.GetPropertiesAsync(Ref(PlantedName)));
        Assert.Equal(403, e.Status);
        Assert.True(e.IsForbidden);
        Assert.DoesNotContain("Zyxwvut", e.ToString(), StringComparison.Ordinal);
        var write = await Assert.ThrowsAsync<ObjectStoreException>(() => store.WriteAsync(Ref(PlantedName), new MemoryStream([1])));
        Assert.Equal(403, write.Status);
        Assert.DoesNotContain("Zyxwvut", write.ToString(), StringComparison.Ordinal);
        Assert.Contains(ObjectNames.NameHash(PlantedName), write.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_write_only_container_SAS_can_write_but_is_refused_reads()
    {
        var admin = new BlobServiceClient(azurite.ConnectionString);
        await admin.GetBlobContainerClient(_container).CreateAsync();
        var sas = admin.GetBlobContainerClient(_container).GenerateSasUri(BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write, DateTimeOffset.UtcNow.AddMinutes(10));
        var store = new BlobObjectStore(BlobServiceClients.FromContainerSasUrl(sas, _container));

        await store.WriteAsync(Ref("x/1.dcm"), new MemoryStream([1, 2]));
        Assert.Equal(2, (await admin.GetBlobContainerClient(_container).GetBlobClient("x/1.dcm").GetPropertiesAsync()).Value.ContentLength);
        var e = await Assert.ThrowsAsync<ObjectStoreException>(() => store.GetPropertiesAsync(Ref("x/1.dcm")));
        Assert.True(e.IsForbidden);
        Assert.Throws<ArgumentException>(() => BlobServiceClients.FromContainerSasUrl(sas, "incoming"));
    }

    [Theory]
    [InlineData("https://acct.blob.core.windows.net/incoming?sv=2025-01-05&sr=c&sp=cw&sig=abc%3D", "https://acct.blob.core.windows.net/", "acct")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/incoming?sv=2025-01-05&sr=c&sp=cw&sig=abc%3D", "http://127.0.0.1:10000/devstoreaccount1", "devstoreaccount1")]
    public void A_container_SAS_URL_becomes_a_service_client_for_the_account(string sasUrl, string serviceUrl, string account)
    {
        var client = BlobServiceClients.FromContainerSasUrl(new Uri(sasUrl), "incoming");
        Assert.Equal(new Uri(serviceUrl), client.Uri);
        Assert.Equal(account, client.AccountName);
        Assert.Equal("incoming", client.GetBlobContainerClient("incoming").Name);
        Assert.Throws<ArgumentException>(() => BlobServiceClients.FromContainerSasUrl(new Uri(sasUrl.Replace("/incoming?", "/incoming/blob.dcm?", StringComparison.Ordinal)), "incoming"));
        Assert.Throws<ArgumentException>(() => BlobServiceClients.FromContainerSasUrl(new Uri(sasUrl[..sasUrl.IndexOf('?', StringComparison.Ordinal)]), "incoming"));
    }

    [Fact]
    public async Task EnsureContainers_creates_the_six_containers_of_the_storage_contract()
    {
        // Runs in the shared emulator: other tests may have created some already; afterwards all six exist.
        await Store().EnsureContainersAsync();
        var names = new List<string>();
        await foreach (var container in new BlobServiceClient(azurite.ConnectionString).GetBlobContainersAsync())
        {
            names.Add(container.Name);
        }

        Assert.Superset(new HashSet<string>(["incoming", "deid", "quarantine", "audit", "models", "config"]), new HashSet<string>(names));
    }

    private static async Task<byte[]> ReadAllAsync(IObjectStore store, ObjectRef reference)
    {
        await using var stream = await store.OpenReadAsync(reference);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
