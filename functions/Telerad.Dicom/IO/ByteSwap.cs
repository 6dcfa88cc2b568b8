using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Telerad.Dicom;

internal static class ByteSwap
{
    /// <summary>Reverses each <paramref name="unit"/>-byte group; a trailing partial group is left alone.</summary>
    public static void InPlace(Span<byte> data, int unit)
    {
        var whole = data.Length - (data.Length % unit);
        switch (unit)
        {
            case 2:
                var shorts = MemoryMarshal.Cast<byte, ushort>(data[..whole]);
                BinaryPrimitives.ReverseEndianness(shorts, shorts);
                break;
            case 4:
                var ints = MemoryMarshal.Cast<byte, uint>(data[..whole]);
                BinaryPrimitives.ReverseEndianness(ints, ints);
                break;
            case 8:
                var longs = MemoryMarshal.Cast<byte, ulong>(data[..whole]);
                BinaryPrimitives.ReverseEndianness(longs, longs);
                break;
            default:
                break;
        }
    }
}
