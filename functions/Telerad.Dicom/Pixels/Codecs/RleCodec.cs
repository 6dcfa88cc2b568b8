using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Telerad.Dicom;

/// <summary>
/// RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits-coded segment per
/// byte plane, most significant byte of each sample first, sample planes in order (R, G, B).
/// Decodes straight into interleaved little-endian output.
/// </summary>
public sealed class RleCodec : IPixelCodec
{
    public const string RleLosslessUid = "1.2.840.10008.1.2.5";

    public IReadOnlyCollection<string> TransferSyntaxUids { get; } = [RleLosslessUid];

    public bool IsAvailable => true;

    public string? UnavailableReason => null;

    public NativeFrame Decode(ReadOnlySpan<byte> encodedFrame, PixelDataInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.BitsAllocated is not (8 or 16 or 32 or 64))
        {
            throw new PixelDecodeException($"RLE Lossless with Bits Allocated {info.BitsAllocated} is not supported", PixelDecodeFailure.Unsupported);
        }

        var bytesPerSample = info.BitsAllocated / 8;
        var samples = info.SamplesPerPixel;
        var expectedSegments = samples * bytesPerSample;
        if (encodedFrame.Length < 64)
        {
            throw Corrupt($"The RLE frame has {encodedFrame.Length} bytes, less than its 64-byte header");
        }

        var segmentCount = BinaryPrimitives.ReadUInt32LittleEndian(encodedFrame);
        if (segmentCount != expectedSegments)
        {
            throw Corrupt($"The RLE header lists {segmentCount} segments; {samples} sample(s) of {info.BitsAllocated} bits need {expectedSegments}");
        }

        Span<int> offsets = stackalloc int[16];
        for (var s = 0; s < expectedSegments; s++)
        {
            var offset = BinaryPrimitives.ReadUInt32LittleEndian(encodedFrame[(4 + (4 * s))..]);
            if (offset < 64 || offset > encodedFrame.Length || (s > 0 && offset < offsets[s - 1]))
            {
                throw Corrupt($"RLE segment {s + 1} offset {offset} is outside the frame ({encodedFrame.Length} bytes) or out of order");
            }

            offsets[s] = (int)offset;
        }

        offsets[expectedSegments] = encodedFrame.Length;
        var pixels = info.Rows * info.Columns;
        var output = new byte[(long)pixels * expectedSegments];
        var stride = expectedSegments;
        if (expectedSegments == 2)
        {
            DecodeTwoPlanes(encodedFrame, offsets, output, pixels);
            return new NativeFrame(output, info.BitsAllocated, 0, info.PhotometricInterpretation);
        }

        byte[]? scratch = stride == 1 ? null : ArrayPool<byte>.Shared.Rent(pixels);
        try
        {
            for (var s = 0; s < expectedSegments; s++)
            {
                var segment = encodedFrame[offsets[s]..offsets[s + 1]];
                var sample = s / bytesPerSample;
                var significance = s % bytesPerSample; // 0 = most significant byte
                var position = (sample * bytesPerSample) + (bytesPerSample - 1 - significance);
                if (scratch is null)
                {
                    DecodeSegment(segment, output, s);
                }
                else
                {
                    var plane = scratch.AsSpan(0, pixels);
                    DecodeSegment(segment, plane, s);
                    Scatter(plane, output.AsSpan(position), stride);
                }
            }
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }

        return new NativeFrame(output, info.BitsAllocated, 0, info.PhotometricInterpretation);
    }

    /// <summary>16-bit grey (the CT / MR case): high-byte and low-byte planes joined into words, vectorised.</summary>
    private static void DecodeTwoPlanes(ReadOnlySpan<byte> frame, ReadOnlySpan<int> offsets, byte[] output, int pixels)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(2 * pixels);
        try
        {
            var high = scratch.AsSpan(0, pixels);
            var low = scratch.AsSpan(pixels, pixels);
            DecodeSegment(frame[offsets[0]..offsets[1]], high, 0);
            DecodeSegment(frame[offsets[1]..offsets[2]], low, 1);
            var words = MemoryMarshal.Cast<byte, ushort>(output.AsSpan());
            var i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var highVectors = MemoryMarshal.Cast<byte, Vector<byte>>(high);
                var lowVectors = MemoryMarshal.Cast<byte, Vector<byte>>(low);
                var outputVectors = MemoryMarshal.Cast<ushort, Vector<ushort>>(words);
                for (var v = 0; v < highVectors.Length && v < lowVectors.Length; v++)
                {
                    Vector.Widen(highVectors[v], out var h0, out var h1);
                    Vector.Widen(lowVectors[v], out var l0, out var l1);
                    outputVectors[2 * v] = Vector.ShiftLeft(h0, 8) | l0;
                    outputVectors[(2 * v) + 1] = Vector.ShiftLeft(h1, 8) | l1;
                }

                i = Math.Min(highVectors.Length, lowVectors.Length) * Vector<byte>.Count;
            }

            for (; i < pixels; i++)
            {
                words[i] = (ushort)((high[i] << 8) | low[i]);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>PackBits (PS3.5 G.3.2): n in 0..127 copies n+1 literal bytes, -1..-127 repeats the next byte 1-n times, -128 is a no-op.</summary>
    private static void DecodeSegment(ReadOnlySpan<byte> source, Span<byte> destination, int segmentIndex)
    {
        int s = 0, d = 0;
        while (d < destination.Length && s < source.Length)
        {
            int n = (sbyte)source[s++];
            if (n >= 0)
            {
                var count = Math.Min(n + 1, destination.Length - d);
                if (s + count > source.Length)
                {
                    throw Corrupt($"RLE segment {segmentIndex + 1} ends inside a literal run");
                }

                source.Slice(s, count).CopyTo(destination[d..]);
                s += n + 1;
                d += count;
            }
            else if (n != -128)
            {
                if (s >= source.Length)
                {
                    throw Corrupt($"RLE segment {segmentIndex + 1} ends inside a replicate run");
                }

                var count = Math.Min(1 - n, destination.Length - d);
                destination.Slice(d, count).Fill(source[s++]);
                d += count;
            }
        }

        if (d < destination.Length)
        {
            throw Corrupt($"RLE segment {segmentIndex + 1} decodes to {d} bytes; the frame needs {destination.Length}");
        }
    }

    private static void Scatter(ReadOnlySpan<byte> plane, Span<byte> output, int stride)
    {
        for (int p = 0, o = 0; p < plane.Length; p++, o += stride)
        {
            output[o] = plane[p];
        }
    }

    private static PixelDecodeException Corrupt(string message) => new(message, PixelDecodeFailure.Corrupt);
}
