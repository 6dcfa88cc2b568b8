using static Telerad.Dicom.Tests.Codecs.CodecTestFrames;

namespace Telerad.Dicom.Tests.Codecs;

/// <summary>
/// JPEG-LS frames decoded by <see cref="JpegLsCodec"/> against dcmtk's dcmdjpls, the uncompressed originals
/// (synthetic CT study, pydicom's MR_small.dcm) and python-written images compressed by dcmcjpls.
/// </summary>
public sealed class JpegLsCodecTests : IDisposable
{
    private readonly JpegLsCodec _codec = new();
    private readonly string _scratch = TestData.NewScratchDirectory("jls");

    public static TheoryData<string> CtFiles() => [.. Directory.GetFiles(TestData.CtStudy("jls"), "*.dcm").Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal)];

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void Library_is_available_here()
    {
        Assert.True(_codec.IsAvailable, _codec.UnavailableReason);
        Assert.Equal(["1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"], _codec.TransferSyntaxUids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Pydicom_lossless_mr_equals_dcmdjpls_and_the_uncompressed_original()
    {
        var path = Pydicom("MR_small_jpeg_ls_lossless.dcm");
        var encoded = ReadSingleFrame(path);

        var decoded = _codec.Decode(encoded.Bytes, encoded.Info);

        Assert.Equal(ReadNative(Pydicom("MR_small.dcm")).PixelData, decoded.Data);
        AssertLikeDcmdjpls(path, encoded.Info, decoded);
    }

    [Theory]
    [MemberData(nameof(CtFiles))]
    public void Lossless_ct_slices_equal_the_uncompressed_originals(string name)
    {
        var encoded = ReadSingleFrame(Path.Combine(TestData.CtStudy("jls"), name));
        Assert.Equal(DicomTransferSyntax.JpegLSLosslessImageCompression.Uid, encoded.TransferSyntaxUid);

        var decoded = _codec.Decode(encoded.Bytes, encoded.Info);

        Assert.Equal(ReadNative(Path.Combine(TestData.CtStudy("ele"), name)).PixelData, decoded.Data);
    }

    [Theory]
    [MemberData(nameof(CtFiles))]
    public void Lossless_ct_slices_equal_dcmdjpls(string name)
    {
        var path = Path.Combine(TestData.CtStudy("jls"), name);
        var encoded = ReadSingleFrame(path);
        var decoded = _codec.Decode(encoded.Bytes, encoded.Info);

        Assert.Equal(Dcmdjpls(path).PixelData, decoded.Data);
    }

    [Theory]
    [InlineData("+in", 1)]
    [InlineData("+il", 0)]
    [InlineData("+is", 0)]
    public void Rgb_interleave_modes_give_the_planar_configuration_they_decode_to(string interleave, int expectedPlanar)
    {
        var source = SyntheticImages.Create(_scratch, "rgb", new(3, 8, 8, 0, "RGB"), seed: 11);
        var compressed = Encode(source, interleave);
        var encoded = ReadSingleFrame(compressed);
        var original = ReadNative(source);

        var decoded = _codec.Decode(encoded.Bytes, encoded.Info);

        Assert.Equal(expectedPlanar, decoded.PlanarConfiguration);
        Assert.Equal("RGB", decoded.PhotometricInterpretation);
        AssertSameSamples(
            SampleValues(original.PixelData, original.Info, 0, 8, 0),
            SampleValues(decoded.Data, encoded.Info, decoded.PlanarConfiguration, 8, 0),
            interleave);
        AssertLikeDcmdjpls(compressed, encoded.Info, decoded);
    }

    [Theory]
    [InlineData(1, "MONOCHROME2")]
    [InlineData(3, "RGB")]
    public void Near_lossless_frames_equal_dcmdjpls(int samples, string photometric)
    {
        var source = SyntheticImages.Create(_scratch, "near", new(samples, 8, 8, 0, photometric), seed: 12);
        var compressed = Encode(source, "+en", "+md", "3");
        var encoded = ReadSingleFrame(compressed);
        Assert.Equal(DicomTransferSyntax.JpegLSLossyNearLosslessImageCompression.Uid, encoded.TransferSyntaxUid);

        var decoded = _codec.Decode(encoded.Bytes, encoded.Info);

        AssertLikeDcmdjpls(compressed, encoded.Info, decoded);
        var original = SampleValues(ReadNative(source).PixelData, encoded.Info, 0, 8, 0);
        var ours = SampleValues(decoded.Data, encoded.Info, decoded.PlanarConfiguration, 8, 0);
        Assert.All(original.Zip(ours), pair => Assert.InRange(pair.Second - pair.First, -3, 3));
        Assert.Contains(original.Zip(ours), pair => pair.First != pair.Second); // it really is lossy
    }

    [Fact]
    public void Eight_bit_monochrome_equals_the_original()
    {
        var source = SyntheticImages.Create(_scratch, "m8", new(1, 8, 8, 0, "MONOCHROME2"), seed: 13);
        var encoded = ReadSingleFrame(Encode(source));

        Assert.Equal(ReadNative(source).PixelData, _codec.Decode(encoded.Bytes, encoded.Info).Data);
    }

    [Fact]
    public void Twelve_bit_precision_in_sixteen_bit_words_equals_the_original()
    {
        // dcmcjpls' cooked mode codes Bits Stored bits (P = 12) where raw mode would code all 16.
        var source = SyntheticImages.Create(_scratch, "u12", new(1, 16, 12, 0, "MONOCHROME2"), seed: 14);
        var encoded = ReadSingleFrame(Encode(source, "+pc"));
        Assert.Equal(12, encoded.Bytes[6]); // SOF55 precision byte: the case under test

        Assert.Equal(ReadNative(source).PixelData, _codec.Decode(encoded.Bytes, encoded.Info).Data);
    }

    [Fact]
    public void Eight_bit_precision_in_sixteen_bit_words_is_widened()
    {
        // Cooked mode codes P = 8 and relabels the data set Bits Allocated 8; put back the 16 some encoders keep.
        var source = SyntheticImages.Create(_scratch, "w8", new(1, 16, 8, 0, "MONOCHROME2"), seed: 15);
        var compressed = Encode(source, "+pc");
        CodecTestFrames.RunTool("dcmodify", "-nb", "-m", "(0028,0100)=16", compressed);
        var encoded = ReadSingleFrame(compressed);
        Assert.Equal(8, encoded.Bytes[6]);
        Assert.Equal(16, encoded.Info.BitsAllocated);

        Assert.Equal(ReadNative(source).PixelData, _codec.Decode(encoded.Bytes, encoded.Info).Data);
    }

    [Fact]
    public void Signed_values_coded_in_fewer_bits_are_sign_extended()
    {
        // Signed 12-bit values stored as their 12-bit patterns, coded with P = 12 as unsigned (JPEG-LS has no sign),
        // then labelled Pixel Representation 1: the decoder must give back the signed 16-bit words.
        var signed = ReadNative(SyntheticImages.Create(_scratch, "s12", new(1, 16, 12, 1, "MONOCHROME2"), seed: 16));
        var patterns = SyntheticImages.Create(_scratch, "s12raw", new(1, 16, 12, 1, "MONOCHROME2") { RawPatterns = true }, seed: 16);
        var compressed = Encode(patterns, "+pc");
        CodecTestFrames.RunTool("dcmodify", "-nb", "-m", "(0028,0103)=1", compressed);
        var encoded = ReadSingleFrame(compressed);
        Assert.Equal(1, encoded.Info.PixelRepresentation);
        Assert.Equal(12, encoded.Bytes[6]);

        var decoded = _codec.Decode(encoded.Bytes, encoded.Info);

        Assert.Equal(signed.PixelData, decoded.Data);
        AssertLikeDcmdjpls(compressed, encoded.Info, decoded);
    }

    [Fact]
    public void Frame_that_disagrees_with_the_data_set_is_refused_before_decoding()
    {
        var encoded = ReadSingleFrame(Pydicom("MR_small_jpeg_ls_lossless.dcm"));

        var error = Assert.Throws<PixelDecodeException>(() => _codec.Decode(encoded.Bytes, encoded.Info with { Columns = encoded.Info.Columns * 2 }));
        Assert.Contains("the data set says", error.Message, StringComparison.Ordinal);
        Assert.Throws<PixelDecodeException>(() => _codec.Decode(encoded.Bytes, encoded.Info with { BitsAllocated = 8, BitsStored = 8, HighBit = 7 }));
    }

    private string Encode(string source, params string[] options)
    {
        var output = Path.Combine(_scratch, Guid.NewGuid().ToString("N") + ".dcm");
        RunTool("dcmcjpls", [.. options, source, output]);
        return output;
    }

    private CodecTestFrames.NativeImage Dcmdjpls(string path)
    {
        var output = Path.Combine(_scratch, Guid.NewGuid().ToString("N") + ".dcm");
        RunTool("dcmdjpls", path, output);
        return ReadNative(output);
    }

    /// <summary>Same sample values as dcmtk's decompression, read with dcmtk's Bits Stored and planar configuration.</summary>
    private void AssertLikeDcmdjpls(string path, PixelDataInfo info, NativeFrame decoded)
    {
        var reference = Dcmdjpls(path);
        var bitsStored = reference.Info.BitsStored;
        var sign = reference.Info.PixelRepresentation;
        AssertSameSamples(
            SampleValues(reference.PixelData, reference.Info, reference.Info.PlanarConfiguration, bitsStored, sign),
            SampleValues(decoded.Data, info, decoded.PlanarConfiguration, bitsStored, sign),
            "dcmdjpls " + Path.GetFileName(path));
    }
}
