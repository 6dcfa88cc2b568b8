using System.Buffers.Binary;

namespace Telerad.Dicom.Tests.Pixels;

/// <summary>Frame access and attribute checks on small data sets built here, with expected values from PS3.5 / PS3.3 by hand.</summary>
public sealed class PixelDataAccessTests
{
    private static readonly DicomTransferSyntax ExplicitLittle = DicomTransferSyntax.FromUid("1.2.840.10008.1.2.1");

    private static DicomDataset Image(int rows, int columns, int bitsAllocated, int bitsStored, int highBit, int representation, int samples = 1, int frames = 1, string photometric = "MONOCHROME2")
    {
        var dataset = new DicomDataset();
        dataset.SetInteger(DicomTags.Rows, rows);
        dataset.SetInteger(DicomTags.Columns, columns);
        dataset.SetInteger(DicomTags.BitsAllocated, bitsAllocated);
        dataset.SetInteger(DicomTags.BitsStored, bitsStored);
        dataset.SetInteger(DicomTags.HighBit, highBit);
        dataset.SetInteger(DicomTags.PixelRepresentation, representation);
        dataset.SetInteger(DicomTags.SamplesPerPixel, samples);
        dataset.SetString(DicomTags.PhotometricInterpretation, photometric);
        if (samples > 1)
        {
            dataset.SetInteger(DicomTags.PlanarConfiguration, 0);
        }

        if (frames > 1)
        {
            dataset.SetInteger(DicomTags.NumberOfFrames, frames);
        }

        return dataset;
    }

    private static byte[] Words(params ushort[] words)
    {
        var bytes = new byte[words.Length * 2];
        for (var i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), words[i]);
        }

        return bytes;
    }

    [Fact]
    public void Signed_12_bit_samples_are_masked_and_sign_extended()
    {
        // Bits Stored 12, High Bit 11: bits 12-15 are not part of the sample (PS3.5 8.1.1) and may hold anything.
        var dataset = Image(1, 4, 16, 12, 11, 1);
        dataset.Set(new DicomElement(DicomTags.PixelData, DicomVR.OW, Words(0x0FFF, 0x0800, 0xF7FF, 0x1001)));
        var frame = DicomPixelData.Create(dataset, ExplicitLittle).DecodeFrame(0);
        Assert.Equal(PixelSampleType.Int16, frame.SampleType);
        Assert.Equal(new short[] { -1, -2048, 2047, 1 }, frame.GetSamples<short>().ToArray());
    }

    [Fact]
    public void Samples_stored_high_in_the_word_are_shifted_down()
    {
        // Bits Stored 12, High Bit 15: the sample is bits 4-15.
        var unsigned = Image(1, 3, 16, 12, 15, 0);
        unsigned.Set(new DicomElement(DicomTags.PixelData, DicomVR.OW, Words(0xFFF0, 0x0010, 0x800F)));
        Assert.Equal(new ushort[] { 4095, 1, 2048 }, DicomPixelData.Create(unsigned, ExplicitLittle).DecodeFrame(0).GetSamples<ushort>().ToArray());

        var signed = Image(1, 3, 16, 12, 15, 1);
        signed.Set(new DicomElement(DicomTags.PixelData, DicomVR.OW, Words(0xFFF0, 0x0010, 0x800F)));
        Assert.Equal(new short[] { -1, 1, -2048 }, DicomPixelData.Create(signed, ExplicitLittle).DecodeFrame(0).GetSamples<short>().ToArray());
    }

    [Fact]
    public void Signed_8_and_32_bit_samples_are_sign_extended()
    {
        var bytes = Image(1, 2, 8, 7, 6, 1);
        bytes.Set(new DicomElement(DicomTags.PixelData, DicomVR.OB, new byte[] { 0x7F, 0x3F }));
        Assert.Equal(new sbyte[] { -1, 63 }, DicomPixelData.Create(bytes, ExplicitLittle).DecodeFrame(0).GetSamples<sbyte>().ToArray());

        var longs = Image(1, 2, 32, 20, 19, 1);
        var data = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(data, 0xABC80000);  // bits 20-31 are junk; bit 19 set: -524288
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), 0x0007FFFF);
        longs.Set(new DicomElement(DicomTags.PixelData, DicomVR.OW, data));
        Assert.Equal(new[] { -524288, 524287 }, DicomPixelData.Create(longs, ExplicitLittle).DecodeFrame(0).GetSamples<int>().ToArray());
    }

    [Fact]
    public void One_bit_frames_that_do_not_start_on_a_byte_boundary_are_cut_at_the_right_bit()
    {
        // Three 3x3 frames = 27 bits, packed least significant bit first (PS3.5 8.1.1).
        // Frame k has pixel p set when (p + k) % 3 == 0.
        var bits = new bool[27];
        for (var k = 0; k < 3; k++)
        {
            for (var p = 0; p < 9; p++)
            {
                bits[(k * 9) + p] = (p + k) % 3 == 0;
            }
        }

        var packed = new byte[4];
        for (var i = 0; i < bits.Length; i++)
        {
            if (bits[i])
            {
                packed[i / 8] |= (byte)(1 << (i % 8));
            }
        }

        var dataset = Image(3, 3, 1, 1, 0, 0, frames: 3);
        dataset.Set(new DicomElement(DicomTags.PixelData, DicomVR.OB, packed));
        var pixels = DicomPixelData.Create(dataset, ExplicitLittle);
        for (var k = 0; k < 3; k++)
        {
            var expected = Enumerable.Range(0, 9).Select(p => (byte)((p + k) % 3 == 0 ? 1 : 0)).ToArray();
            Assert.Equal(expected, pixels.DecodeFrame(k).Data);
            Assert.Equal(2, pixels.GetFrameBytes(k).Length);
        }
    }

    [Fact]
    public void Planar_colour_is_interleaved()
    {
        var dataset = Image(1, 2, 8, 8, 7, 0, samples: 3, photometric: "RGB");
        dataset.SetInteger(DicomTags.PlanarConfiguration, 1);
        dataset.Set(new DicomElement(DicomTags.PixelData, DicomVR.OB, new byte[] { 1, 2, 3, 4, 5, 6 }));
        var frame = DicomPixelData.Create(dataset, ExplicitLittle).DecodeFrame(0);
        Assert.Equal(new byte[] { 1, 3, 5, 2, 4, 6 }, frame.Data);
    }

    [Fact]
    public void Float_and_double_float_pixel_data_decode_as_ieee_values()
    {
        var floats = Image(1, 2, 32, 32, 31, 0);
        floats.Remove(DicomTags.BitsStored);
        floats.Remove(DicomTags.HighBit);
        floats.Remove(DicomTags.PixelRepresentation);
        floats.SetValues(DicomTags.FloatPixelData, DicomVR.OF, new[] { 1.5f, -2.25f });
        var frame = DicomPixelData.Create(floats, ExplicitLittle).DecodeFrame(0);
        Assert.Equal(PixelSampleType.Float32, frame.SampleType);
        Assert.Equal(new[] { 1.5f, -2.25f }, frame.GetSamples<float>().ToArray());

        var doubles = Image(1, 2, 64, 64, 63, 0);
        doubles.SetValues(DicomTags.DoubleFloatPixelData, DicomVR.OD, new[] { 1e300, -0.5 });
        Assert.Equal(new[] { 1e300, -0.5 }, DicomPixelData.Create(doubles, ExplicitLittle).DecodeFrame(0).GetSamples<double>().ToArray());
    }

    [Fact]
    public void Pixel_data_shorter_than_its_frames_is_refused_with_the_counts()
    {
        var dataset = Image(4, 4, 16, 16, 15, 0, frames: 2);
        dataset.Set(new DicomElement(DicomTags.PixelData, DicomVR.OW, new byte[40]));
        var error = Assert.Throws<PixelDecodeException>(() => DicomPixelData.Create(dataset, ExplicitLittle));
        Assert.Contains("40 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("64", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rows")]
    [InlineData("bits-stored")]
    [InlineData("high-bit")]
    [InlineData("frames")]
    [InlineData("no-pixels")]
    public void Missing_or_inconsistent_attributes_are_named(string defect)
    {
        var dataset = Image(2, 2, 16, 12, 11, 0, frames: 2);
        dataset.Set(new DicomElement(DicomTags.PixelData, DicomVR.OW, new byte[16]));
        var expected = defect switch
        {
            "rows" => Remove(dataset, DicomTags.Rows, "(0028,0010)"),
            "bits-stored" => SetAndName(dataset, DicomTags.BitsStored, 17, "Bits Stored"),
            "high-bit" => SetAndName(dataset, DicomTags.HighBit, 16, "High Bit"),
            "frames" => SetAndName(dataset, DicomTags.NumberOfFrames, 0, "Number of Frames"),
            _ => Remove(dataset, DicomTags.PixelData, "Pixel Data"),
        };
        var error = Assert.Throws<PixelDecodeException>(() => DicomPixelData.Create(dataset, ExplicitLittle));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);

        static string Remove(DicomDataset d, DicomTag tag, string name)
        {
            d.Remove(tag);
            return name;
        }

        static string SetAndName(DicomDataset d, DicomTag tag, int value, string name)
        {
            d.SetInteger(tag, value);
            return name;
        }
    }

    [Fact]
    public void A_number_of_frames_that_is_not_a_number_is_refused()
    {
        // pydicom's badVR.dcm: Number of Frames is "1A".
        using var file = DicomFile.Open(Path.Combine(TestData.PydicomTestFiles, "badVR.dcm"));
        var error = Assert.Throws<PixelDecodeException>(() => DicomPixelData.Create(file));
        Assert.Contains("Number of Frames (0028,0008)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MR_small_bigendian.dcm", 0)]
    [InlineData("rtdose_expb.dcm", 9)]
    [InlineData("rtdose.dcm", 14)]
    [InlineData("liver_1frame.dcm", 0)]
    public void Lazy_values_give_the_same_frames_as_buffered_ones(string name, int frameIndex)
    {
        var path = Path.Combine(TestData.PydicomTestFiles, name);
        using var buffered = DicomFile.Open(path);
        using var lazy = DicomFile.Open(path, new DicomReaderOptions { LargeValueThreshold = 64 });
        Assert.IsType<DicomLazyValue>(((DicomElement)lazy.Dataset[DicomTags.PixelData]!).Value);
        Assert.Equal(DicomPixelData.Create(buffered).GetFrameBytes(frameIndex).ToArray(), DicomPixelData.Create(lazy).GetFrameBytes(frameIndex).ToArray());
    }
}
