namespace Telerad.Dicom.Tests.Pixels;

/// <summary>
/// JPEG Lossless with every selection value (predictor), point transforms and forced precisions, encoded by
/// dcmtk's dcmcjpeg from real images (16-bit signed CT and MR, 12-bit, 8-bit grey, 8-bit RGB): our decoding
/// equals dcmtk's dcmdjpeg decompression sample for sample.
/// </summary>
public sealed class JpegLosslessVariantTests
{
    public static TheoryData<string, string> Variants()
    {
        var data = new TheoryData<string, string>();
        foreach (var source in new[] { "ct", "mr", "12bit", "mono8", "rgb" })
        {
            for (var sv = 1; sv <= 7; sv++)
            {
                data.Add(source, $"+el +sv {sv}");
            }

            data.Add(source, "+el +sv 6 +pt 3");
            data.Add(source, "+e1");
        }

        data.Add("mono8", "+pl +el +sv 7 +bs"); // the older "pseudo-lossless" codec, forced to 16-bit precision
        data.Add("ct", "+el +sv 1 +pt 15");
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Lossless_variant_equals_dcmtk(string source, string options)
    {
        var scratch = TestData.NewScratchDirectory("jpll");
        try
        {
            var input = Source(source, scratch);
            var compressed = Path.Combine(scratch, "compressed.dcm");
            var encode = ExternalTool.Run(ExternalTool.Require("dcmcjpeg"), [.. options.Split(' '), input, compressed]);
            Assert.True(encode.ExitCode == 0, encode.StandardError);
            var reference = DcmtkReference.Decompress(compressed, scratch, out var complaint);
            Assert.True(reference is not null, complaint);

            using var original = DicomFile.Open(compressed);
            using var decompressed = DicomFile.Open(reference!);
            var result = DicomPixelData.Create(original).TryDecodeFrame(0);
            Assert.True(result.Success, result.ToString());
            PixelAssert.Equal(DicomPixelData.Create(decompressed).DecodeFrame(0), result.Frame!, $"{source} {options}");
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static string Source(string source, string scratch)
    {
        switch (source)
        {
            case "ct":
                return Directory.EnumerateFiles(TestData.CtStudy("ele"), "*.dcm").Order(StringComparer.Ordinal).Skip(5).First();
            case "mr":
                return Path.Combine(TestData.PydicomTestFiles, "MR_small.dcm");
            case "mono8":
                return Path.Combine(TestData.PydicomCharsetFiles, "chrH31.dcm");
            case "rgb":
                return Path.Combine(TestData.PydicomTestFiles, "SC_rgb_jpeg_dcmd.dcm");
            default:
                // 12-bit: dcmtk's decompression of pydicom's 12-bit extended JPEG.
                var native = DcmtkReference.Decompress(Path.Combine(TestData.PydicomTestFiles, "JPGExtended.dcm"), scratch, out var complaint);
                return native ?? throw new InvalidOperationException(complaint);
        }
    }
}
