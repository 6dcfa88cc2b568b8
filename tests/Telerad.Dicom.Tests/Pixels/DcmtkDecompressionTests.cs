namespace Telerad.Dicom.Tests.Pixels;

/// <summary>
/// Every pydicom test file with compressed, big-endian or deflated pixel data that dcmtk can decompress:
/// our decoding of the original equals, sample by sample, our native decoding of dcmtk's decompressed copy.
/// (Native decoding itself is checked against pydicom in <see cref="NativeDecodingTests"/>.)
/// </summary>
public sealed class DcmtkDecompressionTests
{
    /// <summary>
    /// 32-bit samples in an OW value of Explicit VR Big Endian: dcmtk's dcmconv swaps them as 16-bit words, so
    /// its little-endian copy has the two halves of every sample exchanged (pydicom agrees with us, and with
    /// the files' little-endian twins). These are compared with their twins instead.
    /// </summary>
    private static readonly Dictionary<string, string> DcmtkSwapsWrongly = new(StringComparer.Ordinal)
    {
        ["rtdose_expb.dcm"] = "rtdose.dcm",
        ["rtdose_expb_1frame.dcm"] = "rtdose_1frame.dcm",
    };

    public static TheoryData<string> Files() => [.. FileNames()];

    private static List<string> FileNames()
    {
        var data = new List<string>();
        foreach (var path in TestData.PydicomFiles())
        {
            if (TestData.DeliberatelyBroken.Contains(Path.GetFileName(path)))
            {
                continue;
            }

            using var file = DicomFile.Open(path);
            var hasPixels = file.Dataset.Contains(DicomTags.PixelData) || file.Dataset.Contains(DicomTags.FloatPixelData) || file.Dataset.Contains(DicomTags.DoubleFloatPixelData);
            if (hasPixels && DcmtkReference.ToolFor(file.TransferSyntax) is not null)
            {
                data.Add(Path.GetFileName(path));
            }
        }

        return data;
    }

    [Fact]
    public void The_file_list_covers_every_syntax_we_decode()
    {
        var syntaxes = FileNames().Select(name => { using var f = DicomFile.Open(Path.Combine(TestData.PydicomTestFiles, name)); return f.TransferSyntax.Uid; }).ToHashSet();
        Assert.Contains("1.2.840.10008.1.2.5", syntaxes);
        Assert.Contains("1.2.840.10008.1.2.4.50", syntaxes);
        Assert.Contains("1.2.840.10008.1.2.4.51", syntaxes);
        Assert.Contains("1.2.840.10008.1.2.4.70", syntaxes);
        Assert.Contains("1.2.840.10008.1.2.2", syntaxes);
        Assert.Contains("1.2.840.10008.1.2.1.99", syntaxes);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Decoded_pixels_equal_dcmtk_decompression(string name)
    {
        var path = Path.Combine(TestData.PydicomTestFiles, name);
        var complaint = string.Empty;
        var scratch = TestData.NewScratchDirectory("dcmtk-" + Path.GetFileNameWithoutExtension(name));
        try
        {
            var reference = DcmtkSwapsWrongly.TryGetValue(name, out var twin)
                ? Path.Combine(TestData.PydicomTestFiles, twin)
                : DcmtkReference.Decompress(path, scratch, out complaint);
            using var original = DicomFile.Open(path);
            var ours = DicomPixelData.Create(original);
            if (reference is null)
            {
                // dcmtk cannot decompress it either: we must not crash, and either decode it or say why not.
                var result = ours.TryDecodeFrame(0);
                Assert.True(result.Success || result.Reason is { Length: > 0 }, $"dcmtk failed ({complaint.Trim()}) and we gave no reason");
                return;
            }

            using var decompressed = DicomFile.Open(reference);
            var expected = DicomPixelData.Create(decompressed);
            Assert.False(expected.IsEncapsulated);
            Assert.Equal(expected.NumberOfFrames, ours.NumberOfFrames);
            for (var frame = 0; frame < ours.NumberOfFrames; frame++)
            {
                var result = ours.TryDecodeFrame(frame);
                Assert.True(result.Success, $"{name} frame {frame + 1}: {result}");
                PixelAssert.Equal(expected.DecodeFrame(frame), result.Frame!, $"{name} frame {frame + 1}");
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
