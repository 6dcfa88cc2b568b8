using Telerad.Dicom.Generator;

namespace Telerad.Dicom.Tests.Dictionary;

public class GeneratedDictionaryTests
{
    private static string StandardDirectory => Path.Combine(TestData.RepositoryRoot, "functions", "Telerad.Dicom", "Standard");

    [Fact]
    public void Committed_generated_files_match_the_standard_tables()
    {
        var generated = DictionaryGenerator.Generate(StandardDirectory);
        foreach (var (name, content) in generated)
        {
            var committed = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "functions", "Telerad.Dicom", "Dictionary", name));
            Assert.True(committed == content, $"{name} drifted from the tables: run `dotnet run --project tools/Telerad.Dicom.Generator`.");
        }
    }

    [Fact]
    public void Repository_copies_of_the_tables_match_the_shared_standard_when_present()
    {
        var shared = Path.Combine(TestData.RepositoryRoot, "..", "shared", "dicom-standard");
        if (!Directory.Exists(shared))
        {
            return; // The product does not depend on ../shared; the check runs wherever it exists (CI has it).
        }

        foreach (var file in new[] { DictionaryGenerator.DataDictionaryFile, DictionaryGenerator.TransferSyntaxFile, DictionaryGenerator.SopClassFile })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(shared, file)), File.ReadAllBytes(Path.Combine(StandardDirectory, file)));
        }
    }

    [Fact]
    public void Every_table_row_is_in_the_runtime_dictionary()
    {
        var rows = DictionaryGenerator.ReadCsv(Path.Combine(StandardDirectory, DictionaryGenerator.DataDictionaryFile))
            .Where(r => r["keyword"].Length > 0)
            .ToList();
        Assert.Equal(rows.Count, DicomDictionary.Entries.Count);
        foreach (var row in rows)
        {
            var entry = DicomDictionary.FindByKeyword(row["keyword"]);
            Assert.NotNull(entry);
            Assert.Equal(row["tag"].ToUpperInvariant(), entry.TagPattern.Replace("(", string.Empty).Replace(",", string.Empty).Replace(")", string.Empty).Replace('x', 'X'));
            Assert.Equal(row["vr"], string.Join('/', entry.ValueRepresentations));
            Assert.Equal(row["vm"], entry.ValueMultiplicity);
            Assert.Equal(row["retired"] == "Y", entry.IsRetired);
        }
    }

    [Theory]
    [InlineData(0x00100010u, "PatientName", DicomVR.PN)]
    [InlineData(0x7FE00010u, "PixelData", DicomVR.OB)]
    [InlineData(0x60003000u, "OverlayData", DicomVR.OB)]
    [InlineData(0x601E3000u, "OverlayData", DicomVR.OB)]
    [InlineData(0x50120010u, "NumberOfPoints", DicomVR.US)]
    [InlineData(0x00280410u, "RGBAFirstStageLUT", DicomVR.None)]
    [InlineData(0x00280400u, "TransformLabel", DicomVR.LO)]
    [InlineData(0x10001231u, "RunLengthTriplet", DicomVR.US)]
    public void Repeating_groups_resolve_to_their_pattern_entry(uint tag, string keyword, DicomVR vr)
    {
        var entry = DicomDictionary.Find(new DicomTag(tag));
        if (vr == DicomVR.None)
        {
            Assert.True(entry is null || entry.Keyword != keyword);
            return;
        }

        Assert.NotNull(entry);
        Assert.Equal(keyword, entry.Keyword);
        Assert.Equal(vr, entry.VR);
    }

    [Fact]
    public void Keyword_properties_and_parsing_agree()
    {
        Assert.Equal(new DicomTag(0x0010, 0x0010), DicomTags.PatientName);
        Assert.Equal(DicomTags.StudyInstanceUID, DicomTag.Parse("StudyInstanceUID"));
        Assert.Equal(DicomTags.StudyInstanceUID, DicomTag.Parse("(0020,000D)"));
        Assert.Equal(DicomTags.StudyInstanceUID, DicomTag.Parse("0020000d"));
        Assert.False(DicomTag.TryParse("NotAKeyword", out _));
    }

    [Fact]
    public void Private_and_group_length_tags_get_implied_VRs()
    {
        Assert.Equal(DicomVR.UL, DicomDictionary.ImpliedVR(new DicomTag(0x0008, 0x0000)));
        Assert.Equal(DicomVR.LO, DicomDictionary.ImpliedVR(new DicomTag(0x0009, 0x0010)));
        Assert.Equal(DicomVR.UN, DicomDictionary.ImpliedVR(new DicomTag(0x0009, 0x1010)));
        Assert.True(new DicomTag(0x0009, 0x1010).IsPrivate);
        Assert.False(new DicomTag(0x0001, 0x0010).IsPrivate);
        Assert.Equal(new DicomTag(0x0009, 0x0010), new DicomTag(0x0009, 0x1010).PrivateCreatorTag);
    }

    [Fact]
    public void Transfer_syntax_rules_cover_the_encodings()
    {
        Assert.False(DicomTransferSyntax.ImplicitVRLittleEndian.IsExplicitVR);
        Assert.True(DicomTransferSyntax.ExplicitVRBigEndian.IsBigEndian);
        Assert.True(DicomTransferSyntax.DeflatedExplicitVRLittleEndian.IsDeflated);
        Assert.True(DicomTransferSyntax.RleLossless.IsEncapsulated);
        Assert.False(DicomTransferSyntax.RleLossless.IsLossy);
        Assert.True(DicomTransferSyntax.JpegBaselineProcess1.IsLossy);
        Assert.Same(DicomTransferSyntax.JpegLSLosslessImageCompression, DicomTransferSyntax.FromUid("1.2.840.10008.1.2.4.80\0"));
        Assert.Equal(56, DicomTransferSyntax.All.Count);
        Assert.Equal("CT Image", DicomSopClass.Find("1.2.840.10008.5.1.4.1.1.2")?.Iod);
    }
}
