namespace Telerad.Dicom.Tests.Pixels;

/// <summary>
/// JPEG streams with restart intervals, chroma subsampling and odd sizes, written by libjpeg-turbo's cjpeg and
/// wrapped by dcmtk's img2dcm (no recompression): our decoding equals dcmtk's dcmdjpeg.
/// </summary>
public sealed class JpegRestartTests
{
    public static TheoryData<string, string> Variants() => new()
    {
        { "rgb", "-restart 1" },
        { "rgb", "-restart 3B -sample 2x1" },
        { "rgb", "-restart 5B -sample 2x2 -quality 40" },
        { "rgb", "-restart 2 -sample 1x2" },
        { "grey", "-grayscale -restart 2B" },
        { "odd", "-restart 1B -sample 2x2" },
        { "odd", "-sample 2x1" },
        { "rgb", "-progressive -restart 2B" },
        { "rgb", "-progressive -sample 2x2" },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Restart_and_sampling_variants_equal_dcmtk(string source, string options)
    {
        var scratch = TestData.NewScratchDirectory("restart");
        try
        {
            var input = source switch
            {
                "rgb" => "SC_rgb_jpeg_dcmd.dcm",
                "odd" => "SC_rgb_small_odd.dcm",
                _ => "CT_small.dcm",
            };
            var image = Path.Combine(scratch, source == "grey" ? "image.pgm" : "image.ppm");
            var jpeg = Path.Combine(scratch, "image.jpg");
            var wrapped = Path.Combine(scratch, "wrapped.dcm");
            Assert.Equal(0, ExternalTool.Run(ExternalTool.Require("dcmj2pnm"), [Path.Combine(TestData.PydicomTestFiles, input), image]).ExitCode);
            var encode = ExternalTool.Run("/bin/sh", ["-c", $"\"{ExternalTool.Require("cjpeg")}\" {options} \"{image}\" > \"{jpeg}\""]);
            Assert.True(encode.ExitCode == 0, encode.StandardError);
            var wrap = ExternalTool.Run(ExternalTool.Require("img2dcm"), [jpeg, wrapped]);
            Assert.True(wrap.ExitCode == 0, wrap.StandardError);
            var reference = DcmtkReference.Decompress(wrapped, scratch, out var complaint);
            Assert.True(reference is not null, complaint);

            using var original = DicomFile.Open(wrapped);
            using var decompressed = DicomFile.Open(reference!);
            var result = DicomPixelData.Create(original).TryDecodeFrame(0);
            if (options.Contains("-progressive", StringComparison.Ordinal) && options.Contains("-restart", StringComparison.Ordinal))
            {
                // Progressive frames go to JpegLibrary 0.4.32, which fails on restart intervals in progressive scans:
                // the explicit "not decodable" result is what we promise (dcmtk decodes it).
                Assert.False(result.Success);
                Assert.Equal(PixelDecodeFailure.Unsupported, result.Failure);
                Assert.Contains("JpegLibrary", result.Reason, StringComparison.Ordinal);
                return;
            }

            Assert.True(result.Success, result.ToString());
            var expected = DicomPixelData.Create(decompressed).DecodeFrame(0);
            if (options.Contains("-progressive", StringComparison.Ordinal))
            {
                PixelAssert.Close(expected, result.Frame!, maxDifference: 1, maxDifferingFraction: 0.03, $"{source} {options}"); // JpegLibrary's float IDCT
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
