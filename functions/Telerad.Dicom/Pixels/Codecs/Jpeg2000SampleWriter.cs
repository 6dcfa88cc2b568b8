using System.Runtime.Intrinsics;

namespace Telerad.Dicom;

/// <summary>
/// Turns one decoded JPEG 2000 component (OpenJPEG gives 32-bit integers per sample) into native
/// little-endian DICOM samples of 8 or 16 bits, written every <c>stride</c>-th sample so that several
/// components interleave (R1G1B1R2...). Narrowing keeps the low bits (two's complement for signed values).
/// </summary>
internal static unsafe class Jpeg2000SampleWriter
{
    /// <param name="signExtendShift">0, or 32 - precision to read unsigned precision-bit values as two's complement.</param>
    public static void Write16(int* source, nint count, short* destination, int stride, int signExtendShift)
    {
        nint i = 0;
        if (stride == 1 && Vector256.IsHardwareAccelerated)
        {
            for (; i <= count - 16; i += 16)
            {
                var low = Vector256.Load(source + i);
                var high = Vector256.Load(source + i + 8);
                if (signExtendShift != 0)
                {
                    low = Vector256.ShiftRightArithmetic(Vector256.ShiftLeft(low, signExtendShift), signExtendShift);
                    high = Vector256.ShiftRightArithmetic(Vector256.ShiftLeft(high, signExtendShift), signExtendShift);
                }

                Vector256.Narrow(low, high).Store(destination + i);
            }
        }

        for (; i < count; i++)
        {
            destination[i * stride] = (short)((source[i] << signExtendShift) >> signExtendShift);
        }
    }

    /// <param name="signExtendShift">0, or 32 - precision to read unsigned precision-bit values as two's complement.</param>
    public static void Write8(int* source, nint count, byte* destination, int stride, int signExtendShift)
    {
        nint i = 0;
        if (stride == 1 && Vector256.IsHardwareAccelerated)
        {
            for (; i <= count - 32; i += 32)
            {
                var a = Load(source + i, signExtendShift);
                var b = Load(source + i + 8, signExtendShift);
                var c = Load(source + i + 16, signExtendShift);
                var d = Load(source + i + 24, signExtendShift);
                var bytes = Vector256.Narrow(Vector256.Narrow(a, b), Vector256.Narrow(c, d));
                bytes.AsByte().Store(destination + i);
            }
        }

        for (; i < count; i++)
        {
            destination[i * stride] = (byte)((source[i] << signExtendShift) >> signExtendShift);
        }
    }

    private static Vector256<int> Load(int* source, int signExtendShift)
    {
        var v = Vector256.Load(source);
        return signExtendShift == 0 ? v : Vector256.ShiftRightArithmetic(Vector256.ShiftLeft(v, signExtendShift), signExtendShift);
    }
}
