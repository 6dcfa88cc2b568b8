using System.Runtime.InteropServices;
using static Telerad.Dicom.Tests.Codecs.CodecTestFrames;

namespace Telerad.Dicom.Tests.Codecs;

/// <summary>
/// The interop plumbing: struct layouts against the C headers, what happens without the library,
/// and concurrent use (each decode owns its native decoder).
/// </summary>
public sealed class NativeInteropTests
{
    [Fact]
    public void OpenJpeg_struct_layouts_match_openjpeg_h()
    {
        // sizeof/offsetof printed by gcc for openjpeg.h of libopenjp2-7-dev 2.5.0 on x86-64.
        Assert.Equal(48, Marshal.SizeOf<OpenJpegNative.Image>());
        Assert.Equal(20, Marshal.OffsetOf<OpenJpegNative.Image>(nameof(OpenJpegNative.Image.ColorSpace)).ToInt32());
        Assert.Equal(24, Marshal.OffsetOf<OpenJpegNative.Image>(nameof(OpenJpegNative.Image.Components)).ToInt32());
        Assert.Equal(40, Marshal.OffsetOf<OpenJpegNative.Image>(nameof(OpenJpegNative.Image.IccProfileLength)).ToInt32());
        Assert.Equal(64, Marshal.SizeOf<OpenJpegNative.ImageComponent>());
        Assert.Equal(24, Marshal.OffsetOf<OpenJpegNative.ImageComponent>(nameof(OpenJpegNative.ImageComponent.Precision)).ToInt32());
        Assert.Equal(32, Marshal.OffsetOf<OpenJpegNative.ImageComponent>(nameof(OpenJpegNative.ImageComponent.Signed)).ToInt32());
        Assert.Equal(48, Marshal.OffsetOf<OpenJpegNative.ImageComponent>(nameof(OpenJpegNative.ImageComponent.Data)).ToInt32());
        Assert.Equal(56, Marshal.OffsetOf<OpenJpegNative.ImageComponent>(nameof(OpenJpegNative.ImageComponent.Alpha)).ToInt32());
        Assert.Equal(8252, Marshal.SizeOf<OpenJpegNative.DecompressParameters>());
        Assert.Equal(8200, Marshal.OffsetOf<OpenJpegNative.DecompressParameters>(nameof(OpenJpegNative.DecompressParameters.DecodeFormat)).ToInt32());
        Assert.Equal(8224, Marshal.OffsetOf<OpenJpegNative.DecompressParameters>(nameof(OpenJpegNative.DecompressParameters.Verbose)).ToInt32());
        Assert.Equal(8248, Marshal.OffsetOf<OpenJpegNative.DecompressParameters>(nameof(OpenJpegNative.DecompressParameters.Flags)).ToInt32());
    }

    [Fact]
    public void CharLs_frame_info_matches_public_types_h()
    {
        Assert.Equal(16, Marshal.SizeOf<CharLsNative.FrameInfo>());
    }

    [Fact]
    public void Installed_openjpeg_is_version_2_and_charls_loads()
    {
        Assert.True(OpenJpegNative.Status.IsAvailable, OpenJpegNative.Status.UnavailableReason);
        Assert.True(CharLsNative.Status.IsAvailable, CharLsNative.Status.UnavailableReason);
        Assert.StartsWith("2.", OpenJpegNative.VersionText, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_library_is_reported_not_thrown()
    {
        var status = NativeCodecLibrary.Probe("libtelerad-no-such-codec.so.1", "no-such-package", ["anything"]);

        Assert.False(status.IsAvailable);
        Assert.Contains("libtelerad-no-such-codec.so.1", status.UnavailableReason, StringComparison.Ordinal);
        Assert.Contains("apt-get install no-such-package", status.UnavailableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Library_without_a_needed_function_is_reported_not_thrown()
    {
        var status = NativeCodecLibrary.Probe(OpenJpegNative.LibraryName, "libopenjp2-7", ["opj_decode", "opj_no_such_function"]);

        Assert.False(status.IsAvailable);
        Assert.Contains("opj_no_such_function", status.UnavailableReason, StringComparison.Ordinal);
        Assert.DoesNotContain("opj_decode,", status.UnavailableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unavailable_codecs_refuse_frames_with_their_reason()
    {
        var missing = new NativeCodecLibrary(false, "libx.so.1 could not be loaded");
        var encoded = ReadSingleFrame(Pydicom("MR_small_jp2klossless.dcm"));
        IPixelCodec[] codecs = [new Jpeg2000Codec(missing), new JpegLsCodec(missing)];

        foreach (var codec in codecs)
        {
            Assert.False(codec.IsAvailable);
            Assert.Equal(missing.UnavailableReason, codec.UnavailableReason);
            var error = Assert.Throws<PixelDecodeException>(() => codec.Decode(encoded.Bytes, encoded.Info));
            Assert.Contains(missing.UnavailableReason!, error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("j2k")]
    [InlineData("jls")]
    public void Concurrent_decodes_give_the_same_frames(string syntax)
    {
        IPixelCodec codec = syntax == "j2k" ? new Jpeg2000Codec() : new JpegLsCodec();
        var frames = Directory.GetFiles(TestData.CtStudy(syntax), "*.dcm").Order(StringComparer.Ordinal).Select(ReadSingleFrame).ToArray();
        var expected = frames.Select(f => codec.Decode(f.Bytes, f.Info).Data).ToArray();

        var results = new byte[frames.Length * 8][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            results[i] = codec.Decode(frames[i % frames.Length].Bytes, frames[i % frames.Length].Info).Data);

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(expected[i % frames.Length], results[i]);
        }
    }
}
