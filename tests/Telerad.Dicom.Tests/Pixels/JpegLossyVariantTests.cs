namespace Telerad.Dicom.Tests.Pixels;

/// <summary>
/// Lossy JPEG written by dcmtk's dcmcjpeg in its variants (baseline, extended 12-bit, YCbCr or RGB, 4:2:2 and
/// 4:4:4, low quality, spectral selection, progressive) from real images: our decoding equals dcmtk's
/// dcmdjpeg. Progressive and spectral-selection scans go through JpegLibrary, whose floating-point inverse DCT
/// may be one step off IJG's integer one: those are held to at most 1 of difference in at most 3% of samples.
/// </summary>
public sealed class JpegLossyVariantTests
{
    public static TheoryData<string, string> Variants() => new()
    {
        { "rgb", "+eb" },
        { "rgb", "+eb +cr" },
        { "rgb", "+eb +s4" },
        { "rgb", "+eb +n2" },
        { "rgb", "+eb +q 20" },
        { "rgb", "+ee" },
        { "rgb", "+es" },
        { "rgb", "+ep" },
        { "mono8", "+eb" },
        { "mono8", "+ee +q 50" },
        { "mono8", "+ep" },
        { "12bit", "+ee" },
        { "12bit", "+ee +q 30" },
        { "12bit", "+ep" },
        { "ybr422", "+eb" },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Lossy_variant_equals_dcmtk(string source, string options)
    {
        var scratch = TestData.NewScratchDirectory("jpeg");
        try
        {
            var input = source switch
            {
                "rgb" => Path.Combine(TestData.PydicomTestFiles, "SC_rgb_jpeg_dcmd.dcm"),
                "mono8" => Path.Combine(TestData.PydicomCharsetFiles, "chrH31.dcm"),
                "ybr422" => Path.Combine(TestData.PydicomTestFiles, "SC_ybr_full_422_uncompressed.dcm"),
                _ => DcmtkReference.Decompress(Path.Combine(TestData.PydicomTestFiles, "JPGExtended.dcm"), scratch, out _)!,
            };
            var compressed = Path.Combine(scratch, "compressed.dcm");
            var encode = ExternalTool.Run(ExternalTool.Require("dcmcjpeg"), [.. options.Split(' '), input, compressed]);
            Assert.True(encode.ExitCode == 0, encode.StandardError);
            var reference = DcmtkReference.Decompress(compressed, scratch, out var complaint);
            Assert.True(reference is not null, complaint);

            using var original = DicomFile.Open(compressed);
            using var decompressed = DicomFile.Open(reference!);
            var result = DicomPixelData.Create(original).TryDecodeFrame(0);
            Assert.True(result.Success, result.ToString());
            var expected = DicomPixelData.Create(decompressed).DecodeFrame(0);
            if (options.Contains("+ep", StringComparison.Ordinal) || options.Contains("+es", StringComparison.Ordinal))
            {
                PixelAssert.Close(expected, result.Frame!, maxDifference: 1, maxDifferingFraction: 0.03, $"{source} {options}");
            }
            else
            {
                PixelAssert.Equal(expected, result.Frame!, $"{source} {options}");
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
