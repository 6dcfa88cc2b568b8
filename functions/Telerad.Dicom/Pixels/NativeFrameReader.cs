namespace Telerad.Dicom;

/// <summary>
/// Cuts one frame out of a native (uncompressed) Pixel Data value, reading only that frame's byte range of a
/// lazy value. Returns little-endian samples; 1-bit frames are re-aligned to start at bit 0 of byte 0.
/// </summary>
internal static class NativeFrameReader
{
    /// <summary>Bytes the value must hold for all frames (PS3.5 8.1.1: 1-bit frames are packed back to back).</summary>
    public static long RequiredLength(PixelDataInfo info) =>
        info.BitsAllocated == 1 ? ((info.NativeFrameBits * info.NumberOfFrames) + 7) / 8 : info.NativeFrameLength * info.NumberOfFrames;

    /// <param name="into">A buffer of exactly the frame's length to read a whole-byte frame into instead of a new array
    /// (ignored for 1-bit frames).</param>
    public static byte[] ReadFrame(DicomElement element, PixelDataInfo info, int frameIndex, bool bigEndianSyntax, byte[]? into = null)
    {
        var frameLength = info.NativeFrameLength;
        if (frameLength > Array.MaxLength)
        {
            throw new PixelDecodeException($"A frame of {frameLength} bytes is too large to decode in memory", PixelDecodeFailure.Unsupported);
        }

        if (info.BitsAllocated == 1)
        {
            var startBit = info.NativeFrameBits * frameIndex;
            var shift = (int)(startBit & 7);
            var span = (int)((shift + info.NativeFrameBits + 7) / 8);
            var raw = ReadRange(element.Value, startBit >> 3, span, into: null);
            return shift == 0 ? raw : Realign(raw, shift, (int)frameLength);
        }

        var bytes = ReadRange(element.Value, frameLength * frameIndex, (int)frameLength, into is not null && into.Length == frameLength ? into : null);
        if (bigEndianSyntax)
        {
            FixByteOrder(element, bytes, info.BitsAllocated / 8);
        }

        return bytes;
    }

    /// <summary>
    /// The reader swapped the value by its VR's unit (OW: 2 bytes). Samples wider than that (32-bit data in OW,
    /// PS3.5 A.2) must be swapped by their own size: undo the VR swap, then swap by the sample size.
    /// </summary>
    private static void FixByteOrder(DicomElement element, byte[] bytes, int sampleSize)
    {
        var applied = element.Value is DicomLazyValue lazy ? lazy.SwapUnit : DicomVRInfo.SwapUnit(element.VR);
        if (applied == sampleSize || sampleSize <= 1)
        {
            return;
        }

        if (applied > 1)
        {
            ByteSwap.InPlace(bytes, applied);
        }

        ByteSwap.InPlace(bytes, sampleSize);
    }

    /// <summary>Reads [start, start+length) of a value; a lazy byte-swapped value is read in whole swap units.</summary>
    private static byte[] ReadRange(DicomValue value, long start, int length, byte[]? into)
    {
        if (value is DicomLazyValue lazy)
        {
            var unit = Math.Max(lazy.SwapUnit, 1);
            var alignedStart = start - (start % unit);
            var alignedEnd = Math.Min(((start + length + unit - 1) / unit) * unit, lazy.Length - (lazy.Length % unit));
            if (alignedStart == start && alignedEnd == start + length)
            {
                var direct = into ?? GC.AllocateUninitializedArray<byte>(length); // every byte is read into it
                lazy.ReadAt(start, direct);
                return direct;
            }

            var buffer = new byte[alignedEnd - alignedStart];
            lazy.ReadAt(alignedStart, buffer);
            var result = into ?? new byte[length];
            var available = Math.Min(length, (int)(alignedEnd - start));
            buffer.AsSpan((int)(start - alignedStart), available).CopyTo(result);
            result.AsSpan(available).Clear(); // a reused buffer holds an earlier frame's bytes
            return result;
        }

        var memory = value.GetMemory().Slice((int)start, length);
        if (into is null)
        {
            return memory.ToArray();
        }

        memory.Span.CopyTo(into);
        return into;
    }

    /// <summary>Shifts a bit stream left by <paramref name="shift"/> bits (pixels are stored from the least significant bit up).</summary>
    private static byte[] Realign(byte[] raw, int shift, int length)
    {
        var result = new byte[length];
        for (var i = 0; i < length; i++)
        {
            var next = i + 1 < raw.Length ? raw[i + 1] : 0;
            result[i] = (byte)((raw[i] >> shift) | (next << (8 - shift)));
        }

        return result;
    }
}
