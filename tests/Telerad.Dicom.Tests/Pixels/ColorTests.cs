namespace Telerad.Dicom.Tests.Pixels;

public sealed class ColorTests
{
    [Fact]
    public void Ybr_full_converts_to_rgb_like_pydicom_within_rounding()
    {
        // pydicom's convert_color_space uses floating point; IJG's fixed point (ours, dcmtk's) may round one step apart.
        var path = Path.Combine(TestData.PydicomTestFiles, "SC_ybr_full_422_uncompressed.dcm");
        using var file = DicomFile.Open(path);
        var rgb = PixelColor.ToRgb(DicomPixelData.Create(file).DecodeFrame(0));
        const string script = """
            import sys, numpy as np, pydicom
            from pydicom.pixel_data_handlers.util import convert_color_space
            ds = pydicom.dcmread(sys.argv[1])
            rgb = convert_color_space(ds.pixel_array, 'YBR_FULL', 'RGB')
            np.ascontiguousarray(rgb).astype('<u1').tofile(sys.argv[2])
            """;
        var output = Path.GetTempFileName();
        try
        {
            var result = ExternalTool.Run("/usr/bin/python3", ["-c", script, path, output]);
            Assert.True(result.ExitCode == 0, result.StandardError);
            var expected = new PixelFrame(rgb.Rows, rgb.Columns, 3, PixelSampleType.UInt8, 8, "RGB", File.ReadAllBytes(output));
            PixelAssert.Close(expected, rgb, maxDifference: 1, maxDifferingFraction: 0.2, "YBR_FULL to RGB");
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public void Ybr_full_conversion_equals_dcmtk_jpeg_decoder_colour()
    {
        // dcmdjpeg +cn leaves YCbCr in the file; converting that with ours must equal dcmdjpeg's own conversion.
        var path = Path.Combine(TestData.PydicomTestFiles, "SC_rgb_dcmtk_+eb+cy+s4.dcm");
        var scratch = TestData.NewScratchDirectory("ybr");
        try
        {
            var ycbcr = Path.Combine(scratch, "ycbcr.dcm");
            var rgb = Path.Combine(scratch, "rgb.dcm");
            Assert.Equal(0, ExternalTool.Run(ExternalTool.Require("dcmdjpeg"), ["+cn", path, ycbcr]).ExitCode);
            Assert.Equal(0, ExternalTool.Run(ExternalTool.Require("dcmdjpeg"), [path, rgb]).ExitCode);
            using var ycbcrFile = DicomFile.Open(ycbcr);
            using var rgbFile = DicomFile.Open(rgb);
            var converted = PixelColor.ToRgb(DicomPixelData.Create(ycbcrFile).DecodeFrame(0));
            PixelAssert.Equal(DicomPixelData.Create(rgbFile).DecodeFrame(0), converted, "dcmdjpeg colour");
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
