using System.Runtime.InteropServices;

namespace Telerad.Dicom;

/// <summary>Small operations on decoded JPEG component planes (one short per sample).</summary>
internal static class JpegPlanes
{
    public static void Clamp(short[] plane, int max)
    {
        for (var i = 0; i < plane.Length; i++)
        {
            plane[i] = (short)Math.Clamp((int)plane[i], 0, max);
        }
    }

    /// <summary>Component planes to interleaved little-endian samples of 8 or 16 bits.</summary>
    public static byte[] Interleave(short[][] planes, int pixels, int bitsAllocated)
    {
        var components = planes.Length;
        if (bitsAllocated == 8)
        {
            var bytes = new byte[pixels * components];
            for (var c = 0; c < components; c++)
            {
                var plane = planes[c];
                for (int p = 0, o = c; p < pixels; p++, o += components)
                {
                    bytes[o] = (byte)plane[p];
                }
            }

            return bytes;
        }

        var words = new byte[pixels * components * 2];
        var output = MemoryMarshal.Cast<byte, short>(words.AsSpan());
        if (components == 1)
        {
            planes[0].AsSpan(0, pixels).CopyTo(output);
            return words;
        }

        for (var c = 0; c < components; c++)
        {
            var plane = planes[c];
            for (int p = 0, o = c; p < pixels; p++, o += components)
            {
                output[o] = plane[p];
            }
        }

        return words;
    }
}
