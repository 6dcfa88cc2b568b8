namespace Telerad.Dicom;

/// <summary>
/// YCbCr to RGB as JFIF (ITU T.871) defines it, R = Y + 1.402 (Cr - c), G = Y - 0.34414 (Cb - c) - 0.71414 (Cr - c),
/// B = Y + 1.772 (Cb - c), computed in the 16-bit fixed point with round-half-up that IJG libjpeg uses, so the
/// result equals dcmtk's dcmdjpeg output sample for sample. c is 2^(precision-1).
/// </summary>
internal static class JpegColor
{
    private const int ScaleBits = 16;
    private const int Half = 1 << (ScaleBits - 1);
    private static readonly int Fix1402 = Fix(1.40200);
    private static readonly int Fix1772 = Fix(1.77200);
    private static readonly int Fix071414 = Fix(0.71414);
    private static readonly int Fix034414 = Fix(0.34414);

    public static void YCbCrToRgb(short[] y, short[] cb, short[] cr, int precision)
    {
        var max = (1 << precision) - 1;
        var center = 1 << (precision - 1);
        var size = max + 1;
        var crToR = new int[size];
        var cbToB = new int[size];
        var crToG = new int[size];
        var cbToG = new int[size];
        for (var i = 0; i < size; i++)
        {
            var x = i - center;
            crToR[i] = ((Fix1402 * x) + Half) >> ScaleBits;
            cbToB[i] = ((Fix1772 * x) + Half) >> ScaleBits;
            crToG[i] = -Fix071414 * x;
            cbToG[i] = (-Fix034414 * x) + Half;
        }

        for (var p = 0; p < y.Length; p++)
        {
            int luma = y[p], blue = cb[p] & max, red = cr[p] & max;
            y[p] = (short)Math.Clamp(luma + crToR[red], 0, max);
            cb[p] = (short)Math.Clamp(luma + ((cbToG[blue] + crToG[red]) >> ScaleBits), 0, max);
            cr[p] = (short)Math.Clamp(luma + cbToB[blue], 0, max);
        }
    }

    private static int Fix(double value) => (int)((value * (1 << ScaleBits)) + 0.5);
}
