namespace Telerad.Dicom.Tests.Pixels;

/// <summary>
/// The synthetic CT study (built with dcmtk from one int16 phantom) in every syntax we decode: each slice
/// decodes to exactly the int16 samples of its Explicit VR Little Endian copy.
/// </summary>
public sealed class CtStudyTests
{
    [Theory]
    [InlineData("eli")]
    [InlineData("ebe")]
    [InlineData("dfl")]
    [InlineData("rle")]
    [InlineData("jpll")]
    public void Every_slice_decodes_to_the_explicit_little_endian_pixels(string syntax)
    {
        var slices = Directory.EnumerateFiles(TestData.CtStudy(syntax), "*.dcm").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(slices);
        foreach (var path in slices)
        {
            using var file = DicomFile.Open(path);
            using var reference = DicomFile.Open(Path.Combine(TestData.CtStudy("ele"), Path.GetFileName(path)));
            var frame = DicomPixelData.Create(file).DecodeFrame(0);
            var expected = DicomPixelData.Create(reference).DecodeFrame(0);
            Assert.Equal(PixelSampleType.Int16, expected.SampleType);
            PixelAssert.Equal(expected, frame, $"{syntax}/{Path.GetFileName(path)}");
        }
    }

    [Fact]
    public void The_reference_copy_holds_the_phantom_values_pydicom_reads()
    {
        var path = Directory.EnumerateFiles(TestData.CtStudy("ele"), "*.dcm").Order(StringComparer.Ordinal).First();
        using var file = DicomFile.Open(path);
        var frame = DicomPixelData.Create(file).DecodeFrame(0);
        PixelAssert.Equal(Pydicom.PixelArray(path, 0), frame, "ele slice 1 vs pydicom");
    }
}
