using System.Buffers.Binary;

namespace Telerad.Dicom.Tests.Pixels;

/// <summary>Which fragments make which frame (PS3.5 A.4), on fragment sequences built here with recognisable bytes.</summary>
public sealed class EncapsulatedFrameTests
{
    private static readonly DicomTransferSyntax Jpeg = DicomTransferSyntax.FromUid("1.2.840.10008.1.2.4.50");

    private static DicomDataset Image(int frames)
    {
        var dataset = new DicomDataset();
        dataset.SetInteger(DicomTags.Rows, 8);
        dataset.SetInteger(DicomTags.Columns, 8);
        dataset.SetInteger(DicomTags.BitsAllocated, 8);
        dataset.SetInteger(DicomTags.BitsStored, 8);
        dataset.SetInteger(DicomTags.HighBit, 7);
        dataset.SetInteger(DicomTags.PixelRepresentation, 0);
        dataset.SetInteger(DicomTags.SamplesPerPixel, 1);
        dataset.SetString(DicomTags.PhotometricInterpretation, "MONOCHROME2");
        dataset.SetInteger(DicomTags.NumberOfFrames, frames);
        return dataset;
    }

    /// <summary>A fragment of <paramref name="length"/> bytes all equal to <paramref name="fill"/>, optionally starting with a JPEG SOI.</summary>
    private static DicomValue Fragment(byte fill, int length, bool soi = false)
    {
        var bytes = Enumerable.Repeat(fill, length).ToArray();
        if (soi)
        {
            bytes[0] = 0xFF;
            bytes[1] = 0xD8;
            bytes[2] = 0xFF;
        }

        return DicomValue.FromBytes(bytes);
    }

    private static DicomValue Table(params uint[] offsets)
    {
        var bytes = new byte[offsets.Length * 4];
        for (var i = 0; i < offsets.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), offsets[i]);
        }

        return DicomValue.FromBytes(bytes);
    }

    private static DicomPixelData Pixels(DicomDataset dataset, DicomValue table, params DicomValue[] fragments)
    {
        dataset.Set(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, table, fragments));
        return DicomPixelData.Create(dataset, Jpeg);
    }

    [Fact]
    public void The_basic_offset_table_groups_fragments_into_frames()
    {
        // Fragments of 10, 6, 4 and 8 bytes: items start at 0, 18, 32, 44 (each item has an 8-byte header).
        var pixels = Pixels(Image(2), Table(0, 32), Fragment(1, 10), Fragment(2, 6), Fragment(3, 4), Fragment(4, 8));
        Assert.Equal([.. Enumerable.Repeat((byte)1, 10), .. Enumerable.Repeat((byte)2, 6)], pixels.GetFrameBytes(0).ToArray());
        Assert.Equal([.. Enumerable.Repeat((byte)3, 4), .. Enumerable.Repeat((byte)4, 8)], pixels.GetFrameBytes(1).ToArray());
    }

    [Fact]
    public void The_extended_offset_table_wins_and_its_lengths_trim_padding()
    {
        var dataset = Image(2);
        var offsets = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(offsets, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(offsets.AsSpan(8), 18);
        var lengths = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(lengths, 9);
        BinaryPrimitives.WriteUInt64LittleEndian(lengths.AsSpan(8), 5);
        dataset.Set(new DicomElement(DicomTags.ExtendedOffsetTable, DicomVR.OV, offsets));
        dataset.Set(new DicomElement(DicomTags.ExtendedOffsetTableLengths, DicomVR.OV, lengths));
        // A wrong Basic Offset Table is ignored when the extended one is present.
        var pixels = Pixels(dataset, Table(0, 7), Fragment(1, 10), Fragment(2, 6));
        Assert.Equal(Enumerable.Repeat((byte)1, 9).ToArray(), pixels.GetFrameBytes(0).ToArray());
        Assert.Equal(Enumerable.Repeat((byte)2, 5).ToArray(), pixels.GetFrameBytes(1).ToArray());
    }

    [Fact]
    public void Without_a_table_each_fragment_is_a_frame_when_the_counts_agree()
    {
        var pixels = Pixels(Image(3), DicomValue.Empty, Fragment(1, 2), Fragment(2, 4), Fragment(3, 6));
        Assert.Equal(new byte[] { 2, 2, 2, 2 }, pixels.GetFrameBytes(1).ToArray());
    }

    [Fact]
    public void Without_a_table_frames_start_at_fragments_that_start_a_codestream()
    {
        var pixels = Pixels(Image(2), DicomValue.Empty, Fragment(1, 6, soi: true), Fragment(2, 4), Fragment(3, 4), Fragment(4, 6, soi: true), Fragment(5, 2));
        Assert.Equal(14, pixels.GetFrameBytes(0).Length);
        Assert.Equal(new byte[] { 0xFF, 0xD8, 0xFF, 4, 4, 4, 5, 5 }, pixels.GetFrameBytes(1).ToArray());
    }

    [Fact]
    public void A_single_frame_is_all_fragments_joined()
    {
        var pixels = Pixels(Image(1), DicomValue.Empty, Fragment(1, 2), Fragment(2, 2), Fragment(3, 2));
        Assert.Equal(new byte[] { 1, 1, 2, 2, 3, 3 }, pixels.GetFrameBytes(0).ToArray());
    }

    [Fact]
    public void A_broken_offset_table_is_reported_not_thrown()
    {
        var pixels = Pixels(Image(2), Table(0, 5), Fragment(1, 10), Fragment(2, 6));
        var result = pixels.TryDecodeFrame(1);
        Assert.False(result.Success);
        Assert.Equal(PixelDecodeFailure.Corrupt, result.Failure);
        Assert.Contains("Basic Offset Table", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_syntax_is_not_decodable_and_the_reason_names_it()
    {
        var dataset = Image(1);
        dataset.Set(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, DicomValue.Empty, [Fragment(1, 4)]));
        var result = DicomPixelData.Create(dataset, DicomTransferSyntax.FromUid("1.2.3.4.5.6")).TryDecodeFrame(0);
        Assert.False(result.Success);
        Assert.Equal(PixelDecodeFailure.NoCodec, result.Failure);
        Assert.Contains("1.2.3.4.5.6", result.Reason, StringComparison.Ordinal);
        Assert.Throws<PixelDecodeException>(() => DicomPixelData.Create(dataset, DicomTransferSyntax.FromUid("1.2.3.4.5.6")).DecodeFrame(0));
    }

    [Fact]
    public void A_jpeg_process_the_decoder_lacks_is_reported_as_unsupported()
    {
        // pydicom's dcmtk-made baseline JPEG with its SOF0 marker changed to SOF5 (differential sequential, hierarchical).
        using var file = DicomFile.Open(Path.Combine(TestData.PydicomTestFiles, "SC_rgb_jpeg_dcmtk.dcm"));
        var original = DicomPixelData.Create(file);
        var bytes = original.GetFrameBytes(0).ToArray();
        var sof = bytes.AsSpan().IndexOf((ReadOnlySpan<byte>)[0xFF, 0xC0]);
        Assert.True(sof > 0);
        bytes[sof + 1] = 0xC5;
        var dataset = file.Dataset.Clone();
        dataset.Set(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, DicomValue.Empty, [DicomValue.FromBytes(bytes)]));
        var result = DicomPixelData.Create(dataset, file.TransferSyntax).TryDecodeFrame(0);
        Assert.False(result.Success);
        Assert.Equal(PixelDecodeFailure.Unsupported, result.Failure);
        Assert.Contains("SOF5", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_jpeg_data_is_reported_as_corrupt()
    {
        using var file = DicomFile.Open(Path.Combine(TestData.PydicomTestFiles, "SC_rgb_jpeg_dcmtk.dcm"));
        var bytes = DicomPixelData.Create(file).GetFrameBytes(0).ToArray()[..200];
        var dataset = file.Dataset.Clone();
        dataset.Set(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, DicomValue.Empty, [DicomValue.FromBytes(bytes)]));
        var result = DicomPixelData.Create(dataset, file.TransferSyntax).TryDecodeFrame(0);
        Assert.False(result.Success, "a truncated JPEG must not decode");
        Assert.NotNull(result.Reason);
    }
}
