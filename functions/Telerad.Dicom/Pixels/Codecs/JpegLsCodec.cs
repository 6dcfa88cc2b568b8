using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Telerad.Dicom;

/// <summary>
/// JPEG-LS frames (PS3.5 8.2.3 and A.4.3; ISO/IEC 14495-1), lossless and near-lossless, decoded by CharLS from
/// Debian's libcharls2. Samples come out native little-endian in the layout the scan used: interleave mode
/// "none" gives colour planes (Planar Configuration 1), "line" and "sample" give interleaved pixels (0).
/// </summary>
/// <remarks>
/// JPEG-LS has no signed samples: a signed data set's values are coded as their low P bits (P = the frame's
/// sample precision). With Pixel Representation 1 and P below Bits Allocated the P-bit values are sign-extended,
/// the same reading as <see cref="Jpeg2000Codec"/> gives unsigned JPEG 2000 data in a signed data set.
/// The photometric interpretation is unchanged: CharLS undoes any HP colour transform itself.
/// </remarks>
public sealed unsafe class JpegLsCodec : IPixelCodec
{
    private static readonly string[] Uids =
    [
        DicomTransferSyntax.JpegLSLosslessImageCompression.Uid,
        DicomTransferSyntax.JpegLSLossyNearLosslessImageCompression.Uid,
    ];

    private const byte EndOfImage = 0xD9;

    private readonly NativeCodecLibrary _library;

    public JpegLsCodec()
        : this(CharLsNative.Status)
    {
    }

    internal JpegLsCodec(NativeCodecLibrary library)
    {
        _library = library;
    }

    public IReadOnlyCollection<string> TransferSyntaxUids => Uids;

    public bool IsAvailable => _library.IsAvailable;

    public string? UnavailableReason => _library.UnavailableReason;

    public NativeFrame Decode(ReadOnlySpan<byte> encodedFrame, PixelDataInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (!IsAvailable)
        {
            throw new PixelDecodeException($"JPEG-LS cannot be decoded here: {UnavailableReason}");
        }

        CodecInputChecks.RequireDecodableGeometry(info, "JPEG-LS");
        if (encodedFrame.Length < 4)
        {
            // CharLS declares its buffer arguments non-null; an empty span would pin to null.
            throw new PixelDecodeException($"JPEG-LS: a frame of {encodedFrame.Length} bytes holds no image");
        }

        // CharLS 2.4 can spend seconds on a scan that is cut short with no marker after it (reading past the
        // end of the buffer), but fails at once when a marker ends the data: give truncated frames an EOI.
        var input = EndsWithEndOfImage(encodedFrame) ? encodedFrame : [.. encodedFrame, 0xFF, EndOfImage];
        var decoder = CharLsNative.DecoderCreate();
        if (decoder == 0)
        {
            throw new PixelDecodeException("JPEG-LS: CharLS could not create a decoder");
        }

        try
        {
            fixed (byte* source = input)
            {
                Check(CharLsNative.SetSourceBuffer(decoder, source, (nuint)input.Length), "setting the source");
                Check(CharLsNative.ReadHeader(decoder), "reading the header");
                CharLsNative.FrameInfo frame;
                int interleave;
                Check(CharLsNative.GetFrameInfo(decoder, &frame), "reading the frame info");
                Check(CharLsNative.GetInterleaveMode(decoder, &interleave), "reading the interleave mode");
                RequireFrameMatches(frame, info);

                var bytesPerSample = frame.BitsPerSample <= 8 ? 1 : 2;
                var decodedLength = (long)info.Rows * info.Columns * info.SamplesPerPixel * bytesPerSample;
                nuint needed;
                Check(CharLsNative.GetDestinationSize(decoder, 0, &needed), "sizing the output");
                if ((long)needed != decodedLength)
                {
                    throw new PixelDecodeException($"JPEG-LS: CharLS wants {needed} bytes for a frame of {decodedLength}");
                }

                var output = GC.AllocateUninitializedArray<byte>(checked((int)info.NativeFrameLength));
                if (bytesPerSample * 8 == info.BitsAllocated)
                {
                    Decode(decoder, output);
                }
                else
                {
                    // 2..8-bit samples in 16-bit words: decode to bytes, then widen.
                    var narrow = ArrayPool<byte>.Shared.Rent((int)decodedLength);
                    try
                    {
                        Decode(decoder, narrow.AsSpan(0, (int)decodedLength));
                        Widen(narrow.AsSpan(0, (int)decodedLength), MemoryMarshal.Cast<byte, ushort>(output.AsSpan()));
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(narrow);
                    }
                }

                if (info.PixelRepresentation == 1 && frame.BitsPerSample < info.BitsAllocated)
                {
                    SignExtend(output, info.BitsAllocated, frame.BitsPerSample);
                }

                var planar = interleave == CharLsNative.InterleaveNone && info.SamplesPerPixel > 1 ? 1 : 0;
                return new NativeFrame(output, info.BitsAllocated, planar, info.PhotometricInterpretation.Trim());
            }
        }
        finally
        {
            CharLsNative.DecoderDestroy(decoder);
        }
    }

    /// <summary>True if the frame ends with the EOI marker (FFD9, ISO/IEC 14495-1 C.1.2), ignoring DICOM's zero padding.</summary>
    private static bool EndsWithEndOfImage(ReadOnlySpan<byte> frame)
    {
        var end = frame.TrimEnd((byte)0);
        return end.Length >= 2 && end[^2] == 0xFF && end[^1] == EndOfImage;
    }

    private static void Decode(nint decoder, Span<byte> destination)
    {
        fixed (byte* target = destination)
        {
            Check(CharLsNative.DecodeToBuffer(decoder, target, (nuint)destination.Length, 0), "decoding");
        }
    }

    private static void RequireFrameMatches(CharLsNative.FrameInfo frame, PixelDataInfo info)
    {
        if (frame.Width != info.Columns || frame.Height != info.Rows || frame.ComponentCount != info.SamplesPerPixel)
        {
            throw new PixelDecodeException(
                $"JPEG-LS: the frame holds {frame.Width}x{frame.Height} pixels of {frame.ComponentCount} components, the data set says {info.Columns}x{info.Rows} of {info.SamplesPerPixel}");
        }

        if (frame.BitsPerSample < 2 || frame.BitsPerSample > info.BitsAllocated)
        {
            throw new PixelDecodeException($"JPEG-LS: the frame has {frame.BitsPerSample}-bit samples, Bits Allocated is {info.BitsAllocated}");
        }
    }

    private static void Widen(ReadOnlySpan<byte> source, Span<ushort> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = source[i];
        }
    }

    /// <summary>Reads each precision-bit sample as two's complement and extends its sign over the sample word.</summary>
    private static void SignExtend(byte[] output, int bitsAllocated, int precision)
    {
        var shift = bitsAllocated - precision;
        if (bitsAllocated == 8)
        {
            var bytes = MemoryMarshal.Cast<byte, sbyte>(output.AsSpan());
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (sbyte)((sbyte)(bytes[i] << shift) >> shift);
            }

            return;
        }

        var words = MemoryMarshal.Cast<byte, short>(output.AsSpan());
        var i16 = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i16 <= words.Length - Vector256<short>.Count; i16 += Vector256<short>.Count)
            {
                var v = Vector256.Create<short>(words.Slice(i16, Vector256<short>.Count));
                Vector256.ShiftRightArithmetic(Vector256.ShiftLeft(v, shift), shift).CopyTo(words[i16..]);
            }
        }

        for (; i16 < words.Length; i16++)
        {
            words[i16] = (short)((short)(words[i16] << shift) >> shift);
        }
    }

    private static void Check(int error, string step)
    {
        if (error != CharLsNative.Success)
        {
            var text = CharLsNative.GetErrorMessage(error) is var message && message != null
                ? Marshal.PtrToStringUTF8((nint)message)
                : null;
            throw new PixelDecodeException($"JPEG-LS: {step} failed: {text ?? "unknown error"} (CharLS error {error})");
        }
    }
}
