using System.Security.Cryptography;
using System.Text;
using Telerad.Dicom.Tests;

namespace Telerad.Deidentification.Tests;

/// <summary>Keyed consistency, dates and ages, private elements, removed groups, screening, scrubbing and marks.</summary>
public class DeidentifierBehaviourTests
{
    private static readonly DeidentificationKeys KeysA = new("tenant-a", Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());
    private static readonly DeidentificationKeys KeysB = new("tenant-b", Enumerable.Range(41, 32).Select(i => (byte)i).ToArray(), Enumerable.Range(141, 32).Select(i => (byte)i).ToArray());

    private static DeidentificationResult Deidentify(DicomDataset dataset, DeidentificationProfile? profile = null, DeidentificationKeys? keys = null) =>
        new Deidentifier(profile ?? DeidentificationProfile.Reading, keys ?? KeysA).Deidentify(dataset);

    private static byte[] Bytes(DicomDataset dataset)
    {
        using var stream = new MemoryStream();
        DicomWriter.WriteFile(stream, dataset, DicomTransferSyntax.ExplicitVRLittleEndian);
        return stream.ToArray();
    }

    [Fact]
    public void Same_key_gives_byte_identical_output_and_another_key_other_uids()
    {
        using var file = DicomFile.Open(Path.Combine(TestData.PydicomTestFiles, "CT_small.dcm"));
        var first = Deidentify(file.Dataset);
        var second = Deidentify(file.Dataset);
        Assert.Equal(Bytes(first.Dataset!), Bytes(second.Dataset!));

        var other = Deidentify(file.Dataset, keys: KeysB);
        Assert.NotEqual(first.SopInstanceUid, other.SopInstanceUid);
        Assert.NotEqual(first.StudyInstanceUid, other.StudyInstanceUid);
        Assert.NotEqual(first.Dataset!.GetString(DicomTags.PatientID), other.Dataset!.GetString(DicomTags.PatientID));
        Assert.StartsWith("2.25.", first.SopInstanceUid, StringComparison.Ordinal);
        Assert.Equal(ProfileTableTests.ExpectedUid(file.Dataset.GetUid(DicomTags.SOPInstanceUID)!), first.SopInstanceUid);
    }

    [Fact]
    public void A_study_keeps_its_references_intact()
    {
        var files = Directory.GetFiles(TestData.CtStudy("ele")).Order().ToList();
        var results = files.Select(f =>
        {
            using var file = DicomFile.Open(f);
            return (Original: file.Dataset.Clone(), Result: Deidentify(file.Dataset));
        }).ToList();

        Assert.Single(results.Select(r => r.Result.StudyInstanceUid).Distinct());
        Assert.Single(results.Select(r => r.Result.SeriesInstanceUid).Distinct());
        Assert.Single(results.Select(r => r.Result.Dataset!.GetUid(DicomTags.FrameOfReferenceUID)).Distinct());
        Assert.Equal(files.Count, results.Select(r => r.Result.SopInstanceUid).Distinct().Count());
        foreach (var (original, result) in results)
        {
            Assert.Equal(ProfileTableTests.ExpectedUid(original.GetUid(DicomTags.FrameOfReferenceUID)!), result.Dataset!.GetUid(DicomTags.FrameOfReferenceUID));
            Assert.NotEqual(original.GetUid(DicomTags.StudyInstanceUID), result.StudyInstanceUid);
        }

        // A reference from one instance to another survives: the referenced UID is mapped the same way.
        var source = results[0].Original.Clone();
        var reference = new DicomDataset();
        reference.SetString(DicomTags.ReferencedSOPClassUID, "1.2.840.10008.5.1.4.1.1.2");
        reference.SetString(DicomTags.ReferencedSOPInstanceUID, results[1].Original.GetUid(DicomTags.SOPInstanceUID)!);
        source.SetSequence(DicomTags.SourceImageSequence, reference);
        var referencing = Deidentify(source).Dataset!;
        Assert.Equal(results[1].Result.SopInstanceUid, referencing.GetString(DicomPath.Parse("SourceImageSequence[0].ReferencedSOPInstanceUID")));
        Assert.Equal("1.2.840.10008.5.1.4.1.1.2", referencing.GetString(DicomPath.Parse("SourceImageSequence[0].ReferencedSOPClassUID")));
    }

    private static DicomDataset Patient(string id, string studyDate, string birthDate = "19630217", string studyUid = "1.2.3.4.5")
    {
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.2");
        ds.SetString(DicomTags.SOPInstanceUID, studyUid + ".1.1");
        ds.SetString(DicomTags.StudyInstanceUID, studyUid);
        ds.SetString(DicomTags.SeriesInstanceUID, studyUid + ".1");
        ds.SetString(DicomTags.Modality, "CT");
        ds.SetString(DicomTags.PatientID, id);
        ds.SetString(DicomTags.PatientName, "Doe^Jane");
        ds.SetString(DicomTags.PatientBirthDate, birthDate);
        ds.SetString(DicomTags.StudyDate, studyDate);
        ds.SetString(DicomTags.StudyTime, "101500.25");
        ds.SetString(DicomTags.AcquisitionDateTime, studyDate + "101500.250000+0100");
        return ds;
    }

    [Fact]
    public void Dates_of_one_patient_shift_together_so_intervals_survive()
    {
        var first = Deidentify(Patient("P1", "20200102", studyUid: "1.2.3.10")).Dataset!;
        var later = Deidentify(Patient("P1", "20210315", studyUid: "1.2.3.11")).Dataset!;
        var original = DateOnly.Parse("2021-03-15", System.Globalization.CultureInfo.InvariantCulture).DayNumber - DateOnly.Parse("2020-01-02", System.Globalization.CultureInfo.InvariantCulture).DayNumber;
        Assert.Equal(original, later.GetDate(DicomTags.StudyDate)!.Value.DayNumber - first.GetDate(DicomTags.StudyDate)!.Value.DayNumber);

        var shift = first.GetDate(DicomTags.StudyDate)!.Value.DayNumber - new DateOnly(2020, 1, 2).DayNumber;
        Assert.InRange(shift, -DeidentificationProfile.Reading.MaxDateShiftDays, -DeidentificationProfile.Reading.MinDateShiftDays);
        Assert.Equal("101500.25", first.GetString(DicomTags.StudyTime)); // times of day stay: whole-day shifts
        var expectedDateTime = new DateOnly(2020, 1, 2).AddDays(shift).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + "101500.250000+0100";
        Assert.Equal(expectedDateTime, first.GetString(DicomTags.AcquisitionDateTime));
        Assert.Equal("MODIFIED", first.GetString(DicomTags.LongitudinalTemporalInformationModified));

        // Other patients get other shifts (with these keys, P1 and P2 differ).
        var other = Deidentify(Patient("P2", "20200102", studyUid: "1.2.3.12")).Dataset!;
        Assert.NotEqual(first.GetString(DicomTags.StudyDate), other.GetString(DicomTags.StudyDate));
    }

    [Theory]
    [InlineData("19630217", "20200102", "056Y")]
    [InlineData("20191201", "20200102", "004W")]
    [InlineData("20191225", "20200102", "008D")]
    [InlineData("20180815", "20200102", "016M")]
    public void Age_is_computed_before_the_birth_date_goes(string birth, string study, string expected)
    {
        var result = Deidentify(Patient("P1", study, birth)).Dataset!;
        Assert.Equal(expected, result.GetString(DicomTags.PatientAge));
        Assert.False(result.Contains(DicomTags.PatientBirthDate) && result.GetString(DicomTags.PatientBirthDate)!.Length > 0);

        var basic = Deidentify(Patient("P1", study, birth), DeidentificationProfile.Basic).Dataset!;
        Assert.False(basic.Contains(DicomTags.PatientAge)); // without Retain Patient Characteristics there is no age
    }

    [Fact]
    public void Safe_private_elements_stay_only_with_their_creator_and_only_when_the_option_is_on()
    {
        using var file = DicomFile.Open(Path.Combine(TestData.PydicomTestFiles, "CT_small.dcm"));
        var reading = Deidentify(file.Dataset).Dataset!;
        var privateKept = reading.Where(i => i.Tag.IsPrivate).ToList();
        Assert.NotEmpty(privateKept);
        var safeTable = Telerad.Dicom.Generator.DictionaryGenerator.ReadCsv(Path.Combine(TestData.RepositoryRoot, "functions", "Telerad.Deidentification", "Standard", "ps3.15-table-e3.10-1-safe-private.csv"));
        foreach (var item in privateKept.Where(i => !i.Tag.IsPrivateCreator))
        {
            var creator = reading.GetPrivateCreator(item.Tag);
            Assert.NotNull(creator);
            var pattern = $"({item.Tag.Group:X4},xx{item.Tag.Element & 0xFF:X2})";
            Assert.Contains(safeTable, r => r["private_creator"] == creator && string.Equals(r["tag"], pattern, StringComparison.OrdinalIgnoreCase));
        }

        Assert.True(file.Dataset.Count(i => i.Tag.IsPrivate) > privateKept.Count, "unsafe private elements are removed");
        var basic = Deidentify(file.Dataset, DeidentificationProfile.Basic).Dataset!;
        Assert.DoesNotContain(basic, i => i.Tag.IsPrivate);
    }

    [Fact]
    public void Overlays_curves_signatures_original_attributes_icons_and_odd_groups_go()
    {
        var ds = Patient("P1", "20200102");
        ds.SetIntegers(new DicomTag(0x6000, 0x0010), [4], DicomVR.US);
        ds.Set(new DicomElement(new DicomTag(0x6000, 0x3000), DicomVR.OW, new byte[8]));
        ds.SetString(new DicomTag(0x6002, 0x0022), "Overlay about Doe", DicomVR.LO);
        ds.SetIntegers(new DicomTag(0x5000, 0x0005), [1], DicomVR.US);
        ds.Set(new DicomElement(new DicomTag(0x5000, 0x3000), DicomVR.OW, new byte[8]));
        ds.SetSequence(DicomTags.OriginalAttributesSequence, new DicomDataset().SetString(DicomTags.SourceOfPreviousValues, "Doe"));
        ds.SetSequence(DicomTags.DigitalSignaturesSequence, new DicomDataset().SetString(DicomTags.CertificateType, "X509_1993_SIG"));
        ds.SetSequence(DicomTags.IconImageSequence, new DicomDataset().SetIntegers(DicomTags.Rows, [8]));
        ds.Set(new DicomElement(new DicomTag(0x0009, 0x0010), DicomVR.LO, Encoding.ASCII.GetBytes("DOE PRIV")));
        ds.Set(new DicomElement(new DicomTag(0x0009, 0x1001), DicomVR.LO, Encoding.ASCII.GetBytes("Jane")));
        var result = Deidentify(ds).Dataset!;
        Assert.DoesNotContain(result, i => i.Tag.Group is >= 0x5000 and <= 0x60FF);
        Assert.False(result.Contains(DicomTags.OriginalAttributesSequence));
        Assert.False(result.Contains(DicomTags.DigitalSignaturesSequence));
        Assert.False(result.Contains(DicomTags.IconImageSequence));
        Assert.DoesNotContain(result, i => i.Tag.IsPrivate);
    }

    [Fact]
    public void File_meta_is_rebuilt_and_the_preamble_zeroed()
    {
        using var file = DicomFile.Open(Path.Combine(TestData.PydicomTestFiles, "CT_small.dcm"));
        Assert.NotNull(file.FileMetaInformation.GetString(DicomTags.SourceApplicationEntityTitle));
        var result = Deidentify(file.Dataset);
        var bytes = Bytes(result.Dataset!);
        Assert.All(bytes.AsSpan(0, 128).ToArray(), b => Assert.Equal(0, b));
        using var reread = DicomFile.Read(bytes);
        Assert.Null(reread.FileMetaInformation.GetString(DicomTags.SourceApplicationEntityTitle));
        Assert.Equal(result.SopInstanceUid, reread.FileMetaInformation.GetUid(DicomTags.MediaStorageSOPInstanceUID));
        Assert.Equal(DicomWriteOptions.TeleradImplementationClassUid, reread.FileMetaInformation.GetUid(DicomTags.ImplementationClassUID));
    }

    [Fact]
    public void Marks_say_what_was_done()
    {
        var result = Deidentify(Patient("P1", "20200102")).Dataset!;
        Assert.Equal("YES", result.GetString(DicomTags.PatientIdentityRemoved));
        var codes = result.GetSequence(DicomTags.DeidentificationMethodCodeSequence)!.Items.Select(i => i.GetString(DicomTags.CodeValue)).ToList();
        Assert.Equal(["113100", "113105", "113107", "113108", "113111"], codes);
        Assert.Contains(result.GetStrings(DicomTags.DeidentificationMethod), m => m.Contains("reading", StringComparison.Ordinal));
        var basic = Deidentify(Patient("P1", "20200102"), DeidentificationProfile.Basic).Dataset!;
        Assert.Equal("REMOVED", basic.GetString(DicomTags.LongitudinalTemporalInformationModified));
        Assert.Equal(["113100"], basic.GetSequence(DicomTags.DeidentificationMethodCodeSequence)!.Items.Select(i => i.GetString(DicomTags.CodeValue)));
    }

    [Fact]
    public void Descriptors_keep_their_text_but_lose_the_instance_identifiers()
    {
        var ds = Patient("MRN-7731", "20200102");
        ds.SetString(DicomTags.StudyDescription, "CT head for Jane DOE (mrn-7731) born 17/02/1963");
        ds.SetString(DicomTags.SeriesDescription, "Axial 5mm");
        var result = Deidentify(ds).Dataset!;
        var description = result.GetString(DicomTags.StudyDescription)!;
        Assert.StartsWith("CT head for ", description, StringComparison.Ordinal);
        Assert.DoesNotContain("Jane", description, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("doe", description, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("7731", description, StringComparison.Ordinal);
        Assert.DoesNotContain("1963", description, StringComparison.Ordinal);
        Assert.Equal("Axial 5mm", result.GetString(DicomTags.SeriesDescription));
    }

    [Fact]
    public void Patient_and_accession_pseudonyms_are_keyed_and_stable()
    {
        var ds = Patient("P1", "20200102");
        ds.SetString(DicomTags.AccessionNumber, "ACC123");
        var a = Deidentify(ds).Dataset!;
        var b = Deidentify(ds.Clone()).Dataset!;
        Assert.Equal(a.GetString(DicomTags.PatientID), b.GetString(DicomTags.PatientID));
        Assert.Equal(a.GetString(DicomTags.PatientID), a.GetString(DicomTags.PatientName));
        Assert.NotEqual("P1", a.GetString(DicomTags.PatientID));
        Assert.InRange(a.GetString(DicomTags.AccessionNumber)!.Length, 1, 16);
        Assert.NotEqual(a.GetString(DicomTags.AccessionNumber), Deidentify(ds, keys: KeysB).Dataset!.GetString(DicomTags.AccessionNumber));
    }

    [Theory]
    [InlineData("US", null, QuarantineReason.BurnedInAnnotationRisk)]
    [InlineData("US", "NO", null)]
    [InlineData("CT", "YES", QuarantineReason.BurnedInAnnotation)]
    [InlineData("CT", null, null)]
    [InlineData("OT", "", QuarantineReason.BurnedInAnnotationRisk)]
    public void Images_that_may_carry_burned_in_text_are_quarantined(string modality, string? burnedIn, string? expectedCode)
    {
        var ds = Patient("P1", "20200102");
        ds.SetString(DicomTags.Modality, modality);
        ds.Set(new DicomElement(DicomTags.PixelData, DicomVR.OW, new byte[16]));
        if (burnedIn is not null)
        {
            ds.SetString(DicomTags.BurnedInAnnotation, burnedIn);
        }

        var result = Deidentify(ds);
        Assert.Equal(expectedCode, result.Quarantine?.Code);
        Assert.Equal(expectedCode is null ? DeidentificationOutcome.Deidentified : DeidentificationOutcome.Quarantined, result.Outcome);
    }

    [Fact]
    public void Documents_and_instances_without_uids_are_quarantined()
    {
        var document = Patient("P1", "20200102");
        document.Set(new DicomElement(DicomTags.EncapsulatedDocument, DicomVR.OB, Encoding.ASCII.GetBytes("%PDF-1.4 Jane Doe")));
        Assert.Equal(QuarantineReason.UnsupportedContent, Deidentify(document).Quarantine?.Code);

        var noUid = Patient("P1", "20200102");
        noUid.Remove(DicomTags.SOPInstanceUID);
        Assert.Equal(QuarantineReason.MissingIdentifiers, Deidentify(noUid).Quarantine?.Code);
    }

    [Fact]
    public void A_matching_region_rule_blanks_the_region_frame_by_frame_and_says_so()
    {
        const int rows = 16, columns = 20, frames = 3;
        var ds = Patient("P1", "20200102");
        ds.SetString(DicomTags.Modality, "US");
        ds.SetString(DicomTags.Manufacturer, "ACME");
        ds.SetString(DicomTags.ManufacturerModelName, "Sono 1");
        ds.SetIntegers(DicomTags.Rows, [rows]);
        ds.SetIntegers(DicomTags.Columns, [columns]);
        ds.SetIntegers(DicomTags.SamplesPerPixel, [3]);
        ds.SetIntegers(DicomTags.BitsAllocated, [8]);
        ds.SetIntegers(DicomTags.BitsStored, [8]);
        ds.SetIntegers(DicomTags.PlanarConfiguration, [0]);
        ds.SetString(DicomTags.PhotometricInterpretation, "RGB");
        ds.SetString(DicomTags.NumberOfFrames, frames.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var pixels = Enumerable.Range(0, rows * columns * 3 * frames).Select(i => (byte)(1 + (i % 250))).ToArray();
        ds.Set(new DicomElement(DicomTags.PixelData, DicomVR.OB, pixels));

        var profile = DeidentificationProfile.Reading with
        {
            Name = "us",
            RegionBlanking = [new RegionBlankingRule { Manufacturer = "ACME", ManufacturerModelName = "Sono 1", Rows = rows, Columns = columns, Regions = [new BlankRegion(0, 0, columns, 2)] }],
        };
        var result = Deidentify(ds, profile);
        Assert.Equal(DeidentificationOutcome.Deidentified, result.Outcome);
        Assert.Equal("NO", result.Dataset!.GetString(DicomTags.BurnedInAnnotation));
        var reread = DicomFile.Read(Bytes(result.Dataset));
        Assert.True(reread.Dataset.TryGetElement(DicomTags.PixelData, out var output));
        var bytes = output.Value.GetMemory().ToArray();
        for (var i = 0; i < pixels.Length; i++)
        {
            var row = i % (rows * columns * 3) / (columns * 3);
            Assert.True(row < 2 ? bytes[i] == 0 : bytes[i] == pixels[i], $"byte {i} (row {row})");
        }

        ds.SetString(DicomTags.ManufacturerModelName, "Sono 2"); // another model: no rule, quarantined
        Assert.Equal(QuarantineReason.BurnedInAnnotationRisk, Deidentify(ds, profile).Quarantine?.Code);
    }

    [Fact]
    public void The_reidentification_entry_holds_the_originals_and_never_prints_them()
    {
        var ds = Patient("P1", "20200102");
        ds.SetString(DicomTags.AccessionNumber, "ACC123");
        var result = Deidentify(ds);
        var entry = result.Reidentification!;
        Assert.Equal("P1", entry.PatientId);
        Assert.Equal("ACC123", entry.AccessionNumber);
        Assert.Equal("Doe^Jane", entry.PatientName);
        Assert.Equal("1.2.3.4.5", entry.OriginalStudyInstanceUid);
        Assert.Equal(result.StudyInstanceUid, entry.DeidentifiedStudyInstanceUid);
        Assert.DoesNotContain("Doe", entry.ToString(), StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()).AsSpan(0, 8)), entry.PseudonymKeyId);
    }
}
