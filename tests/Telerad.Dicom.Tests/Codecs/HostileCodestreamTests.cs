using System.Diagnostics;
using static Telerad.Dicom.Tests.Codecs.CodecTestFrames;

namespace Telerad.Dicom.Tests.Codecs;

/// <summary>
/// Truncated, random and bit-flipped codestreams: the native decoders must answer with
/// <see cref="PixelDecodeException"/> (or, for a flip that leaves a decodable stream, a frame of the declared
/// size), never another exception, a crash of the test host, or a hang.
/// </summary>
public sealed class HostileCodestreamTests
{
    public static TheoryData<string, string> Cases() => new()
    {
        { "j2k", Pydicom("MR_small_jp2klossless.dcm") },
        { "j2k", Pydicom("GDCMJ2K_TextGBR.dcm") },
        { "j2k", Path.Combine(TestData.CtStudy("j2k"), "0001.dcm") },
        { "jls", Pydicom("MR_small_jpeg_ls_lossless.dcm") },
        { "jls", Path.Combine(TestData.CtStudy("jls"), "0001.dcm") },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Truncated_codestreams_are_refused(string kind, string path)
    {
        var codec = Codec(kind);
        var encoded = ReadSingleFrame(path);
        var length = encoded.Bytes.Length;

        // Every cut removes coded data (the last one keeps all but the final 10 bytes before the end marker).
        int[] cuts = [0, 1, 2, 3, 4, 8, 12, 20, 40, 60, 100, 200, length / 4, length / 2, (length * 3) / 4, length - 12];
        var clock = Stopwatch.StartNew();
        foreach (var cut in cuts.Where(c => c >= 0 && c < length).Distinct())
        {
            var error = Assert.Throws<PixelDecodeException>(() => codec.Decode(encoded.Bytes.AsSpan(0, cut), encoded.Info));
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
        }

        // CharLS alone needs 10-15 s for each of these small frames when a scan just stops (no marker after it).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"refusing {cuts.Length} truncated frames took {clock.Elapsed}");
    }

    [Fact]
    public void Jpeg_ls_frame_missing_only_its_end_marker_still_decodes()
    {
        var encoded = ReadSingleFrame(Path.Combine(TestData.CtStudy("jls"), "0002.dcm"));
        var complete = new JpegLsCodec().Decode(encoded.Bytes, encoded.Info);
        Assert.Equal([0xFF, 0xD9], encoded.Bytes[^2..]);

        var withoutEoi = new JpegLsCodec().Decode(encoded.Bytes.AsSpan(0, encoded.Bytes.Length - 2), encoded.Info);

        Assert.Equal(complete.Data, withoutEoi.Data);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Random_bytes_after_a_valid_header_start_are_refused(string kind, string path)
    {
        var codec = Codec(kind);
        var encoded = ReadSingleFrame(path);
        var random = new Random(1234);
        for (var i = 0; i < 100; i++)
        {
            var keep = random.Next(0, Math.Min(64, encoded.Bytes.Length));
            var garbage = new byte[keep + random.Next(0, 4000)];
            random.NextBytes(garbage);
            encoded.Bytes.AsSpan(0, keep).CopyTo(garbage);
            Assert.Throws<PixelDecodeException>(() => codec.Decode(garbage, encoded.Info));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bit_flips_give_a_frame_or_a_decode_exception(string kind, string path)
    {
        var codec = Codec(kind);
        var encoded = ReadSingleFrame(path);
        var random = new Random(5678);
        var clock = Stopwatch.StartNew();
        var refused = 0;
        for (var i = 0; i < 200; i++)
        {
            var damaged = (byte[])encoded.Bytes.Clone();
            var flips = random.Next(1, 5);
            for (var f = 0; f < flips; f++)
            {
                // Half the flips land in the first 200 bytes, where the headers (markers, sizes) are.
                var at = random.Next(2) == 0 ? random.Next(Math.Min(200, damaged.Length)) : random.Next(damaged.Length);
                damaged[at] ^= (byte)(1 << random.Next(8));
            }

            try
            {
                var frame = codec.Decode(damaged, encoded.Info);
                Assert.Equal(encoded.Info.NativeFrameLength, frame.Data.Length);
            }
            catch (PixelDecodeException)
            {
                refused++;
            }
        }

        Assert.True(refused > 0, "no damaged codestream was refused: the flips did not reach the headers");
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"200 damaged frames took {clock.Elapsed}");
    }

    [Fact]
    public void Frames_that_are_not_codestreams_at_all_are_refused()
    {
        var info = ReadSingleFrame(Pydicom("MR_small_jp2klossless.dcm")).Info;
        byte[][] inputs = [[], [0xFF], [0xFF, 0x4F], [0xFF, 0xD8, 0xFF, 0xD9], [.. "not a codestream"u8], new byte[4096]];
        foreach (var input in inputs)
        {
            Assert.Throws<PixelDecodeException>(() => new Jpeg2000Codec().Decode(input, info));
            Assert.Throws<PixelDecodeException>(() => new JpegLsCodec().Decode(input, info));
        }
    }

    private static IPixelCodec Codec(string kind) => kind == "j2k" ? new Jpeg2000Codec() : new JpegLsCodec();
}
