using static Telerad.Dicom.Tests.Codecs.CodecTestFrames;

namespace Telerad.Dicom.Tests.Codecs;

/// <summary>
/// JPEG 2000 frames decoded by <see cref="Jpeg2000Codec"/> against gdcm (gdcmconv --raw), pydicom (its Pillow
/// handler with J2K corrections) and, for the lossless synthetic CT study, the original uncompressed pixels.
/// </summary>
public sealed class Jpeg2000CodecTests : IDisposable
{
    /// <summary>A copy of JPEG2000.dcm whose SIZ marker was overwritten with a sequence delimiter (pydicom issue 1140).</summary>
    private const string CorruptPydicomFile = "JPEG2000-embedded-sequence-delimiter.dcm";

    /// <summary>pydicom's Pillow handler cannot read a JP2 wrapper inside Pixel Data; gdcm is the reference there.</summary>
    private const string Jp2WrappedFile = "GDCMJ2K_TextGBR.dcm";

    private readonly Jpeg2000Codec _codec = new();
    private readonly string _scratch = TestData.NewScratchDirectory("j2k");

    public static TheoryData<string> PydicomJpeg2000Files() => [.. PydicomJpeg2000FileNames()];

    public static TheoryData<string> CtFiles() => [.. Directory.GetFiles(TestData.CtStudy("j2k"), "*.dcm").Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal)];

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void Library_is_available_here()
    {
        Assert.True(_codec.IsAvailable, _codec.UnavailableReason);
        Assert.Null(_codec.UnavailableReason);
    }

    [Fact]
    public void Lists_the_jpeg_2000_syntaxes_of_the_transfer_syntax_table()
    {
        var expected = DicomTransferSyntax.All
            .Where(t => t.Name.StartsWith("JPEG 2000", StringComparison.Ordinal) || t.Name.StartsWith("High-Throughput JPEG 2000", StringComparison.Ordinal))
            .Select(t => t.Uid)
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, _codec.TransferSyntaxUids.Order(StringComparer.Ordinal));
        Assert.Contains("1.2.840.10008.1.2.4.90", _codec.TransferSyntaxUids);
    }

    [Fact]
    public void Finds_the_pydicom_jpeg_2000_files()
    {
        var names = PydicomJpeg2000FileNames().ToList();
        Assert.Contains("JPEG2000.dcm", names);
        Assert.Contains("MR_small_jp2klossless.dcm", names);
        Assert.Contains("693_J2KI.dcm", names);
        Assert.Contains(Jp2WrappedFile, names);
        Assert.Contains("J2K_pixelrep_mismatch.dcm", names);
    }

    [Theory]
    [MemberData(nameof(PydicomJpeg2000Files))]
    public void Pydicom_files_decode_to_gdcms_values(string name)
    {
        var encoded = ReadSingleFrame(Pydicom(name));
        var reference = GdcmRaw(Pydicom(name));

        var decoded = _codec.Decode(encoded.Bytes, encoded.Info);

        // gdcm reports the photometric after decoding (YBR_RCT -> RGB) and, for precision > Bits Stored, raises Bits Stored.
        Assert.Equal(reference.Info.PhotometricInterpretation, decoded.PhotometricInterpretation);
        Assert.Equal(reference.Info.BitsAllocated, decoded.BitsAllocated);
        Assert.Equal(0, decoded.PlanarConfiguration);
        Assert.Equal(encoded.Info.NativeFrameLength, decoded.Data.Length);
        var bitsStored = reference.Info.BitsStored;
        var sign = reference.Info.PixelRepresentation;
        AssertSameSamples(
            SampleValues(reference.PixelData, reference.Info, reference.Info.PlanarConfiguration, bitsStored, sign),
            SampleValues(decoded.Data, encoded.Info, decoded.PlanarConfiguration, bitsStored, sign),
            name);
    }

    [Theory]
    [MemberData(nameof(PydicomJpeg2000Files))]
    public void Pydicom_files_decode_to_pydicoms_exact_bytes(string name)
    {
        if (name == Jp2WrappedFile)
        {
            return; // Pillow refuses the JP2 wrapper ("broken data stream"); the gdcm comparison covers this file.
        }

        var encoded = ReadSingleFrame(Pydicom(name));
        var decoded = _codec.Decode(encoded.Bytes, encoded.Info);

        // pydicom sign-extends unsigned J2K data of a signed data set from the codestream precision, as we do,
        // so the whole 16-bit words must match, not just the Bits Stored.
        Assert.Equal(PydicomPixelBytes(Pydicom(name)), decoded.Data);
    }

    [Fact]
    public void Unsigned_codestream_in_a_signed_data_set_is_sign_extended_from_its_precision()
    {
        // J2K_pixelrep_mismatch.dcm: 13-bit unsigned codestream, Pixel Representation 1, Bits Stored 13.
        var encoded = ReadSingleFrame(Pydicom("J2K_pixelrep_mismatch.dcm"));
        var decoded = _codec.Decode(encoded.Bytes, encoded.Info);
        var words = new short[decoded.Data.Length / 2];
        Buffer.BlockCopy(decoded.Data, 0, words, 0, decoded.Data.Length);
        Assert.Contains(words, w => w < 0);
        Assert.All(words, w => Assert.InRange(w, -4096, 4095));
    }

    [Fact]
    public void Jp2_wrapped_ybr_rct_frame_comes_out_as_interleaved_rgb()
    {
        var encoded = ReadSingleFrame(Pydicom(Jp2WrappedFile));
        Assert.Equal("YBR_RCT", encoded.Info.PhotometricInterpretation);
        Assert.Equal(0x6A, encoded.Bytes[4]); // 'jP  ' signature box: a JP2 file, not a bare codestream

        var decoded = _codec.Decode(encoded.Bytes, encoded.Info);

        Assert.Equal("RGB", decoded.PhotometricInterpretation);
        Assert.Equal(0, decoded.PlanarConfiguration);
    }

    [Theory]
    [MemberData(nameof(CtFiles))]
    public void Lossless_ct_slices_equal_the_uncompressed_originals(string name)
    {
        var encoded = ReadSingleFrame(Path.Combine(TestData.CtStudy("j2k"), name));
        Assert.Equal(DicomTransferSyntax.Jpeg2000ImageCompressionLosslessOnly.Uid, encoded.TransferSyntaxUid);
        var original = ReadNative(Path.Combine(TestData.CtStudy("ele"), name));

        var decoded = _codec.Decode(encoded.Bytes, encoded.Info);

        Assert.Equal(original.PixelData, decoded.Data);
        Assert.Equal("MONOCHROME2", decoded.PhotometricInterpretation);
    }

    [Theory]
    [MemberData(nameof(CtFiles))]
    public void Lossless_ct_slices_equal_gdcms_decompression(string name)
    {
        var path = Path.Combine(TestData.CtStudy("j2k"), name);
        var encoded = ReadSingleFrame(path);
        var reference = GdcmRaw(path);

        var decoded = _codec.Decode(encoded.Bytes, encoded.Info);

        Assert.Equal(reference.PixelData, decoded.Data);
    }

    [Theory]
    [InlineData(1, 8, 8, 0, "MONOCHROME2")]
    [InlineData(3, 8, 8, 0, "RGB")]
    [InlineData(1, 16, 12, 1, "MONOCHROME2")]
    [InlineData(1, 16, 16, 0, "MONOCHROME2")]
    public void Lossless_gdcm_codestreams_of_python_images_equal_the_originals(int samples, int allocated, int stored, int sign, string photometric)
    {
        var source = SyntheticImages.Create(_scratch, "source", new(samples, allocated, stored, sign, photometric), seed: 21);
        var encoded = ReadSingleFrame(GdcmConvert(source, "--j2k"));
        Assert.Equal(DicomTransferSyntax.Jpeg2000ImageCompressionLosslessOnly.Uid, encoded.TransferSyntaxUid);

        var decoded = _codec.Decode(encoded.Bytes, encoded.Info);

        Assert.Equal(ReadNative(source).PixelData, decoded.Data);
        Assert.Equal(photometric, decoded.PhotometricInterpretation);
    }

    [Theory]
    [InlineData(1, 16, 12, 1, "MONOCHROME2")]
    [InlineData(3, 8, 8, 0, "RGB")]
    public void Lossy_codestreams_equal_gdcms_decompression(int samples, int allocated, int stored, int sign, string photometric)
    {
        var source = SyntheticImages.Create(_scratch, "lossy", new(samples, allocated, stored, sign, photometric), seed: 23);
        var compressed = GdcmConvert(source, "--j2k", "--lossy", "-r", "20");
        var encoded = ReadSingleFrame(compressed);
        Assert.Equal(DicomTransferSyntax.Jpeg2000ImageCompression.Uid, encoded.TransferSyntaxUid);
        var reference = GdcmRaw(compressed);

        var decoded = _codec.Decode(encoded.Bytes, encoded.Info);

        Assert.Equal(reference.PixelData, decoded.Data);
        Assert.NotEqual(ReadNative(source).PixelData, decoded.Data); // it really is lossy
    }

    [Fact]
    public void Corrupt_pydicom_file_is_refused_as_gdcm_refuses_it()
    {
        var encoded = ReadSingleFrame(Pydicom(CorruptPydicomFile));
        var gdcm = ExternalTool.Run(ExternalTool.Require("gdcmconv"), ["--raw", Pydicom(CorruptPydicomFile), Path.Combine(_scratch, "corrupt.dcm")]);
        Assert.NotEqual(0, gdcm.ExitCode);

        var error = Assert.Throws<PixelDecodeException>(() => _codec.Decode(encoded.Bytes, encoded.Info));
        Assert.StartsWith("JPEG 2000:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 0, 0)]
    [InlineData(0, 1, 0)]
    [InlineData(0, 0, 2)]
    public void Frame_that_disagrees_with_the_data_set_is_refused_before_decoding(int extraRows, int extraColumns, int extraSamples)
    {
        var encoded = ReadSingleFrame(Pydicom("MR_small_jp2klossless.dcm"));
        var info = encoded.Info with
        {
            Rows = encoded.Info.Rows + extraRows,
            Columns = encoded.Info.Columns + extraColumns,
            SamplesPerPixel = encoded.Info.SamplesPerPixel + extraSamples,
        };

        var error = Assert.Throws<PixelDecodeException>(() => _codec.Decode(encoded.Bytes, info));
        Assert.Contains("the data set says", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Precision_above_bits_allocated_is_refused()
    {
        var encoded = ReadSingleFrame(Pydicom("MR_small_jp2klossless.dcm"));
        var info = encoded.Info with { BitsAllocated = 8, BitsStored = 8, HighBit = 7 };

        var error = Assert.Throws<PixelDecodeException>(() => _codec.Decode(encoded.Bytes, info));
        Assert.Contains("Bits Allocated", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Every pydicom test file in a JPEG 2000 syntax, found by its transfer syntax, minus the corrupt one.</summary>
    private static IEnumerable<string> PydicomJpeg2000FileNames()
    {
        var uids = new Jpeg2000Codec().TransferSyntaxUids;
        foreach (var path in TestData.PydicomFiles().Where(p => !TestData.DeliberatelyBroken.Contains(Path.GetFileName(p))))
        {
            using var file = DicomFile.Open(path, new DicomReaderOptions { StopBeforePixelData = true });
            if (uids.Contains(file.TransferSyntax.Uid) && Path.GetFileName(path) != CorruptPydicomFile)
            {
                yield return Path.GetFileName(path);
            }
        }
    }

    private string GdcmConvert(string source, params string[] options)
    {
        var output = Path.Combine(_scratch, Guid.NewGuid().ToString("N") + ".dcm");
        RunTool("gdcmconv", [.. options, source, output]);
        return output;
    }

    private CodecTestFrames.NativeImage GdcmRaw(string path)
    {
        var output = Path.Combine(_scratch, Guid.NewGuid().ToString("N") + ".dcm");
        RunTool("gdcmconv", "--raw", path, output);
        return ReadNative(output);
    }

    private byte[] PydicomPixelBytes(string path)
    {
        var output = Path.Combine(_scratch, Guid.NewGuid().ToString("N") + ".raw");
        const string script = """
            import sys, warnings
            import pydicom
            warnings.simplefilter("ignore")
            pixels = pydicom.dcmread(sys.argv[1]).pixel_array
            open(sys.argv[2], "wb").write(pixels.astype(pixels.dtype.newbyteorder("<")).tobytes())
            """;
        RunTool("/usr/bin/python3", "-c", script, path, output);
        return File.ReadAllBytes(output);
    }
}
