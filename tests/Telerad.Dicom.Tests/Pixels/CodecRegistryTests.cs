namespace Telerad.Dicom.Tests.Pixels;

public sealed class CodecRegistryTests
{
    [Theory]
    [InlineData("1.2.840.10008.1.2.5", typeof(RleCodec))]
    [InlineData("1.2.840.10008.1.2.4.50", typeof(JpegCodec))]
    [InlineData("1.2.840.10008.1.2.4.51", typeof(JpegCodec))]
    [InlineData("1.2.840.10008.1.2.4.57", typeof(JpegCodec))]
    [InlineData("1.2.840.10008.1.2.4.70", typeof(JpegCodec))]
    public void The_default_registry_maps_syntaxes_to_codecs(string uid, Type codec)
    {
        Assert.IsType(codec, PixelCodecRegistry.Default.Find(uid));
        Assert.Null(PixelCodecRegistry.Default.Find("1.2.840.10008.1.2.4.999"));
    }

    [Theory]
    [InlineData("JPEG2000.dcm")]
    [InlineData("MR_small_jpeg_ls_lossless.dcm")]
    [InlineData("GDCMJ2K_TextGBR.dcm")]
    public void Syntaxes_of_other_codecs_decode_or_say_why_not(string name)
    {
        // JPEG 2000 and JPEG-LS codecs are another helper's; until they are registered, a reason naming the syntax.
        using var file = DicomFile.Open(Path.Combine(TestData.PydicomTestFiles, name));
        var result = DicomPixelData.Create(file).TryDecodeFrame(0);
        if (!result.Success)
        {
            Assert.Contains(file.TransferSyntax.Uid, result.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_registry_can_be_given_its_codecs()
    {
        var registry = new PixelCodecRegistry([new RleCodec()]);
        using var file = DicomFile.Open(Path.Combine(TestData.PydicomTestFiles, "SC_rgb_jpeg_dcmtk.dcm"));
        var result = DicomPixelData.Create(file, registry).TryDecodeFrame(0);
        Assert.Equal(PixelDecodeFailure.NoCodec, result.Failure);
    }
}
