using System.Numerics;
using System.Runtime.InteropServices;

namespace Telerad.Dicom;

/// <summary>
/// Turns one native frame (little-endian bytes laid out as PS3.5 8.1 / PS3.3 C.7.6.3 describe) into a
/// <see cref="PixelFrame"/>: samples interleaved, masked to Bits Stored below High Bit, sign-extended when
/// Pixel Representation is 1, 1-bit pixels unpacked, YBR_FULL_422 pixel pairs expanded.
/// </summary>
public static class NativePixelDecoder
{
    public static PixelFrame Decode(ReadOnlySpan<byte> frame, PixelDataInfo info) => Decode(frame, info, null);

    /// <summary>
    /// As <see cref="Decode(ReadOnlySpan{byte}, PixelDataInfo)"/>; a codec's fresh buffer that already has the
    /// output layout (interleaved, exact length) becomes the frame's data without a copy.
    /// </summary>
    internal static PixelFrame Decode(byte[] ownedFrame, PixelDataInfo info) => Decode(ownedFrame, info, ownedFrame);

    private static PixelFrame Decode(ReadOnlySpan<byte> frame, PixelDataInfo info, byte[]? reusable)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (frame.Length < info.NativeFrameLength)
        {
            throw new PixelDecodeException($"A native frame needs {info.NativeFrameLength} bytes, only {frame.Length} are present", PixelDecodeFailure.Corrupt);
        }

        var type = SampleTypeOf(info);
        var samples = info.Rows * info.Columns * info.SamplesPerPixel;
        var size = (long)samples * PixelFrame.SizeOf(type);
        var inPlace = reusable is not null && reusable.Length == size && DecodesInPlace(info);
        var output = inPlace ? reusable! : new byte[size];
        var photometric = info.PhotometricInterpretation;
        if (info.BitsAllocated == 1)
        {
            UnpackBits(frame, output);
        }
        else if (info.StoredSamplesPerPixel != info.SamplesPerPixel)
        {
            ExpandYbr422(frame, output, info);
            photometric = "YBR_FULL";
        }
        else if (info.PlanarConfiguration == 1 && info.SamplesPerPixel > 1)
        {
            Interleave(frame, output, info.Rows * info.Columns, info.SamplesPerPixel, PixelFrame.SizeOf(type));
        }
        else if (!inPlace)
        {
            frame[..output.Length].CopyTo(output);
        }

        if (!info.IsFloatingPoint && info.BitsAllocated > 1)
        {
            MaskAndExtend(output, info);
        }

        var bitsStored = info.IsFloatingPoint ? info.BitsAllocated : info.BitsStored;
        return new PixelFrame(info.Rows, info.Columns, info.SamplesPerPixel, type, bitsStored, photometric, output);
    }

    /// <summary>Whether a native frame's bytes already have the decoded layout, so it can be decoded where it lies.</summary>
    internal static bool DecodesInPlace(PixelDataInfo info) =>
        info.BitsAllocated > 1 && info.StoredSamplesPerPixel == info.SamplesPerPixel && (info.PlanarConfiguration == 0 || info.SamplesPerPixel == 1);

    public static PixelSampleType SampleTypeOf(PixelDataInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var signed = info.PixelRepresentation == 1;
        return (info.BitsAllocated, info.IsFloatingPoint) switch
        {
            (32, true) => PixelSampleType.Float32,
            (64, true) => PixelSampleType.Float64,
            (1, _) => PixelSampleType.UInt8,
            (8, _) => signed ? PixelSampleType.Int8 : PixelSampleType.UInt8,
            (16, _) => signed ? PixelSampleType.Int16 : PixelSampleType.UInt16,
            (32, _) => signed ? PixelSampleType.Int32 : PixelSampleType.UInt32,
            _ => throw new PixelDecodeException($"Bits Allocated {info.BitsAllocated} is not supported for integer pixel data", PixelDecodeFailure.Unsupported),
        };
    }

    /// <summary>PS3.5 8.1.1: the first pixel is the least significant bit of the first byte.</summary>
    private static void UnpackBits(ReadOnlySpan<byte> packed, Span<byte> output)
    {
        var whole = output.Length / 8;
        for (var i = 0; i < whole; i++)
        {
            var b = packed[i];
            var o = output.Slice(i * 8, 8);
            o[0] = (byte)(b & 1);
            o[1] = (byte)((b >> 1) & 1);
            o[2] = (byte)((b >> 2) & 1);
            o[3] = (byte)((b >> 3) & 1);
            o[4] = (byte)((b >> 4) & 1);
            o[5] = (byte)((b >> 5) & 1);
            o[6] = (byte)((b >> 6) & 1);
            o[7] = (byte)(b >> 7);
        }

        for (var k = whole * 8; k < output.Length; k++)
        {
            output[k] = (byte)((packed[k >> 3] >> (k & 7)) & 1);
        }
    }

    /// <summary>Planar (RRR..GGG..BBB) to interleaved (RGBRGB...).</summary>
    private static void Interleave(ReadOnlySpan<byte> planar, Span<byte> output, int pixels, int samples, int size)
    {
        switch (size)
        {
            case 1:
                Interleave(planar, output, pixels, samples);
                break;
            case 2:
                Interleave(MemoryMarshal.Cast<byte, ushort>(planar), MemoryMarshal.Cast<byte, ushort>(output), pixels, samples);
                break;
            case 4:
                Interleave(MemoryMarshal.Cast<byte, uint>(planar), MemoryMarshal.Cast<byte, uint>(output), pixels, samples);
                break;
            default:
                Interleave(MemoryMarshal.Cast<byte, ulong>(planar), MemoryMarshal.Cast<byte, ulong>(output), pixels, samples);
                break;
        }
    }

    private static void Interleave<T>(ReadOnlySpan<T> planar, Span<T> output, int pixels, int samples)
        where T : unmanaged
    {
        for (var s = 0; s < samples; s++)
        {
            var plane = planar.Slice(s * pixels, pixels);
            for (var p = 0; p < plane.Length; p++)
            {
                output[(p * samples) + s] = plane[p];
            }
        }
    }

    /// <summary>PS3.3 C.7.6.3.1.2: each pair of pixels is stored Y1 Y2 Cb Cr; both pixels share the chroma.</summary>
    private static void ExpandYbr422(ReadOnlySpan<byte> frame, Span<byte> output, PixelDataInfo info)
    {
        var pixels = info.Rows * info.Columns;
        if ((pixels & 1) != 0)
        {
            throw new PixelDecodeException("YBR_FULL_422 pixel data needs an even number of pixels", PixelDecodeFailure.Corrupt);
        }

        if (info.BitsAllocated == 8)
        {
            Expand422(frame, output, pixels);
        }
        else if (info.BitsAllocated == 16)
        {
            Expand422(MemoryMarshal.Cast<byte, ushort>(frame), MemoryMarshal.Cast<byte, ushort>(output), pixels);
        }
        else
        {
            throw new PixelDecodeException($"YBR_FULL_422 with Bits Allocated {info.BitsAllocated} is not supported", PixelDecodeFailure.Unsupported);
        }
    }

    private static void Expand422<T>(ReadOnlySpan<T> source, Span<T> output, int pixels)
        where T : unmanaged
    {
        for (int pair = 0, s = 0, o = 0; pair < pixels / 2; pair++, s += 4, o += 6)
        {
            var cb = source[s + 2];
            var cr = source[s + 3];
            output[o] = source[s];
            output[o + 1] = cb;
            output[o + 2] = cr;
            output[o + 3] = source[s + 1];
            output[o + 4] = cb;
            output[o + 5] = cr;
        }
    }

    /// <summary>
    /// Keeps bits [High Bit - Bits Stored + 1, High Bit] of each sample, moved down to bit 0, sign-extended for
    /// signed data (PS3.5 8.1.1): shift the high bit to the top, then shift right (arithmetically when signed).
    /// </summary>
    private static void MaskAndExtend(Span<byte> data, PixelDataInfo info)
    {
        var bits = info.BitsAllocated;
        var left = bits - 1 - info.HighBit;
        var right = bits - info.BitsStored;
        if (left == 0 && right == 0)
        {
            return;
        }

        var signed = info.PixelRepresentation == 1;
        switch (bits)
        {
            case 8:
                Mask8(data, left, right, signed);
                break;
            case 16:
                Mask16(MemoryMarshal.Cast<byte, ushort>(data), left, right, signed);
                break;
            case 32:
                Mask32(MemoryMarshal.Cast<byte, uint>(data), left, right, signed);
                break;
            default:
                break;
        }
    }

    private static void Mask8(Span<byte> data, int left, int right, bool signed)
    {
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = signed ? (byte)((sbyte)(data[i] << left) >> right) : (byte)((byte)(data[i] << left) >> right);
        }
    }

    private static void Mask16(Span<ushort> data, int left, int right, bool signed)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && data.Length >= Vector<ushort>.Count)
        {
            var words = MemoryMarshal.Cast<ushort, Vector<ushort>>(data);
            if (signed)
            {
                var signedWords = MemoryMarshal.Cast<ushort, Vector<short>>(data);
                for (var v = 0; v < signedWords.Length; v++)
                {
                    signedWords[v] = Vector.ShiftRightArithmetic(Vector.ShiftLeft(signedWords[v], left), right);
                }
            }
            else
            {
                for (var v = 0; v < words.Length; v++)
                {
                    words[v] = Vector.ShiftRightLogical(Vector.ShiftLeft(words[v], left), right);
                }
            }

            i = words.Length * Vector<ushort>.Count;
        }

        for (; i < data.Length; i++)
        {
            data[i] = signed ? (ushort)((short)(data[i] << left) >> right) : (ushort)((ushort)(data[i] << left) >> right);
        }
    }

    private static void Mask32(Span<uint> data, int left, int right, bool signed)
    {
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = signed ? (uint)((int)(data[i] << left) >> right) : (data[i] << left) >> right;
        }
    }
}
