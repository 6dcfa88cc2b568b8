using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Telerad.Storage;
using Telerad.Upload;

namespace Telerad.Azure.Tests;

/// <summary>StudyUploader against a real Azurite: what lands in <c>incoming/</c> is read back with the Azure SDK.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StudyUploaderTests(AzuriteFixture azurite)
{
    private readonly string _tenant = Planted.NewTenant();
    private readonly RequestLog _log = new();

    private BlobContainerClient Incoming => new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(Containers.Incoming);

    private StudyUploader Uploader(IObjectStore? store = null) =>
        new(store ?? new BlobObjectStore(new BlobServiceClient(azurite.ConnectionString, _log.Options())));

    [Fact]
    public async Task A_folder_lands_under_the_upload_prefix_with_hashes_and_the_manifest_written_after_every_object()
    {
        var root = UploadFolder.Create();
        var files = UploadFolder.Files(root);
        var progress = new List<UploadProgress>();
        var receipt = await Uploader().UploadAsync(new UploadRequest { Path = root, Tenant = _tenant, UploadId = "u-1" }, new SyncProgress(progress.Add));

        // Receipt.
        var expectedStudies = UploadFolder.ExpectedStudies(UploadFolder.DicomSources(root));
        Assert.Equal(3, expectedStudies.Count); // the CT study, pydicom's CT, pydicom's MR
        Assert.Equal(12, expectedStudies.Values.Max());
        Assert.Equal((files.Count, 0, 0), (receipt.FilesUploaded, receipt.FilesSkipped, receipt.FilesFailed));
        Assert.Equal(files.Values.Sum(f => new FileInfo(f).Length), receipt.BytesUploaded);
        Assert.Equal(expectedStudies, new SortedDictionary<string, int>(receipt.Studies.ToDictionary(s => s.StudyInstanceUid, s => s.Instances), StringComparer.Ordinal));
        Assert.Equal(expectedStudies.Values.Sum(), receipt.ExpectedInstances);
        Assert.Equal((ManifestOutcome.Written, false, $"incoming/{_tenant}/u-1/"), (receipt.Manifest, receipt.WriteOnly, receipt.Location));
        Assert.Equal(new UploadProgress(files.Count, files.Count, receipt.BytesUploaded, receipt.BytesUploaded), progress[^1]);

        // Objects: one per file, same bytes, SHA-256 (by sha256sum) in metadata, content type by kind.
        var blobs = await ListAsync($"{_tenant}/u-1/");
        Assert.Equal(files.Keys.Append("manifest.json").Order(StringComparer.Ordinal), blobs.Keys);
        foreach (var (name, path) in files)
        {
            var blob = Incoming.GetBlobClient($"{_tenant}/u-1/{name}");
            Assert.Equal(await File.ReadAllBytesAsync(path), (await blob.DownloadContentAsync()).Value.Content.ToArray());
            Assert.Equal(UploadFolder.Sha256Sum(path), blobs[name].Metadata["sha256"]);
            Assert.Equal(
                name.EndsWith(".dcm", StringComparison.Ordinal) ? "application/dicom" : name.EndsWith(".zip", StringComparison.Ordinal) ? "application/zip" : "application/octet-stream",
                blobs[name].Properties.ContentType);
        }

        // Manifest, read as plain JSON.
        using var manifest = JsonDocument.Parse((await Incoming.GetBlobClient($"{_tenant}/u-1/manifest.json").DownloadContentAsync()).Value.Content.ToArray());
        var m = manifest.RootElement;
        Assert.Equal("telerad-upload-manifest", m.GetProperty("format").GetString());
        Assert.Equal(1, m.GetProperty("version").GetInt32());
        Assert.Equal(_tenant, m.GetProperty("tenant").GetString());
        Assert.Equal("u-1", m.GetProperty("uploadId").GetString());
        Assert.InRange(m.GetProperty("createdAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        var objects = m.GetProperty("objects").EnumerateArray().ToList();
        Assert.Equal(files.Keys, objects.Select(o => o.GetProperty("name").GetString()));
        foreach (var o in objects)
        {
            var path = files[o.GetProperty("name").GetString()!];
            Assert.Equal(UploadFolder.Sha256Sum(path), o.GetProperty("sha256").GetString());
            Assert.Equal(new FileInfo(path).Length, o.GetProperty("length").GetInt64());
            Assert.Equal(
                path.EndsWith(".dcm", StringComparison.Ordinal) ? "dicom" : path.EndsWith(".zip", StringComparison.Ordinal) ? "zip" : "other",
                o.GetProperty("kind").GetString());
        }

        Assert.Equal(receipt.ExpectedInstances, m.GetProperty("expectedInstances").GetInt32());
        Assert.Equal(expectedStudies, new SortedDictionary<string, int>(
            m.GetProperty("studies").EnumerateArray().ToDictionary(s => s.GetProperty("studyInstanceUid").GetString()!, s => s.GetProperty("instances").GetInt32()), StringComparer.Ordinal));
        Assert.Equal(["format", "version", "tenant", "uploadId", "createdAt", "objects", "expectedInstances", "studies"], m.EnumerateObject().Select(p => p.Name));

        // Written last: its PUT started after every object's PUT had finished, and it is not older than any of them.
        var puts = _log.Entries.Where(e => e.Method == "PUT" && e.Path.Contains($"/{_tenant}/u-1/", StringComparison.Ordinal)).ToList();
        var manifestPut = Assert.Single(puts, e => e.Path.EndsWith("/manifest.json", StringComparison.Ordinal));
        Assert.Equal(files.Count, puts.Count(e => !e.Path.EndsWith("/manifest.json", StringComparison.Ordinal)));
        Assert.True(puts.Where(e => e != manifestPut).All(e => e.Finished < manifestPut.Started));
        Assert.All(blobs.Values, b => Assert.True(b.Properties.LastModified <= blobs["manifest.json"].Properties.LastModified));
    }

    [Fact]
    public async Task After_an_interruption_a_second_run_uploads_only_what_is_missing_or_changed_and_then_the_manifest()
    {
        var root = UploadFolder.Create();
        var files = UploadFolder.Files(root);
        var request = new UploadRequest { Path = root, Tenant = _tenant, UploadId = "resume", Parallelism = 2 };

        // First run: the network drops for four of the files.
        var failing = files.Keys.Where((_, i) => i % 4 == 1).ToHashSet();
        var flaky = new FailingWritesStore(new BlobObjectStore(new BlobServiceClient(azurite.ConnectionString)), name => failing.Any(f => name.EndsWith("/" + f, StringComparison.Ordinal)));
        var first = await Uploader(flaky).UploadAsync(request);
        Assert.Equal(failing.Order(StringComparer.Ordinal), first.Failures.Select(f => f.Path));
        Assert.All(first.Failures, f => Assert.Contains("503", f.Reason, StringComparison.Ordinal));
        Assert.Equal(files.Count - failing.Count, first.FilesUploaded);
        Assert.Equal(ManifestOutcome.NotWritten, first.Manifest);
        Assert.DoesNotContain("manifest.json", (await ListAsync($"{_tenant}/resume/")).Keys);

        // Second run: the others are skipped (no PUT for them), the missing ones uploaded, the manifest written.
        _log.Clear();
        var second = await Uploader().UploadAsync(request);
        Assert.Equal((failing.Count, files.Count - failing.Count, 0), (second.FilesUploaded, second.FilesSkipped, second.FilesFailed));
        Assert.Equal(failing.Sum(f => new FileInfo(files[f]).Length), second.BytesUploaded);
        Assert.Equal(ManifestOutcome.Written, second.Manifest);
        Assert.Equal(failing.Append("manifest.json").Order(StringComparer.Ordinal), PutNames("resume"));
        Assert.Equal(files.Keys.Append("manifest.json").Order(StringComparer.Ordinal), (await ListAsync($"{_tenant}/resume/")).Keys);

        // Third run, nothing changed: nothing is written, not even the manifest.
        _log.Clear();
        var third = await Uploader().UploadAsync(request);
        Assert.Equal((0, files.Count, ManifestOutcome.Unchanged), (third.FilesUploaded, third.FilesSkipped, third.Manifest));
        Assert.Empty(PutNames("resume"));
        // What is there was listed once, not asked file by file: one listing, and a HEAD for the manifest alone.
        Assert.Single(_log.Entries, e => e.Method == "GET" && e.Query.Contains("comp=list", StringComparison.Ordinal));
        Assert.Equal([$"/devstoreaccount1/{Containers.Incoming}/{_tenant}/resume/manifest.json"], _log.Entries.Where(e => e.Method == "HEAD").Select(e => e.Path));

        // A file changed locally (same length, other bytes): it goes up again, and so does the manifest with its new hash.
        var changed = files.Keys.First(n => n.EndsWith(".dcm", StringComparison.Ordinal));
        var bytes = await File.ReadAllBytesAsync(files[changed]);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(files[changed], bytes);
        _log.Clear();
        var fourth = await Uploader().UploadAsync(request);
        Assert.Equal((1, files.Count - 1, ManifestOutcome.Written), (fourth.FilesUploaded, fourth.FilesSkipped, fourth.Manifest));
        Assert.Equal(new[] { changed, "manifest.json" }.Order(StringComparer.Ordinal), PutNames("resume"));
        Assert.Equal(UploadFolder.Sha256Sum(files[changed]), (await ListAsync($"{_tenant}/resume/"))[changed].Metadata["sha256"]);
        using var manifest = JsonDocument.Parse((await Incoming.GetBlobClient($"{_tenant}/resume/manifest.json").DownloadContentAsync()).Value.Content.ToArray());
        Assert.Equal(UploadFolder.Sha256Sum(files[changed]), manifest.RootElement.GetProperty("objects").EnumerateArray().Single(o => o.GetProperty("name").GetString() == changed).GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task A_cancelled_run_writes_no_manifest_and_the_next_run_finishes_the_upload()
    {
        var root = UploadFolder.Create();
        var files = UploadFolder.Files(root);
        var request = new UploadRequest { Path = root, Tenant = _tenant, UploadId = "cancelled", Parallelism = 1 };
        using var cancel = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Uploader().UploadAsync(request, new SyncProgress(p =>
        {
            if (p.FilesDone == 3)
            {
                cancel.Cancel(); // Ctrl+C after the third file
            }
        }), cancel.Token));
        var stored = await ListAsync($"{_tenant}/cancelled/");
        Assert.InRange(stored.Count, 3, 4);
        Assert.DoesNotContain("manifest.json", stored.Keys);

        var rerun = await Uploader().UploadAsync(request);
        Assert.Equal((files.Count - stored.Count, stored.Count, ManifestOutcome.Written), (rerun.FilesUploaded, rerun.FilesSkipped, rerun.Manifest));
    }

    [Fact]
    public async Task A_write_only_SAS_uploads_everything_each_run_since_it_cannot_check_what_is_there()
    {
        var admin = new BlobServiceClient(azurite.ConnectionString);
        await admin.GetBlobContainerClient(Containers.Incoming).CreateIfNotExistsAsync();
        // What the upload API hands out (docs/storage.md): create and write only, no read, no list.
        var sas = admin.GetBlobContainerClient(Containers.Incoming).GenerateSasUri(BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write, DateTimeOffset.UtcNow.AddMinutes(10));
        var store = new BlobObjectStore(BlobServiceClients.FromContainerSasUrl(sas, Containers.Incoming));
        var root = UploadFolder.Create();
        var files = UploadFolder.Files(root);
        var request = new UploadRequest { Path = root, Tenant = _tenant, UploadId = "sas" };

        var first = await Uploader(store).UploadAsync(request);
        var second = await Uploader(store).UploadAsync(request);

        foreach (var receipt in new[] { first, second })
        {
            Assert.Equal((files.Count, 0, 0, ManifestOutcome.Written, true), (receipt.FilesUploaded, receipt.FilesSkipped, receipt.FilesFailed, receipt.Manifest, receipt.WriteOnly));
        }

        Assert.Equal(files.Keys.Append("manifest.json").Order(StringComparer.Ordinal), (await ListAsync($"{_tenant}/sas/")).Keys);
    }

    [Fact]
    public async Task Files_whose_names_cannot_be_kept_fail_alone_and_hold_back_the_manifest()
    {
        var root = Path.Combine(Telerad.Dicom.Tests.TestData.NewScratchDirectory("upload-names"), "in");
        Directory.CreateDirectory(Path.Combine(root, "sub"));
        File.WriteAllText(Path.Combine(root, "manifest.json"), "{}"); // would be replaced by the real manifest
        File.WriteAllText(Path.Combine(root, "sub", "trailing."), "x"); // Azure drops trailing dots
        File.WriteAllText(Path.Combine(root, "sub", "manifest.json"), "{}"); // fine below the top
        File.WriteAllText(Path.Combine(root, "ok.txt"), "ok");

        var receipt = await Uploader().UploadAsync(new UploadRequest { Path = root, Tenant = _tenant, UploadId = "names" });

        Assert.Equal(["manifest.json", "sub/trailing."], receipt.Failures.Select(f => f.Path));
        Assert.Equal((2, ManifestOutcome.NotWritten), (receipt.FilesUploaded, receipt.Manifest));
        Assert.Equal(["ok.txt", "sub/manifest.json"], (await ListAsync($"{_tenant}/names/")).Keys);
    }

    [Fact]
    public async Task One_file_uploads_under_its_own_name_with_a_new_time_ordered_upload_id()
    {
        var file = Directory.EnumerateFiles(Telerad.Dicom.Tests.TestData.CtStudy("ele")).Order(StringComparer.Ordinal).First();
        var before = DateTimeOffset.UtcNow;
        var receipt = await Uploader().UploadAsync(new UploadRequest { Path = file, Tenant = _tenant });

        var match = Regex.Match(receipt.UploadId, @"^(\d{8}T\d{6}Z)-[0-9a-f]{8}$");
        Assert.True(match.Success, receipt.UploadId);
        var stamp = DateTimeOffset.ParseExact(match.Groups[1].Value, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
        Assert.InRange(stamp, before.AddSeconds(-1), DateTimeOffset.UtcNow);
        Assert.NotEqual(receipt.UploadId, UploadIds.NewUploadId(stamp));
        Assert.Equal([Path.GetFileName(file), "manifest.json"], (await ListAsync($"{_tenant}/{receipt.UploadId}/")).Keys);
        Assert.Equal((1, 1), (receipt.ExpectedInstances, receipt.Studies.Count));
    }

    [Fact]
    public async Task Real_world_broken_and_odd_files_all_upload_and_only_readable_DICOM_counts()
    {
        // pydicom's test files (11 transfer syntaxes, truncated, malformed, no meta, DICOMDIR ...), an empty file,
        // random bytes, a cut zip. Classifying must never stop the upload.
        var root = Path.Combine(Telerad.Dicom.Tests.TestData.NewScratchDirectory("upload-odd"), "in");
        Directory.CreateDirectory(root);
        foreach (var file in Directory.EnumerateFiles(Telerad.Dicom.Tests.TestData.PydicomTestFiles))
        {
            File.Copy(file, Path.Combine(root, Path.GetFileName(file)));
        }

        await File.WriteAllBytesAsync(Path.Combine(root, "empty"), []);
        await File.WriteAllBytesAsync(Path.Combine(root, "random.bin"), Pattern.Bytes(12345, 300_000));
        var zip = await File.ReadAllBytesAsync(Path.Combine(UploadFolder.Create(), UploadFolder.ZipName));
        await File.WriteAllBytesAsync(Path.Combine(root, "cut.zip"), zip[..(zip.Length / 2)]);
        var files = UploadFolder.Files(root);

        var receipt = await Uploader().UploadAsync(new UploadRequest { Path = root, Tenant = _tenant, UploadId = "odd" });

        Assert.Empty(receipt.Failures);
        Assert.Equal((files.Count, ManifestOutcome.Written), (receipt.FilesUploaded, receipt.Manifest));
        Assert.Equal(files.Keys.Append("manifest.json").Order(StringComparer.Ordinal), (await ListAsync($"{_tenant}/odd/")).Keys);
        using var manifest = JsonDocument.Parse((await Incoming.GetBlobClient($"{_tenant}/odd/manifest.json").DownloadContentAsync()).Value.Content.ToArray());
        var kinds = manifest.RootElement.GetProperty("objects").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!, o => o.GetProperty("kind").GetString());
        Assert.Equal(("other", "other", "zip", "dicom", "dicom", "other"), (kinds["empty"], kinds["random.bin"], kinds["cut.zip"], kinds["CT_small.dcm"], kinds["ExplVR_BigEndNoMeta.dcm"], kinds["README.txt"]));
        // Every file dcmdump reads with both UIDs is counted: pydicom's own CT study is there.
        var ct = UploadFolder.ExpectedStudies([Path.Combine(root, "CT_small.dcm")]).Single();
        Assert.Contains(receipt.Studies, s => s.StudyInstanceUid == ct.Key);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("-x")]
    [InlineData("x y")]
    [InlineData("..")]
    public async Task Tenants_and_upload_ids_must_be_single_safe_path_segments(string bad)
    {
        var file = Path.Combine(Telerad.Dicom.Tests.TestData.PydicomTestFiles, "CT_small.dcm");
        await Assert.ThrowsAsync<ArgumentException>(() => Uploader().UploadAsync(new UploadRequest { Path = file, Tenant = bad }));
        await Assert.ThrowsAsync<ArgumentException>(() => Uploader().UploadAsync(new UploadRequest { Path = file, Tenant = _tenant, UploadId = bad }));
        Assert.Empty(await ListAsync($"{_tenant}/"));
    }

    private async Task<SortedDictionary<string, BlobItem>> ListAsync(string prefix)
    {
        var blobs = new SortedDictionary<string, BlobItem>(StringComparer.Ordinal);
        await Incoming.CreateIfNotExistsAsync();
        await foreach (var blob in Incoming.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix, Traits = BlobTraits.Metadata }))
        {
            blobs.Add(blob.Name[prefix.Length..], blob);
        }

        return blobs;
    }

    /// <summary>Names (relative to the upload) of the objects PUT since the log was cleared, in name order.</summary>
    private List<string> PutNames(string uploadId)
    {
        var prefix = $"/{AzuriteFixture.AccountName}/{Containers.Incoming}/{_tenant}/{uploadId}/";
        return [.. _log.Entries.Where(e => e.Method == "PUT" && e.Path.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.Path[prefix.Length..]).Distinct().Order(StringComparer.Ordinal)];
    }

    /// <summary>IProgress that runs on the reporting thread (Progress&lt;T&gt; posts to the thread pool, too late for assertions).</summary>
    private sealed class SyncProgress(Action<UploadProgress> report) : IProgress<UploadProgress>
    {
        private readonly Lock _lock = new();

        public void Report(UploadProgress value)
        {
            lock (_lock)
            {
                report(value);
            }
        }
    }

    /// <summary>A store whose writes of some objects fail the way a dropped connection does after the SDK's retries.</summary>
    private sealed class FailingWritesStore(IObjectStore inner, Func<string, bool> fails) : IObjectStore
    {
        public Task<ObjectProperties> WriteAsync(ObjectRef reference, Stream content, ObjectWriteOptions? options = null, CancellationToken cancellationToken = default) =>
            fails(reference.Name)
                ? throw new ObjectStoreException($"Blob storage failed writing {ObjectNames.Describe(reference)}: 503 ServerBusy.", 503, "ServerBusy")
                : inner.WriteAsync(reference, content, options, cancellationToken);

        public Task<ObjectProperties?> GetPropertiesAsync(ObjectRef reference, CancellationToken cancellationToken = default) => inner.GetPropertiesAsync(reference, cancellationToken);

        public Task<Stream> OpenReadAsync(ObjectRef reference, CancellationToken cancellationToken = default) => inner.OpenReadAsync(reference, cancellationToken);

        public Task AppendAsync(ObjectRef reference, ReadOnlyMemory<byte> block, CancellationToken cancellationToken = default) => inner.AppendAsync(reference, block, cancellationToken);

        public IAsyncEnumerable<ObjectProperties> ListAsync(string container, string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(container, prefix, cancellationToken);

        public Task<bool> DeleteAsync(ObjectRef reference, CancellationToken cancellationToken = default) => inner.DeleteAsync(reference, cancellationToken);
    }
}
