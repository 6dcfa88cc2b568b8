namespace Telerad.Dicom.Tests.Pixels;

/// <summary>
/// JPEG Lossless with every selection value (predictor) and a point transform, encoded by dcmtk's dcmcjpeg from
/// real 16-bit signed CT and MR images: our decoding equals dcmtk's dcmdjpeg decompression, or, where the JPEG
/// library gets a predictor wrong, is reported as not decodable instead of returning wrong pixels.
/// </summary>
public sealed class JpegLosslessVariantTests
{
    public static TheoryData<string, string> Variants()
    {
        var data = new TheoryData<string, string>();
        foreach (var source in new[] { "ct", "mr" })
        {
            for (var sv = 1; sv <= 7; sv++)
            {
                data.Add(source, $"+el +sv {sv}");
            }

            data.Add(source, "+el +sv 1 +pt 2");
            data.Add(source, "+e1");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Lossless_variant_equals_dcmtk_or_is_reported_not_decodable(string source, string options)
    {
        var input = source == "ct"
            ? Directory.EnumerateFiles(TestData.CtStudy("ele"), "*.dcm").Order(StringComparer.Ordinal).First()
            : Path.Combine(TestData.PydicomTestFiles, "MR_small.dcm");
        var scratch = TestData.NewScratchDirectory("jpll");
        try
        {
            var compressed = Path.Combine(scratch, "compressed.dcm");
            var encode = ExternalTool.Run(ExternalTool.Require("dcmcjpeg"), [.. options.Split(' '), input, compressed]);
            Assert.True(encode.ExitCode == 0, encode.StandardError);
            var reference = DcmtkReference.Decompress(compressed, scratch, out var complaint);
            Assert.True(reference is not null, complaint);

            using var original = DicomFile.Open(compressed);
            using var decompressed = DicomFile.Open(reference!);
            var result = DicomPixelData.Create(original).TryDecodeFrame(0);
            if (!result.Success)
            {
                Assert.Equal(PixelDecodeFailure.Unsupported, result.Failure);
                return;
            }

            PixelAssert.Equal(DicomPixelData.Create(decompressed).DecodeFrame(0), result.Frame!, $"{source} {options}");
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
