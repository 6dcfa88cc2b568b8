using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Telerad.Deidentification;
using Telerad.Dicom.Tests;

namespace Telerad.Ingestion.Tests;

/// <summary>IngestInstance's decisions: accept, duplicate, version, quarantine with reasons, archives, redelivery.</summary>
public class IngestInstanceHandlerTests
{
    private readonly InMemoryObjectStore _store = new();
    private readonly InMemoryIngestionState _state = new();
    private readonly DeidentificationKeys _keys = DeidentificationKeys.Generate("hospital-a");

    private IngestInstanceHandler Handler(IngestionOptions? options = null) => new(
        _store,
        new StaticTenantDirectory([new TenantSettings { Id = "hospital-a" }]),
        tenant => new Deidentifier(DeidentificationProfile.Reading, _keys),
        _state,
        _state,
        _state,
        options ?? new IngestionOptions(),
        TimeProvider.System);

    private ObjectRef Upload(string relative, byte[] bytes, string tenant = "hospital-a", string upload = "u1")
    {
        var reference = new ObjectRef(Containers.Incoming, $"{tenant}/{upload}/{relative}");
        _store.Put(reference, bytes);
        return reference;
    }

    private static byte[] CtSlice(int index = 0) => File.ReadAllBytes(Directory.EnumerateFiles(TestData.CtStudy("ele")).Order().ElementAt(index));

    private JsonElement Reason(string tenant, string upload, string relative)
    {
        var reason = new ObjectRef(Containers.Quarantine, $"{tenant}/{upload}/{relative}.reason.json");
        return JsonDocument.Parse(_store.Bytes(reason)).RootElement;
    }

    [Fact]
    public async Task A_valid_instance_is_accepted_with_pseudonymous_keys_and_redelivery_changes_nothing()
    {
        var bytes = CtSlice();
        var reference = Upload("series1/0001.dcm", bytes);
        var result = await Handler().HandleAsync(reference);
        Assert.Equal(LedgerEntry.Accepted, result.Outcome);
        var instance = result.Instance!;
        using var original = DicomFile.Read(bytes);
        var deidentifier = new Deidentifier(DeidentificationProfile.Reading, _keys);
        Assert.Equal(deidentifier.PseudonymousUid(original.Dataset.GetUid(DicomTags.StudyInstanceUID)!), instance.StudyKey);
        Assert.Equal(deidentifier.PseudonymousUid(original.Dataset.GetUid(DicomTags.SOPInstanceUID)!), instance.SopKey);
        Assert.Equal(1, instance.Version);
        Assert.DoesNotContain("series1", instance.ObjectId, StringComparison.Ordinal);

        var again = await Handler().HandleAsync(reference);
        Assert.True(again.Redelivered);
        Assert.Equal(LedgerEntry.Accepted, again.Outcome);
        // The first delivery may have stopped before signalling its study: the redelivery says what to signal again.
        Assert.Equal(new StudyInstanceRef("hospital-a", instance.StudyKey, instance.SopKey, 1), again.Study);
        Assert.Equal(result.Study, again.Study);
        Assert.Single(_state.Audit, a => a.Action == Telerad.Auditing.AuditActions.IngestionAccepted);
    }

    /// <summary>An instance is read once, and the ETag recorded comes with that read: no properties request first
    /// (one GET on Blob Storage: BlobObjectStoreTests.Opening_with_properties_is_one_get_and_gives_the_version_read).</summary>
    [Fact]
    public async Task An_instance_and_a_manifest_are_each_read_once_without_a_properties_request()
    {
        var instance = Upload("series1/0001.dcm", CtSlice());
        var manifest = Upload(IncomingObjectName.ManifestName, Manifest("hospital-a", "u1"));

        var accepted = await Handler().HandleAsync(instance);
        Assert.Equal(LedgerEntry.Accepted, accepted.Outcome);
        Assert.Equal(LedgerEntry.Manifest, (await Handler().HandleAsync(manifest)).Outcome);

        Assert.Equal(0, _store.PropertiesRequests);
        Assert.Equal(2, _store.Reads);
        var etag = (await _store.GetPropertiesAsync(instance))!.ETag;
        Assert.Equal(LedgerEntry.Accepted, (await _state.FindAsync("hospital-a", accepted.ObjectId, etag))!.Outcome);
    }

    [Fact]
    public async Task The_same_instance_again_is_a_no_op_and_different_content_is_a_new_version()
    {
        var bytes = CtSlice();
        Assert.Equal(LedgerEntry.Accepted, (await Handler().HandleAsync(Upload("a.dcm", bytes))).Outcome);
        Assert.Equal(LedgerEntry.Duplicate, (await Handler().HandleAsync(Upload("copy-of-a.dcm", bytes, upload: "u2"))).Outcome);

        using var file = DicomFile.Read(bytes);
        file.Dataset.SetString(DicomTags.SeriesDescription, "corrected");
        using var changed = new MemoryStream();
        file.Save(changed);
        var versioned = await Handler().HandleAsync(Upload("a.dcm", changed.ToArray(), upload: "u3"));
        Assert.Equal(LedgerEntry.Versioned, versioned.Outcome);
        Assert.Equal(2, versioned.Instance!.Version);
        Assert.Contains(_state.Audit, a => a.Action == Telerad.Auditing.AuditActions.IngestionVersioned);
    }

    [Fact]
    public async Task A_delivery_that_stopped_between_registering_and_recording_is_finished_and_signalled_by_the_redelivery()
    {
        var reference = Upload("series1/0001.dcm", CtSlice());
        var crashing = new IngestInstanceHandler(
            _store, new StaticTenantDirectory([new TenantSettings { Id = "hospital-a" }]), tenant => new Deidentifier(DeidentificationProfile.Reading, _keys),
            new LedgerThatFailsOnce(_state), _state, _state, new IngestionOptions(), TimeProvider.System);
        await Assert.ThrowsAsync<IOException>(() => crashing.HandleAsync(reference));

        // The registry has the instance, the ledger does not: without care the redelivery would call it a duplicate of
        // itself, never signal the study, and the instance would only be found (as late) when the study completes.
        var again = await Handler().HandleAsync(reference);
        Assert.Equal(LedgerEntry.Accepted, again.Outcome);
        Assert.False(again.Redelivered);
        Assert.NotNull(again.Study);
        Assert.Equal(1, again.Study.Version);
        Assert.Single(_state.Audit, a => a.Action == Telerad.Auditing.AuditActions.IngestionAccepted);
        Assert.DoesNotContain(_state.Audit, a => a.Action == Telerad.Auditing.AuditActions.IngestionDuplicate);
    }

    [Fact]
    public async Task A_copy_of_an_instance_not_yet_deidentified_signals_its_study_and_a_copy_of_a_finished_one_does_not()
    {
        var bytes = CtSlice();
        var first = await Handler().HandleAsync(Upload("a.dcm", bytes));
        var copy = await Handler().HandleAsync(Upload("a.dcm", bytes, upload: "u2"));
        Assert.Equal(LedgerEntry.Duplicate, copy.Outcome);
        Assert.Equal(first.Study, copy.Study);

        var instance = first.Instance!;
        await _state.SaveResultAsync(instance.Tenant, instance.StudyKey, instance.SopKey, instance.Version, new DeidentifiedInstance(instance.Tenant, instance.StudyKey, instance.SeriesKey, instance.SopKey, DeidentifiedInstance.Deidentified, null, "CT", "HEAD", null, 1234, "x.dcm"), late: false);
        var later = await Handler().HandleAsync(Upload("a.dcm", bytes, upload: "u3"));
        Assert.Equal(LedgerEntry.Duplicate, later.Outcome);
        Assert.Null(later.Study);
    }

    /// <summary>A ledger whose first write fails, as if the host stopped right after registering the instance.</summary>
    private sealed class LedgerThatFailsOnce(IIngestionLedger inner) : IIngestionLedger
    {
        private int _failed;

        public Task<LedgerEntry?> FindAsync(string tenant, string objectId, string etag, CancellationToken cancellationToken = default) =>
            inner.FindAsync(tenant, objectId, etag, cancellationToken);

        public Task RecordAsync(string tenant, LedgerEntry entry, CancellationToken cancellationToken = default) =>
            Interlocked.Exchange(ref _failed, 1) == 0 ? throw new IOException("stopped") : inner.RecordAsync(tenant, entry, cancellationToken);
    }

    public static TheoryData<string, string> BadInputs() => new()
    {
        { "notes.txt", RejectionCodes.NotDicom },
        { "truncated.dcm", RejectionCodes.Malformed },
        { "no-patient-id.dcm", RejectionCodes.MissingAttribute },
        { "ultrasound.dcm", QuarantineReason.BurnedInAnnotationRisk },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Each_kind_of_bad_input_is_quarantined_with_its_reason_and_kept(string name, string code)
    {
        var bytes = name switch
        {
            "notes.txt" => Encoding.UTF8.GetBytes("Patient Jane Roe, MRN 123: see attached"),
            "truncated.dcm" => CtSlice()[..^100],
            "no-patient-id.dcm" => Without(CtSlice(), DicomTags.PatientID),
            _ => WithModality(CtSlice(), "US"),
        };
        var reference = Upload("in/" + name, bytes);
        var result = await Handler().HandleAsync(reference);
        Assert.Equal(LedgerEntry.Quarantined, result.Outcome);
        Assert.Equal(code, result.Rejection!.Code);
        Assert.Equal(code, Reason("hospital-a", "u1", "in/" + name).GetProperty("code").GetString());
        Assert.Equal(bytes, _store.Bytes(new ObjectRef(Containers.Quarantine, "hospital-a/u1/in/" + name)));
        Assert.Equal(bytes, _store.Bytes(reference)); // nothing deleted
        Assert.DoesNotContain("Roe", Encoding.UTF8.GetString(_store.Bytes(new ObjectRef(Containers.Quarantine, "hospital-a/u1/in/" + name + ".reason.json"))), StringComparison.Ordinal);
        Assert.Contains(_state.Audit, a => a.Action == Telerad.Auditing.AuditActions.IngestionQuarantined);
    }

    [Fact]
    public async Task Unknown_tenants_and_oversized_objects_are_quarantined()
    {
        var stranger = await Handler().HandleAsync(Upload("a.dcm", CtSlice(), tenant: "nobody"));
        Assert.Equal(RejectionCodes.UnknownTenant, stranger.Rejection!.Code);
        Assert.Contains(_store.Names, n => n.Container == Containers.Quarantine && n.Name.StartsWith("_unknown/", StringComparison.Ordinal));

        var big = await Handler(new IngestionOptions { MaxObjectBytes = 1000 }).HandleAsync(Upload("big.dcm", CtSlice()));
        Assert.Equal(RejectionCodes.Oversized, big.Rejection!.Code);
    }

    [Fact]
    public async Task A_zip_of_a_study_is_expanded_into_objects_that_ingest_like_uploads()
    {
        var zip = Zip(("study/0001.dcm", CtSlice(0)), ("study/0002.dcm", CtSlice(1)), ("README.txt", "hello"u8.ToArray()));
        var result = await Handler().HandleAsync(Upload("study.zip", zip));
        Assert.Equal(LedgerEntry.Expanded, result.Outcome);
        Assert.Equal(3, result.Extracted!.Count);
        var outcomes = new List<string>();
        foreach (var extracted in result.Extracted)
        {
            Assert.StartsWith("hospital-a/u1/.extracted/", extracted.Name, StringComparison.Ordinal);
            outcomes.Add((await Handler().HandleAsync(extracted)).Outcome);
        }

        Assert.Equal(2, outcomes.Count(o => o == LedgerEntry.Accepted));
        Assert.Equal(1, outcomes.Count(o => o == LedgerEntry.Quarantined));
    }

    public static TheoryData<string> RefusedArchives() => ["traversal", "absolute", "bomb", "too-many", "nested"];

    [Theory]
    [MemberData(nameof(RefusedArchives))]
    public async Task Dangerous_archives_are_refused_whole_and_nothing_is_extracted(string kind)
    {
        var zip = kind switch
        {
            "traversal" => Zip(("../../etc/passwd", "x"u8.ToArray())),
            "absolute" => Zip(("/tmp/x.dcm", "x"u8.ToArray())),
            "bomb" => Zip(("zeros.dcm", new byte[50_000_000])),
            "too-many" => Zip([.. Enumerable.Range(0, 30).Select(i => ($"f{i}.dcm", new byte[] { 1 }))]),
            _ => Zip(("inner.zip", Zip(("a.dcm", "x"u8.ToArray())))),
        };
        var result = await Handler(new IngestionOptions { MaxArchiveEntries = 20 }).HandleAsync(Upload(kind + ".zip", zip));
        Assert.Equal(RejectionCodes.ArchiveRefused, result.Rejection!.Code);
        Assert.DoesNotContain(_store.Names, n => n.Name.Contains(".extracted", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Processed_objects_are_deleted_from_incoming_only_when_configured(bool delete)
    {
        var handler = Handler(new IngestionOptions { DeleteIncomingAfterProcessing = delete });
        var bytes = CtSlice();
        var accepted = Upload("a.dcm", bytes);
        var duplicate = Upload("copy-of-a.dcm", bytes, upload: "u2");
        var refused = Upload("notes.txt", "not dicom"u8.ToArray());
        Assert.Equal(LedgerEntry.Accepted, (await handler.HandleAsync(accepted)).Outcome);
        Assert.Equal(LedgerEntry.Duplicate, (await handler.HandleAsync(duplicate)).Outcome);
        Assert.Equal(LedgerEntry.Quarantined, (await handler.HandleAsync(refused)).Outcome);

        Assert.Contains(accepted, _store.Names); // accepted instances wait for their de-identification
        Assert.Equal(!delete, _store.Names.Contains(duplicate));
        Assert.Equal(!delete, _store.Names.Contains(refused));
        Assert.Equal("not dicom"u8.ToArray(), _store.Bytes(new ObjectRef(Containers.Quarantine, "hospital-a/u1/notes.txt"))); // never lost
    }

    private static byte[] Manifest(string tenant, string upload) => UploadManifestJson.Serialize(new UploadManifest
    {
        Tenant = tenant,
        UploadId = upload,
        CreatedAt = DateTimeOffset.UtcNow,
        Objects = [],
        ExpectedInstances = 1,
        Studies = [new UploadManifestStudy("1.2.3", 1)],
    });

    [Fact]
    public async Task A_manifest_for_its_own_upload_is_recognised()
    {
        var result = await Handler().HandleAsync(Upload(IncomingObjectName.ManifestName, Manifest("hospital-a", "u1")));
        Assert.Equal(LedgerEntry.Manifest, result.Outcome);
        Assert.Null(result.Rejection);
    }

    [Theory]
    [InlineData("not-json")]
    [InlineData("other-format")]
    [InlineData("other-tenant")]
    [InlineData("other-upload")]
    public async Task A_manifest_that_does_not_parse_or_claims_another_upload_is_quarantined(string kind)
    {
        var bytes = kind switch
        {
            "not-json" => "{ not json"u8.ToArray(),
            "other-format" => """{"format":"something-else","version":1}"""u8.ToArray(),
            "other-tenant" => Manifest("hospital-b", "u1"),
            _ => Manifest("hospital-a", "u2"),
        };
        var result = await Handler().HandleAsync(Upload(IncomingObjectName.ManifestName, bytes));
        Assert.Equal(LedgerEntry.Quarantined, result.Outcome);
        Assert.Equal(RejectionCodes.ManifestInvalid, result.Rejection!.Code);
        Assert.Equal(RejectionCodes.ManifestInvalid, Reason("hospital-a", "u1", IncomingObjectName.ManifestName).GetProperty("code").GetString());
        Assert.Equal(bytes, _store.Bytes(new ObjectRef(Containers.Quarantine, "hospital-a/u1/" + IncomingObjectName.ManifestName)));
    }

    private static byte[] Without(byte[] bytes, DicomTag tag)
    {
        using var file = DicomFile.Read(bytes);
        file.Dataset.Remove(tag);
        using var output = new MemoryStream();
        file.Save(output);
        return output.ToArray();
    }

    private static byte[] WithModality(byte[] bytes, string modality)
    {
        using var file = DicomFile.Read(bytes);
        file.Dataset.SetString(DicomTags.Modality, modality);
        using var output = new MemoryStream();
        file.Save(output);
        return output.ToArray();
    }

    private static byte[] Zip(params (string Name, byte[] Bytes)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                using var stream = entry.Open();
                stream.Write(bytes);
            }
        }

        return buffer.ToArray();
    }
}
