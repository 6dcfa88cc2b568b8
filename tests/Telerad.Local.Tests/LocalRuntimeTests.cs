using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Telerad.Azure;
using Telerad.Reading.Configuration;
using Telerad.Upload;

namespace Telerad.Local.Tests;

/// <summary>
/// Telerad.Local in this process, as `telerad demo` runs it: its own Azurite (real, persistent under the test's
/// folder), the DTFx engine on the Azure Storage backend, the poller and the API. The sample studies are uploaded once
/// with the real uploader; the tests then look at what the pipeline left in storage and at what the API answers.
/// </summary>
public sealed class LocalRuntimeFixture : IAsyncLifetime
{
    private TestSite? _site;
    private LocalRuntime? _runtime;

    internal TestSite Site => _site!;

    public LocalRuntime Runtime => _runtime!;

    public string TaskHub { get; } = TestSite.TaskHub("rt");

    public UploadReceipt Receipt { get; private set; } = null!;

    public JsonElement Studies { get; private set; }

    public async Task InitializeAsync()
    {
        _site = TestSite.Create();
        var ports = TestSite.FreePorts(3);
        _runtime = await LocalRuntime.StartAsync(
            new LocalOptions
            {
                DataDirectory = Site.Data,
                BlobPort = ports[0],
                QueuePort = ports[1],
                TablePort = ports[2],
                TaskHub = TaskHub,
                Urls = "http://127.0.0.1:0",
                Tenants = [TestSite.Tenant],
                QuietPeriod = TimeSpan.FromSeconds(8), // longer than any gap between a study's instances on a busy machine: none may come in "late"
                KeyFile = Site.KeyFile,
                PollInterval = TimeSpan.FromMilliseconds(200),
                UploadSettleAfter = TimeSpan.FromSeconds(2), // short, so a test sees folders settle and a rescan find a late object
                UploadRescanInterval = TimeSpan.FromSeconds(4),
                LogLevel = LogLevel.Warning,
            },
            TextWriter.Null,
            CancellationToken.None);
        Receipt = await new StudyUploader(new BlobObjectStore(Runtime.Storage.CreateBlobServiceClient()))
            .UploadAsync(new UploadRequest { Path = Site.Samples, Tenant = TestSite.Tenant }, null, CancellationToken.None);
        Assert.True(Receipt.Succeeded);
        using var api = new LocalApi(Runtime.ApiAddress);
        Studies = await api.WaitForCompletedStudiesAsync(TestSite.Tenant, Site.Truth.Count, TimeSpan.FromSeconds(150));
    }

    public async Task DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }

        _site?.Dispose();
    }
}

public sealed class LocalRuntimeTests(LocalRuntimeFixture fixture) : IClassFixture<LocalRuntimeFixture>
{
    [Fact]
    public async Task An_upload_ends_as_deidentified_studies_with_summaries_each_instance_once()
    {
        var stored = await StoredStudies.ReadAsync(fixture.Runtime.StorageConnectionString, TestSite.Tenant);
        StoredStudies.AssertComplete(fixture.Site.Truth, stored);
        Assert.Equal(fixture.Site.Truth.Sum(t => t.Instances), fixture.Receipt.ExpectedInstances);
    }

    [Fact]
    public async Task The_studies_ran_on_the_Azure_Storage_durable_backend_in_Azurite()
    {
        // The DTFx Azure Storage backend keeps orchestration state in {hub}Instances and {hub}History: one row per
        // study in the first, its events in the second. The in-memory test engine would leave neither.
        var tables = new TableServiceClient(fixture.Runtime.StorageConnectionString);
        var instances = new List<TableEntity>();
        await foreach (var row in tables.GetTableClient(fixture.TaskHub + "Instances").QueryAsync<TableEntity>())
        {
            instances.Add(row);
        }

        var studyKeys = fixture.Studies.EnumerateArray().Select(s => s.GetProperty("studyKey").GetString()!).ToList();
        var assemblies = instances.Where(i => i.PartitionKey.StartsWith("study-", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            studyKeys.Select(k => StudyAssembly.InstanceId(TestSite.Tenant, k)).Order(StringComparer.Ordinal),
            assemblies.Select(i => i.PartitionKey).Order(StringComparer.Ordinal));
        Assert.All(assemblies, i => Assert.Equal("Completed", i.GetString("RuntimeStatus")));

        // Each assembled study went on to reading: one ReadStudy per study, in the same task hub.
        Assert.Equal(
            studyKeys.Select(k => ReadStudy.InstanceId(TestSite.Tenant, k)).Order(StringComparer.Ordinal),
            instances.Except(assemblies).Select(i => i.PartitionKey).Order(StringComparer.Ordinal));
        var history = 0;
        await foreach (var _ in tables.GetTableClient(fixture.TaskHub + "History").QueryAsync<TableEntity>(select: ["PartitionKey"]))
        {
            history++;
        }

        Assert.True(history > instances.Count * 3, $"only {history} history rows");
    }

    /// <summary>
    /// The poller tells a study what one pass accepted in one event (up to 100 instances), not one event per instance:
    /// each event costs the durable engine's storage a state read, a queue message and its delete. The CT's history
    /// holds far fewer raised events than the study has instances.
    /// </summary>
    [Fact]
    public async Task A_pass_announces_its_instances_to_a_study_in_one_event_not_one_each()
    {
        var tables = new TableServiceClient(fixture.Runtime.StorageConnectionString);
        var raised = 0;
        await foreach (var row in tables.GetTableClient(fixture.TaskHub + "History").QueryAsync<TableEntity>(select: ["PartitionKey", "EventType"]))
        {
            raised += row.PartitionKey.StartsWith("study-", StringComparison.Ordinal) && row.GetString("EventType") == "EventRaised" ? 1 : 0;
        }

        // One per instance (and per manifest) before; now one per study per pass, and one per manifest.
        var instances = fixture.Site.Truth.Sum(t => t.Instances);
        Assert.True(instances >= 40, $"the upload has only {instances} instances");
        Assert.InRange(raised, fixture.Site.Truth.Count, instances / 4);
    }

    [Theory]
    [InlineData("studies/demo")]
    [InlineData("uploads/demo/20250101T000000Z-00000000")]
    [InlineData("studies/demo/2.25.1")]
    public async Task The_API_refuses_a_caller_without_the_dev_identity(string path)
    {
        using var anonymous = new LocalApi(fixture.Runtime.ApiAddress, user: null);
        var (status, body) = await anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains(DevIdentityHandler.HeaderName, body, StringComparison.Ordinal);

        using var malformed = new LocalApi(fixture.Runtime.ApiAddress, user: "not a user id!");
        Assert.Equal(HttpStatusCode.Unauthorized, (await malformed.GetAsync(path)).Status);

        using var health = new LocalApi(fixture.Runtime.ApiAddress, user: null);
        Assert.Equal(HttpStatusCode.OK, (await health.GetAsync("health")).Status);
    }

    [Fact]
    public async Task The_API_answers_with_pseudonymous_ids_only_never_PHI_or_object_names()
    {
        using var api = new LocalApi(fixture.Runtime.ApiAddress);
        var answers = new List<string>();
        foreach (var path in new[] { "health", $"studies/{TestSite.Tenant}", $"uploads/{TestSite.Tenant}/{fixture.Receipt.UploadId}" }
            .Concat(fixture.Studies.EnumerateArray().Select(s => $"studies/{TestSite.Tenant}/{s.GetProperty("studyKey").GetString()}")))
        {
            var (status, body) = await api.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, status);
            answers.Add(body);
        }

        var all = string.Join('\n', answers);
        Assert.Equal(fixture.Site.Truth.Count, fixture.Studies.GetArrayLength());
        Assert.Contains("\"deidentifiedInstances\":40", all, StringComparison.Ordinal);

        // What identifies a patient or a hospital's files, from the generator's ground truth and the upload folder.
        var secrets = fixture.Site.Truth.SelectMany(t => new[] { t.PatientName, t.PatientId, t.AccessionNumber, t.StudyInstanceUid, t.SeriesInstanceUid, t.Folder })
            .Concat(fixture.Site.Truth.SelectMany(t => t.Files))
            .Concat(Directory.EnumerateFiles(fixture.Site.Samples, "*", SearchOption.AllDirectories).Select(f => SopInstanceUid(f)))
            .ToList();
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, all, StringComparison.Ordinal));
        Assert.DoesNotContain("Sample^", all, StringComparison.Ordinal);
    }

    /// <summary>
    /// The demo tenant's reading configuration has one facility and one referrer: ingestion takes them as the tenant's
    /// settings, so each summary names the facility, the patients' jurisdiction and the referrer, as a hospital's would.
    /// </summary>
    [Fact]
    public async Task Summaries_name_the_facility_jurisdiction_and_referrer_of_the_tenants_reading_configuration()
    {
        using var api = new LocalApi(fixture.Runtime.ApiAddress);
        foreach (var study in fixture.Studies.EnumerateArray())
        {
            var (status, body) = await api.GetAsync($"studies/{TestSite.Tenant}/{study.GetProperty("studyKey").GetString()}");
            Assert.Equal(HttpStatusCode.OK, status);
            var summary = JsonDocument.Parse(body).RootElement.GetProperty("summary");
            Assert.Equal(("demo-hospital", "US-NY", "demo-ed"), (summary.GetProperty("facilityId").GetString(), summary.GetProperty("patientJurisdiction").GetString(), summary.GetProperty("referrerId").GetString()));
        }
    }

    [Fact]
    public async Task The_stalled_instance_sweep_runs_here_and_finds_nothing_after_a_clean_upload()
    {
        Assert.Contains(fixture.Runtime.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s is StalledInstanceSweeper);
        var sweep = fixture.Runtime.Services.GetRequiredService<StalledInstanceSweep>();
        Assert.Equal(0, await sweep.SweepAsync(TimeSpan.Zero)); // every registered instance was de-identified: no marker left
    }

    [Fact]
    public void A_tenant_with_several_facilities_or_referrers_gets_no_default_from_them()
    {
        static FacilityConfiguration Facility(string id) => new() { Id = id, DisplayName = id, Jurisdiction = "US-" + id };
        static ReferrerConfiguration Referrer(string id) => new() { Id = id, DisplayName = id, FhirEndpointId = "ehr", CriticalResultContacts = [] };
        var quiet = TimeSpan.FromSeconds(5);

        var single = LocalTenantSettings.From("t", quiet, [Facility("NY")], [Referrer("ed")]);
        Assert.Equal(("t", "NY", "US-NY", "ed", quiet), (single.Id, single.FacilityId, single.Jurisdiction, single.DefaultReferrerId, single.QuietPeriod));
        var several = LocalTenantSettings.From("t", quiet, [Facility("NY"), Facility("NJ")], [Referrer("ed"), Referrer("ortho")]);
        Assert.Equal(((string?)null, (string?)null, (string?)null), (several.FacilityId, several.Jurisdiction, several.DefaultReferrerId));
        var none = LocalTenantSettings.From("t", quiet, [], []);
        Assert.Equal(((string?)null, (string?)null), (none.FacilityId, none.DefaultReferrerId));
    }

    /// <summary>
    /// Once an upload stops changing its folder is no longer listed every pass (the poller's cost stays flat however
    /// much was ever uploaded), and an object added to it later is still found, at the next rescan.
    /// </summary>
    [Fact]
    public async Task Settled_upload_folders_are_not_listed_every_pass_and_a_late_object_is_still_found()
    {
        // Copies of a sample instance, written straight into a new upload folder: duplicates of an instance already
        // de-identified, so no study hears of them (a manifest would reopen its study as a late run).
        var source = Directory.EnumerateFiles(fixture.Site.Samples, "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var store = new BlobObjectStore(fixture.Runtime.Storage.CreateBlobServiceClient());
        var uploadId = UploadIds.NewUploadId(DateTimeOffset.UtcNow);
        async Task WriteCopyAsync(string name)
        {
            await using var content = File.OpenRead(source);
            await store.WriteAsync(new ObjectRef(Containers.Incoming, $"{TestSite.Tenant}/{uploadId}/{name}"), content);
        }

        await WriteCopyAsync("copy.dcm");
        using var api = new LocalApi(fixture.Runtime.ApiAddress);
        await WaitForUploadAsync(api, uploadId, objects: 1);

        var poller = fixture.Runtime.Services.GetRequiredService<IncomingPoller>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (poller.FoldersListedLastPass > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"upload folders never settled: {poller.FoldersListedLastPass} listed at the last pass");
            await Task.Delay(100);
        }

        await WriteCopyAsync("late.dcm");
        var status = await WaitForUploadAsync(api, uploadId, objects: 2);
        Assert.Equal(2, status.GetProperty("outcomes").GetProperty("duplicate").GetInt32()); // the copy and the late one: both a sample instance again
    }

    /// <summary>
    /// A manifest that lands while a pass handles its upload's last objects (an uploader writes it right after them) is
    /// handled in that pass, not a poll interval and a listing later. Here it is written just after the pass listed the
    /// folder; a poller of its own (this folder only) makes one pass.
    /// </summary>
    [Fact]
    public async Task A_manifest_written_after_the_listing_is_handled_in_the_same_pass()
    {
        var source = Directory.EnumerateFiles(fixture.Site.Samples, "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var store = new BlobObjectStore(fixture.Runtime.Storage.CreateBlobServiceClient());
        var uploadId = UploadIds.NewUploadId(DateTimeOffset.UtcNow);
        var folder = UploadManifest.PrefixOf(TestSite.Tenant, uploadId);
        foreach (var name in new[] { "a.dcm", "b.dcm" })
        {
            // Copies of a sample instance already de-identified: duplicates, so no study is signalled.
            await using var content = File.OpenRead(source);
            await store.WriteAsync(new ObjectRef(Containers.Incoming, folder + name), content);
        }

        var manifest = EmptyManifest(uploadId);
        var poller = ActivatorUtilities.CreateInstance<IncomingPoller>(fixture.Runtime.Services, new OneFolderStore(store, folder, manifestAfterListing: manifest));

        await poller.PassAsync(CancellationToken.None);

        Assert.Equal(3, poller.Handled); // the two copies and the manifest
        using var api = new LocalApi(fixture.Runtime.ApiAddress);
        var status = await WaitForUploadAsync(api, uploadId, objects: 3);
        Assert.Equal(1, status.GetProperty("outcomes").GetProperty("manifest").GetInt32());

        // Objects written between the listing and the manifest were not listed: the folder is listed once more.
        await poller.PassAsync(CancellationToken.None);
        Assert.Equal(1, poller.FoldersListedLastPass);
    }

    /// <summary>
    /// An upload whose listing holds its manifest (written last) and whose objects are then all handled is complete: its
    /// folder is not listed again every pass while its studies are de-identified (each listing of a large upload takes
    /// Azurite's time from that work), only at its rescans. Not so when the pass expanded an archive there: its entries
    /// are new objects of the folder, and the next pass lists them.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_upload_complete_with_its_manifest_settles_in_the_same_pass_unless_an_archive_was_expanded(bool archive)
    {
        var source = Directory.EnumerateFiles(fixture.Site.Samples, "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var store = new BlobObjectStore(fixture.Runtime.Storage.CreateBlobServiceClient());
        var uploadId = UploadIds.NewUploadId(DateTimeOffset.UtcNow);
        var folder = UploadManifest.PrefixOf(TestSite.Tenant, uploadId);

        // A copy of a sample instance already de-identified (a duplicate: no study is signalled), plain or in a zip.
        await using (Stream content = archive ? ZipOf(source) : File.OpenRead(source))
        {
            await store.WriteAsync(new ObjectRef(Containers.Incoming, folder + (archive ? "copy.zip" : "copy.dcm")), content);
        }

        await using (var content = new MemoryStream(EmptyManifest(uploadId)))
        {
            await store.WriteAsync(new ObjectRef(Containers.Incoming, folder + UploadManifest.FileName), content);
        }

        var poller = ActivatorUtilities.CreateInstance<IncomingPoller>(fixture.Runtime.Services, new OneFolderStore(store, folder));
        await poller.PassAsync(CancellationToken.None);
        Assert.Equal(2, poller.Handled); // the copy (or the archive) and the manifest

        await poller.PassAsync(CancellationToken.None);
        Assert.Equal(archive ? 1 : 0, poller.FoldersListedLastPass);
        Assert.Equal(archive ? 3 : 2, poller.Handled); // the archive's entry, found by that listing

        await poller.PassAsync(CancellationToken.None);
        Assert.Equal(0, poller.FoldersListedLastPass); // complete now: the listing held the manifest, all of it handled
    }

    private static MemoryStream ZipOf(string file)
    {
        var zip = new MemoryStream();
        using (var writer = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = writer.CreateEntry("entry.dcm").Open();
            using var content = File.OpenRead(file);
            content.CopyTo(entry);
        }

        zip.Position = 0;
        return zip;
    }

    /// <summary>A manifest naming no studies: it reopens none (a sample study would otherwise get a late run).</summary>
    private static byte[] EmptyManifest(string uploadId) => UploadManifestJson.Serialize(new UploadManifest
    {
        Tenant = TestSite.Tenant,
        UploadId = uploadId,
        CreatedAt = DateTimeOffset.UtcNow,
        Objects = [],
        ExpectedInstances = 0,
        Studies = [],
    });

    /// <summary>
    /// The journal takes a pass's rows of one upload in transactions (up to 100 rows each: 150 rows are two), and refuses
    /// rows of two uploads in one call, which the table service could not commit together.
    /// </summary>
    [Fact]
    public async Task The_journal_records_an_uploads_rows_in_transactions_and_refuses_two_uploads_at_once()
    {
        var journal = new IngestionJournal(new TableServiceClient(fixture.Runtime.StorageConnectionString));
        var uploadId = UploadIds.NewUploadId(DateTimeOffset.UtcNow);
        var partition = IngestionJournal.PartitionOf(TestSite.Tenant, uploadId);
        var rows = Enumerable.Range(0, 150)
            .Select(i => new JournalEntry(partition, $"obj-{i:D3}_etag", "accepted", "study", "series", $"sop-{i}", 1, null, DateTimeOffset.UtcNow))
            .ToList();

        await journal.RecordAllAsync(rows, CancellationToken.None);

        var stored = await journal.ForUploadAsync(TestSite.Tenant, uploadId, CancellationToken.None);
        Assert.Equal(rows.Select(r => r.Row).Order(StringComparer.Ordinal), stored.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("sop-149", stored["obj-149_etag"].SopKey);
        var other = rows[0] with { Partition = IngestionJournal.PartitionOf(TestSite.Tenant, UploadIds.NewUploadId(DateTimeOffset.UtcNow.AddMinutes(1))) };
        await Assert.ThrowsAsync<ArgumentException>(() => journal.RecordAllAsync([rows[1], other], CancellationToken.None));
    }

    /// <summary>The store as one upload folder sees it (a poller of its own then looks at nothing else); with
    /// <paramref name="manifestAfterListing"/>, the folder's manifest is written right after its first full listing.</summary>
    private sealed class OneFolderStore(IObjectStore inner, string folder, byte[]? manifestAfterListing = null) : IObjectStore
    {
        private bool _written;

        public async IAsyncEnumerable<ObjectProperties> ListAsync(string container, string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var item in inner.ListAsync(container, prefix, cancellationToken))
            {
                if (item.Reference.Name.StartsWith(folder, StringComparison.Ordinal))
                {
                    yield return item;
                }
            }

            if (prefix == folder && manifestAfterListing is { } manifest && !_written)
            {
                _written = true;
                using var content = new MemoryStream(manifest);
                await inner.WriteAsync(new ObjectRef(Containers.Incoming, folder + UploadManifest.FileName), content, null, cancellationToken);
            }
        }

        public Task<ObjectProperties?> GetPropertiesAsync(ObjectRef reference, CancellationToken cancellationToken = default) => inner.GetPropertiesAsync(reference, cancellationToken);

        public Task<Stream> OpenReadAsync(ObjectRef reference, CancellationToken cancellationToken = default) => inner.OpenReadAsync(reference, cancellationToken);

        public Task<ObjectProperties> WriteAsync(ObjectRef reference, Stream content, ObjectWriteOptions? options = null, CancellationToken cancellationToken = default) => inner.WriteAsync(reference, content, options, cancellationToken);

        public Task AppendAsync(ObjectRef reference, ReadOnlyMemory<byte> block, CancellationToken cancellationToken = default) => inner.AppendAsync(reference, block, cancellationToken);

        public Task<bool> DeleteAsync(ObjectRef reference, CancellationToken cancellationToken = default) => inner.DeleteAsync(reference, cancellationToken);
    }

    private static async Task<JsonElement> WaitForUploadAsync(LocalApi api, string uploadId, int objects)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var (status, body) = await api.GetAsync($"uploads/{TestSite.Tenant}/{uploadId}");
            if (status == HttpStatusCode.OK)
            {
                var upload = JsonDocument.Parse(body).RootElement.Clone();
                if (upload.GetProperty("objects").GetInt32() == objects && upload.GetProperty("pending").GetInt32() == 0)
                {
                    return upload;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"upload {uploadId} did not reach {objects} handled objects: {status} {body}");
            await Task.Delay(200);
        }
    }

    /// <summary>The original SOP Instance UID of an uploaded file, read with dcmdump (not with our reader).</summary>
    private static string SopInstanceUid(string file)
    {
        var dump = Telerad.Dicom.Tests.ExternalTool.Run(Telerad.Dicom.Tests.ExternalTool.Require("dcmdump"), ["+P", "0008,0018", file]);
        Assert.Equal(0, dump.ExitCode);
        var open = dump.StandardOutput.IndexOf('[', StringComparison.Ordinal);
        return dump.StandardOutput[(open + 1)..dump.StandardOutput.IndexOf(']', open)];
    }
}
