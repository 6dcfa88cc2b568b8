using Telerad.Auditing;
using Telerad.Deidentification;
using Telerad.Dicom.Tests;

namespace Telerad.Ingestion.Tests;

/// <summary>The de-identify activity's core: incoming → deid/, streamed, with the study's re-identification entry saved.</summary>
public class InstanceDeidentifierTests
{
    private sealed class Keys(DeidentificationKeys keys) : IDeidentificationKeyProvider
    {
        public DeidentificationKeys GetKeys(string tenantId) => keys;
    }

    [Theory]
    [InlineData("ele")]
    [InlineData("jpll")]
    public async Task Instances_are_written_to_deid_by_pseudonymous_uids_and_summarised(string syntax)
    {
        var store = new InMemoryObjectStore();
        var keys = DeidentificationKeys.Generate("hospital-a");
        var scratch = TestData.NewScratchDirectory("reid");
        using var audit = new JsonLinesAuditLog(Path.Combine(scratch, "audit.jsonl"));
        var reid = new FileReidentificationStore(scratch, new Keys(keys), audit);
        var tenants = new StaticTenantDirectory([new TenantSettings { Id = "hospital-a", FacilityId = "fac-1", Jurisdiction = "US-CA" }]);
        var deidentifier = new InstanceDeidentifier(store, tenants, _ => new Deidentifier(DeidentificationProfile.Reading, keys), reid, TimeProvider.System);

        var files = Directory.EnumerateFiles(TestData.CtStudy(syntax)).Order().Take(4).ToList();
        var results = new List<DeidentifiedInstance>();
        foreach (var file in files)
        {
            var incoming = new ObjectRef(Containers.Incoming, "hospital-a/u1/" + Path.GetFileName(file));
            store.Put(incoming, File.ReadAllBytes(file));
            results.Add(await deidentifier.DeidentifyAsync("hospital-a", incoming));
        }

        Assert.All(results, r => Assert.Equal("deidentified", r.Outcome));
        Assert.Single(results.Select(r => r.StudyKey).Distinct());
        foreach (var result in results)
        {
            var output = store.Bytes(new ObjectRef(Containers.Deidentified, result.OutputName!));
            Assert.StartsWith($"hospital-a/{result.StudyKey}/{result.SeriesKey}/{result.SopKey}", result.OutputName, StringComparison.Ordinal);
            using var parsed = DicomFile.Read(output);
            Assert.Equal(result.SopKey, parsed.Dataset.GetUid(DicomTags.SOPInstanceUID));
            Assert.Equal("YES", parsed.Dataset.GetString(DicomTags.PatientIdentityRemoved));
            Assert.Equal(output.Length, result.Bytes);
            var pixels = DicomPixelData.Create(parsed);
            Assert.Equal(DicomPixelData.Create(DicomFile.Open(files[results.IndexOf(result)])).DecodeFrame(0).Data, pixels.DecodeFrame(0).Data);
        }

        var entry = await reid.GetAsync("hospital-a", results[0].StudyKey, "test", "verify");
        using var original = DicomFile.Open(files[0]);
        Assert.Equal(original.Dataset.GetUid(DicomTags.StudyInstanceUID), entry!.OriginalStudyInstanceUid);

        var summary = StudySummary.From("hospital-a", results[0].StudyKey, results, tenants.Find("hospital-a"));
        Assert.Equal(["CT"], summary.Modalities);
        Assert.Equal(4, summary.Instances);
        Assert.Single(summary.Series);
        Assert.Equal("fac-1", summary.FacilityId);
        Assert.Equal("US-CA", summary.PatientJurisdiction);
        Assert.Equal(results.Sum(r => r.Bytes), summary.Series[0].Bytes);
    }

    /// <summary>
    /// The referrer id comes from the original Referring Physician's Name through the tenant's referrers; the summary
    /// carries the id, and neither the name nor anything of it reaches deid/ or the summary.
    /// </summary>
    [Fact]
    public async Task The_referrer_id_is_resolved_from_the_original_header_and_only_the_id_goes_on()
    {
        var store = new InMemoryObjectStore();
        var keys = DeidentificationKeys.Generate("hospital-a");
        var scratch = TestData.NewScratchDirectory("reid-referrer");
        using var audit = new JsonLinesAuditLog(Path.Combine(scratch, "audit.jsonl"));
        var reid = new FileReidentificationStore(scratch, new Keys(keys), audit);
        var tenant = new TenantSettings
        {
            Id = "hospital-a",
            DefaultReferrerId = "general",
            Referrers = [new ReferrerMatch { Id = "nw-ed", ReferringPhysicianNames = ["Emergencydept^Northwind"] }],
        };
        var tenants = new StaticTenantDirectory([tenant]);
        var deidentifier = new InstanceDeidentifier(store, tenants, _ => new Deidentifier(DeidentificationProfile.Reading, keys), reid, TimeProvider.System);

        var results = new List<DeidentifiedInstance>();
        var names = new[] { "EMERGENCYDEPT^Northwind^^", "Emergencydept^Northwind", "Unlisted^Doctor" };
        foreach (var (file, index) in Directory.EnumerateFiles(TestData.CtStudy("ele")).Order().Take(names.Length).Select((f, i) => (f, i)))
        {
            using var dicom = DicomFile.Open(file);
            dicom.Dataset.SetString(DicomTags.ReferringPhysicianName, names[index]);
            using var bytes = new MemoryStream();
            dicom.Save(bytes);
            var incoming = new ObjectRef(Containers.Incoming, $"hospital-a/u1/{index}.dcm");
            store.Put(incoming, bytes.ToArray());
            results.Add(await deidentifier.DeidentifyAsync("hospital-a", incoming));
        }

        Assert.Equal(["nw-ed", "nw-ed", "general"], results.Select(r => r.ReferrerId));
        foreach (var result in results)
        {
            var output = store.Bytes(new ObjectRef(Containers.Deidentified, result.OutputName!));
            Assert.DoesNotContain("Emergencydept", System.Text.Encoding.Latin1.GetString(output), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Unlisted", System.Text.Encoding.Latin1.GetString(output), StringComparison.OrdinalIgnoreCase);
        }

        // The study's referrer is the one most of its instances name; with none named, the tenant's default.
        var summary = StudySummary.From("hospital-a", results[0].StudyKey, results, tenant);
        Assert.Equal("nw-ed", summary.ReferrerId);
        Assert.Equal("general", StudySummary.From("hospital-a", results[0].StudyKey, results.Select(r => r with { ReferrerId = null }), tenant).ReferrerId);
        Assert.Null(StudySummary.From("hospital-a", results[0].StudyKey, results.Select(r => r with { ReferrerId = null }), tenant with { DefaultReferrerId = null }).ReferrerId);
    }
}
