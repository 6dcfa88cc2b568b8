using Xunit.Abstractions;

namespace Telerad.Dicom.Tests.Writer;

/// <summary>
/// Read → write → read gives the same data set, in the original syntax and transcoded to every
/// uncompressed syntax; dcmtk reads our output exactly as we meant it, and dciodvfy finds no error in
/// it that the input did not already have.
/// </summary>
public class RoundTripTests(ITestOutputHelper output)
{
    public static TheoryData<string> ReadableFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in TestData.PydicomFiles().Where(f => !TestData.DeliberatelyBroken.Contains(Path.GetFileName(f))))
        {
            data.Add(Path.GetFileName(Path.GetDirectoryName(file)!) + "/" + Path.GetFileName(file));
        }

        foreach (var file in TestData.PydicomDicomdirFiles())
        {
            data.Add(Path.GetRelativePath(TestData.PydicomRoot, file));
        }

        return data;
    }

    public static readonly DicomTransferSyntax[] UncompressedSyntaxes =
    [
        DicomTransferSyntax.ImplicitVRLittleEndian,
        DicomTransferSyntax.ExplicitVRLittleEndian,
        DicomTransferSyntax.ExplicitVRBigEndian,
        DicomTransferSyntax.DeflatedExplicitVRLittleEndian,
    ];

    [Theory]
    [MemberData(nameof(ReadableFiles))]
    public void Rewriting_in_the_original_syntax_gives_the_same_data_set(string name)
    {
        using var original = DicomFile.Open(Path.Combine(TestData.PydicomRoot, name));
        var syntax = WritableSyntax(original);
        using var buffer = new MemoryStream();
        DicomWriter.WriteFile(buffer, original.Dataset, syntax, sourceFileMeta: original.FileMetaInformation);
        using var reread = DicomFile.Read(buffer.ToArray());
        AssertSame(original.Dataset, reread.Dataset, ignoreVR: false);
        Assert.Equal(syntax.Uid, reread.FileMetaInformation.GetUid(DicomTags.TransferSyntaxUID));
        var expectedInstance = original.Dataset.GetUid(DicomTags.SOPInstanceUID) is { Length: > 0 } uid ? uid
            : original.FileMetaInformation.GetUid(DicomTags.MediaStorageSOPInstanceUID) is { Length: > 0 } fromMeta ? fromMeta : null;
        Assert.Equal(expectedInstance, reread.FileMetaInformation.GetUid(DicomTags.MediaStorageSOPInstanceUID));
        Assert.Equal(DicomWriteOptions.TeleradImplementationClassUid, reread.FileMetaInformation.GetUid(DicomTags.ImplementationClassUID));
        Assert.DoesNotContain(reread.Warnings, w => !w.Message.Contains("Odd", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ReadableFiles))]
    public void Transcoding_to_each_uncompressed_syntax_reads_back_identically_in_dcmtk_and_dciodvfy(string name)
    {
        var path = Path.Combine(TestData.PydicomRoot, name);
        using var original = DicomFile.Open(path);
        if (original.Dataset[DicomTags.PixelData] is DicomFragmentSequence)
        {
            return; // compressed pixels: transcoding needs decoding first (covered by the pixel tests)
        }

        var scratch = TestData.NewScratchDirectory("transcode");
        try
        {
            var baseline = Dciodvfy.Errors(ReadableByDciodvfy(path, original, scratch));
            foreach (var syntax in UncompressedSyntaxes)
            {
                var target = Path.Combine(scratch, syntax.Uid + ".dcm");
                DicomWriter.WriteFile(target, original.Dataset, syntax, sourceFileMeta: original.FileMetaInformation);

                using var reread = DicomFile.Open(target);
                Assert.Equal(syntax, reread.TransferSyntax);
                AssertSame(original.Dataset, reread.Dataset, ignoreVR: !syntax.IsExplicitVR);

                var listing = DcmdumpListing.Read(target);
                Assert.True(listing.ExitCode == 0, $"dcmdump could not read our {syntax.Name} output: {listing.Errors}");
                // In implicit VR, dcmtk infers VRs from its own (also private) dictionary: compare values, not VRs.
                var differences = DcmdumpComparer.Compare(listing.Dataset, WithoutGroupLengths(original.Dataset), ignoreVR: !syntax.IsExplicitVR);
                Assert.True(differences.Count == 0, $"{syntax.Name}: dcmtk reads our output differently: {string.Join("; ", differences.Take(3))}");

                if (syntax.IsDeflated)
                {
                    continue; // dciodvfy does not inflate (it cannot read pydicom's own deflated file either); dcmtk checked it above
                }

                var introduced = Dciodvfy.Errors(target).Except(baseline)
                    .Where(e => !(original.HadNoFileMeta && e.Contains("(0002,", StringComparison.Ordinal))) // a bare data set gains a meta; its SOP UIDs are what the data set has
                    .ToList();
                foreach (var error in introduced)
                {
                    output.WriteLine($"{syntax.Name}: {error}");
                }

                Assert.True(introduced.Count == 0, $"dciodvfy finds new errors in our {syntax.Name} output: {introduced.FirstOrDefault()}");
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Fact]
    public void Defined_length_sequences_read_back_identically()
    {
        using var original = DicomFile.Open(Path.Combine(TestData.PydicomTestFiles, "rtplan.dcm"));
        using var buffer = new MemoryStream();
        DicomWriter.WriteFile(buffer, original.Dataset, DicomTransferSyntax.ExplicitVRLittleEndian, new DicomWriteOptions { DefinedLengthSequences = true });
        var bytes = buffer.ToArray();
        using var reread = DicomFile.Read(bytes);
        AssertSame(original.Dataset, reread.Dataset, ignoreVR: false);
        Assert.False(bytes.AsSpan().IndexOf((ReadOnlySpan<byte>)[0xFE, 0xFF, 0xDD, 0xE0]) >= 0, "no sequence delimiters when lengths are defined");
    }

    /// <summary>dciodvfy cannot inflate: for a deflated original the baseline is dcmtk's own explicit VR conversion.</summary>
    private static string ReadableByDciodvfy(string path, DicomFile original, string scratch)
    {
        if (!original.TransferSyntax.IsDeflated)
        {
            return path;
        }

        var converted = Path.Combine(scratch, "dcmconv-baseline.dcm");
        var result = ExternalTool.Run(ExternalTool.Require("dcmconv"), ["+te", path, converted]);
        Assert.True(result.ExitCode == 0, "dcmconv could not convert the original: " + result.StandardError);
        return converted;
    }

    private static DicomTransferSyntax WritableSyntax(DicomFile file) =>
        file.TransferSyntax.IsEncapsulated || file.TransferSyntax.IsDeflated || !file.TransferSyntax.IsBigEndian
            ? file.TransferSyntax
            : DicomTransferSyntax.ExplicitVRBigEndian;

    private static DicomDataset WithoutGroupLengths(DicomDataset dataset)
    {
        var copy = dataset.Clone();
        RemoveGroupLengths(copy);
        return copy;
    }

    private static void RemoveGroupLengths(DicomDataset dataset)
    {
        dataset.RemoveAll(i => i.Tag.IsGroupLength);
        foreach (var sequence in dataset.OfType<DicomSequence>())
        {
            foreach (var item in sequence.Items)
            {
                RemoveGroupLengths(item);
            }
        }
    }

    private static void AssertSame(DicomDataset expected, DicomDataset actual, bool ignoreVR)
    {
        var differences = DatasetDiff.Compare(expected, actual, new DatasetDiff.Options(IgnoreVR: ignoreVR));
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }
}
