namespace Telerad.Dicom.Tests.Pixels;

/// <summary>Our native decoding against pydicom's pixel_array, on pydicom's own files.</summary>
public sealed class NativeDecodingTests
{
    [Theory]
    [InlineData("MR_small.dcm", 0)]                       // int16, explicit LE
    [InlineData("MR_small_implicit.dcm", 0)]              // implicit LE
    [InlineData("MR_small_bigendian.dcm", 0)]             // int16, explicit BE
    [InlineData("MR_small_padded.dcm", 0)]                // value longer than the frame
    [InlineData("CT_small.dcm", 0)]
    [InlineData("rtdose.dcm", 0)]                         // uint32, 15 frames
    [InlineData("rtdose.dcm", 14)]
    [InlineData("rtdose_expb.dcm", 7)]                    // uint32 in OW, big endian
    [InlineData("liver_1frame.dcm", 0)]                   // 1-bit
    [InlineData("liver_expb_1frame.dcm", 0)]              // 1-bit, big endian
    [InlineData("SC_rgb_small_odd.dcm", 0)]               // RGB 3x3, odd length
    [InlineData("ExplVR_BigEnd.dcm", 0)]                  // RGB, planar configuration 1, big endian
    [InlineData("SC_rgb_jpeg_dcmd.dcm", 0)]               // RGB, implicit LE
    [InlineData("image_dfl.dcm", 0)]                      // deflated
    [InlineData("SC_ybr_full_422_uncompressed.dcm", 0)]   // YBR_FULL_422: pairs of pixels share chroma
    public void Native_frame_equals_pydicom_pixel_array(string name, int frame)
    {
        var path = Path.Combine(TestData.PydicomTestFiles, name);
        using var file = DicomFile.Open(path);
        var ours = DicomPixelData.Create(file).DecodeFrame(frame);
        PixelAssert.Equal(Pydicom.PixelArray(path, frame), ours, $"{name} frame {frame + 1}", comparePhotometric: false);
    }

    /// <summary>
    /// Decoding into a reused buffer (the triage engine's path) gives pydicom's samples too: the buffer is filled with
    /// garbage first, so a byte not overwritten would show. Frames that cannot decode in place ignore the buffer.
    /// </summary>
    [Theory]
    [InlineData("MR_small.dcm", 0, true)]
    [InlineData("MR_small_bigendian.dcm", 0, true)]       // swapped inside the buffer
    [InlineData("MR_small_padded.dcm", 0, true)]
    [InlineData("rtdose_expb.dcm", 7, true)]              // 32-bit samples in OW, big endian: swapped twice
    [InlineData("image_dfl.dcm", 0, true)]                // deflated: the value is in memory, copied
    [InlineData("liver_1frame.dcm", 0, false)]            // 1-bit: unpacked into a new array
    [InlineData("ExplVR_BigEnd.dcm", 0, false)]           // planar: interleaved into a new array
    [InlineData("SC_ybr_full_422_uncompressed.dcm", 0, false)]
    public void Native_frame_decoded_into_a_reused_buffer_equals_pydicom_pixel_array(string name, int frame, bool reusable)
    {
        var path = Path.Combine(TestData.PydicomTestFiles, name);
        using var file = DicomFile.Open(path);
        var pixels = DicomPixelData.Create(file);
        Assert.Equal(reusable, pixels.ReusableFrameLength is not null);
        var buffer = new byte[pixels.ReusableFrameLength ?? (int)pixels.Info.NativeFrameLength];
        Array.Fill(buffer, (byte)0xA5);

        var ours = pixels.TryDecodeFrame(frame, buffer).GetFrameOrThrow();

        Assert.Equal(reusable, ReferenceEquals(buffer, ours.Data));
        PixelAssert.Equal(Pydicom.PixelArray(path, frame), ours, $"{name} frame {frame + 1} (reused buffer)", comparePhotometric: false);
    }

    [Fact]
    public void Ybr_full_422_is_expanded_to_three_samples_and_reported_as_ybr_full()
    {
        using var file = DicomFile.Open(Path.Combine(TestData.PydicomTestFiles, "SC_ybr_full_422_uncompressed.dcm"));
        var pixels = DicomPixelData.Create(file);
        Assert.Equal(100 * 100 * 2, pixels.Info.NativeFrameLength);
        var frame = pixels.DecodeFrame(0);
        Assert.Equal(3, frame.SamplesPerPixel);
        Assert.Equal("YBR_FULL", frame.PhotometricInterpretation);
    }

    [Fact]
    public void Every_charset_file_decodes_like_pydicom()
    {
        foreach (var path in Directory.EnumerateFiles(TestData.PydicomCharsetFiles, "*.dcm").Order(StringComparer.Ordinal).Take(3))
        {
            using var file = DicomFile.Open(path);
            PixelAssert.Equal(Pydicom.PixelArray(path, 0), DicomPixelData.Create(file).DecodeFrame(0), Path.GetFileName(path), comparePhotometric: false);
        }
    }
}
