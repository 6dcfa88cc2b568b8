namespace Telerad.Dicom.Tests.Data;

/// <summary>Typed access and editing at any path, checked against what dcmtk reads from the written file.</summary>
public class DatasetAccessTests
{
    private static DicomFile Open(string name) => DicomFile.Open(Path.Combine(TestData.PydicomTestFiles, name));

    [Fact]
    public void Typed_getters_read_pydicom_values_as_dcmtk_prints_them()
    {
        using var file = Open("CT_small.dcm");
        var listing = DcmdumpListing.Read(Path.Combine(TestData.PydicomTestFiles, "CT_small.dcm"));
        string Printed(DicomTag tag) => listing.Dataset.First(l => l.Tag == tag && l.Depth == 0).Value;

        var ds = file.Dataset;
        Assert.Equal(Printed(DicomTags.ImageType).Trim('[', ']').Split('\\'), ds.GetStrings(DicomTags.ImageType));
        Assert.Equal(int.Parse(Printed(DicomTags.Rows)), ds.GetInt32(DicomTags.Rows));
        Assert.Equal(double.Parse(Printed(DicomTags.SliceThickness).Trim('[', ']'), System.Globalization.CultureInfo.InvariantCulture), ds.GetDouble(DicomTags.SliceThickness));
        var position = Printed(DicomTags.ImagePositionPatient).Trim('[', ']').Split('\\').Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(position, ds.GetDoubles(DicomTags.ImagePositionPatient));
        Assert.Equal(Printed(DicomTags.SOPInstanceUID).Trim('[', ']'), ds.GetUid(DicomTags.SOPInstanceUID));
        Assert.Equal(new DateOnly(2004, 1, 19), ds.GetDate(DicomTags.StudyDate));
        Assert.Equal(Printed(DicomTags.PatientName).Trim('[', ']'), ds.GetString(DicomTags.PatientName));
        Assert.Null(ds.GetString(DicomTags.PatientComments));
        Assert.Empty(ds.GetStrings(DicomTags.AccessionNumber));
    }

    [Theory]
    [InlineData("12", 12L)]
    [InlineData(" +0012 ", 12L)]
    [InlineData("-3", -3L)]
    [InlineData("12.0", 12L)]
    [InlineData("1e3", 1000L)]
    public void Integer_strings_parse_tolerantly(string text, long expected)
    {
        Assert.True(DicomNumber.TryParseInteger(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("12.5")]
    [InlineData("abc")]
    [InlineData("")]
    public void Integer_strings_that_are_not_integers_are_refused(string text) =>
        Assert.False(DicomNumber.TryParseInteger(text, out _));

    [Theory]
    [InlineData(" 1.5 ", 1.5)]
    [InlineData("-2.5E-3", -0.0025)]
    [InlineData("3,25", 3.25)]
    [InlineData("+7", 7.0)]
    public void Decimal_strings_parse_tolerantly(string text, double expected)
    {
        Assert.True(DicomNumber.TryParseDecimal(text, out var value));
        Assert.Equal(expected, value, 12);
    }

    [Theory]
    [InlineData(1.0 / 3.0)]
    [InlineData(-123456789.123456789)]
    [InlineData(1e-20)]
    [InlineData(0.0)]
    public void Decimal_strings_are_formatted_within_16_bytes(double value)
    {
        var text = DicomNumber.FormatDecimal(value);
        Assert.InRange(text.Length, 1, 16);
        Assert.True(DicomNumber.TryParseDecimal(text, out var back));
        Assert.Equal(value, back, Math.Abs(value) * 1e-9 + 1e-300);
    }

    [Fact]
    public void Paths_read_nested_elements_and_wildcards()
    {
        using var file = Open("rtplan.dcm");
        var ds = file.Dataset;
        var beams = ds.GetSequence(DicomTags.BeamSequence)!;
        var first = beams.Items[0].GetString(DicomTags.BeamName);
        Assert.Equal(first, ds.GetString(DicomPath.Parse("BeamSequence[0].BeamName")));
        Assert.Equal(first, ds.GetString(DicomPath.Parse("(300A,00B0)[0]/(300A,00C2)")));
        var all = ds.Find(DicomPath.Parse("BeamSequence[*]/ControlPointSequence[*]/ControlPointIndex")).ToList();
        Assert.Equal(beams.Items.Sum(b => b.GetSequence(DicomTags.ControlPointSequence)?.Items.Count ?? 0), all.Count);
        Assert.Null(ds.Get("BeamSequence[99].BeamName"));
        Assert.Throws<FormatException>(() => DicomPath.Parse("BeamSequence[x].BeamName"));
        Assert.Throws<FormatException>(() => DicomPath.Parse("NoSuchKeyword"));
    }

    [Fact]
    public void Editing_at_paths_is_what_dcmtk_reads_back()
    {
        using var file = Open("rtplan.dcm");
        var ds = file.Dataset.Clone();
        Assert.Equal(ds.GetSequence(DicomTags.BeamSequence)!.Items.Count, ds.SetString(DicomPath.Parse("BeamSequence[*].BeamName"), "EDITED"));
        Assert.Equal(1, ds.SetString(DicomPath.Parse("ReferencedStudySequence[0].ReferencedSOPInstanceUID"), "1.2.3.4"));
        Assert.Equal(1, ds.SetString(DicomPath.Parse("ReferencedStudySequence[0].ReferencedSOPClassUID"), "1.2.840.10008.3.1.2.3.1"));
        var removed = ds.Remove(DicomPath.Parse("BeamSequence[*].ControlPointSequence[*].NominalBeamEnergy"));
        Assert.True(removed > 0);

        var path = Path.Combine(TestData.NewScratchDirectory("paths"), "edited.dcm");
        DicomWriter.WriteFile(path, ds, DicomTransferSyntax.ExplicitVRLittleEndian);
        var listing = DcmdumpListing.Read(path);
        Assert.Equal(0, listing.ExitCode);
        var beamNames = listing.Dataset.Where(l => l.Tag == DicomTags.BeamName).Select(l => l.Value).ToList();
        Assert.NotEmpty(beamNames);
        Assert.All(beamNames, v => Assert.Equal("[EDITED]", v));
        Assert.DoesNotContain(listing.Dataset, l => l.Tag == DicomTags.NominalBeamEnergy);
        Assert.Contains(listing.Dataset, l => l.Tag == DicomTags.ReferencedSOPInstanceUID && l.Value == "[1.2.3.4]" && l.Depth == 2);
        Assert.Empty(DcmdumpComparer.Compare(listing.Dataset, ds));
    }

    [Fact]
    public void Walk_visits_every_element_at_every_depth_with_its_path()
    {
        using var file = Open("rtplan.dcm");
        var walked = file.Dataset.Walk().ToList();
        var flattened = DatasetFlattener.Flatten(file.Dataset).Where(e => e.Item is not null).ToList();
        Assert.Equal(flattened.Count, walked.Count);
        foreach (var (path, owner, item) in walked)
        {
            Assert.Same(item, file.Dataset.Find(path).Single(m => ReferenceEquals(m.Item, item)).Item);
            Assert.Same(owner, file.Dataset.Find(path).Single(m => ReferenceEquals(m.Item, item)).Owner);
        }
    }

    [Fact]
    public void Setting_values_pads_to_even_length_with_the_VR_padding()
    {
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SOPInstanceUID, "1.2.3");
        ds.SetString(DicomTags.PatientID, "ABC");
        ds.SetIntegers(DicomTags.Rows, [512]);
        ds.SetDoubles(DicomTags.PixelSpacing, [0.5, 0.25]);
        Assert.True(ds.TryGetElement(DicomTags.SOPInstanceUID, out var uid));
        Assert.Equal("1.2.3\0"u8.ToArray(), uid.Value.GetMemory().ToArray());
        Assert.True(ds.TryGetElement(DicomTags.PatientID, out var id));
        Assert.Equal("ABC "u8.ToArray(), id.Value.GetMemory().ToArray());
        Assert.Equal("1.2.3", ds.GetUid(DicomTags.SOPInstanceUID));
        Assert.Equal(512, ds.GetInt32(DicomTags.Rows));
        Assert.Equal([0.5, 0.25], ds.GetDoubles(DicomTags.PixelSpacing));
        Assert.Throws<ArgumentException>(() => ds.SetString(DicomTags.SOPInstanceUID, "1.2.Ω"));
        Assert.Throws<ArgumentException>(() => ds.SetString(new DicomTag(0x0009, 0x1001), "x"));
    }
}

public class PrivateBlockTests
{
    [Fact]
    public void Private_elements_are_found_by_creator_as_dcmtk_names_them()
    {
        var path = Path.Combine(TestData.PydicomTestFiles, "CT_small.dcm");
        using var file = DicomFile.Open(path);
        var listing = DcmdumpListing.Read(path);
        var creatorLine = listing.Dataset.First(l => l.Tag == new DicomTag(0x0009, 0x0010));
        var creator = creatorLine.Value.Trim('[', ']');
        Assert.Equal(creator, file.Dataset.GetPrivateCreator(new DicomTag(0x0009, 0x1001)));
        Assert.Equal(0x10, file.Dataset.FindPrivateBlock(0x0009, creator));
        Assert.Equal(new DicomTag(0x0009, 0x1001), file.Dataset.GetPrivateTag(0x0009, creator, 0x01));
        Assert.Null(file.Dataset.GetPrivateTag(0x0009, "NOT THERE", 0x01));
    }

    [Fact]
    public void Reserving_a_block_takes_the_next_free_creator_slot()
    {
        var ds = new DicomDataset();
        ds.SetString(new DicomTag(0x0011, 0x0010), "OTHER", DicomVR.LO);
        var tag = ds.ReservePrivateTag(0x0011, "TELERAD", 0x05);
        Assert.Equal(new DicomTag(0x0011, 0x1105), tag);
        Assert.Equal("TELERAD", ds.GetString(new DicomTag(0x0011, 0x0011)));
        Assert.Equal(tag, ds.ReservePrivateTag(0x0011, "TELERAD", 0x05));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.ReservePrivateTag(0x0010, "X", 0));
    }
}
