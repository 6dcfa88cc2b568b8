using System.Runtime.CompilerServices;

namespace Telerad.Dicom;

/// <summary>
/// The 8x8 inverse DCT in the integer form IJG libjpeg calls "islow" (and dcmtk uses): the Loeffler-Ligtenberg-
/// Moschytz factorisation with 13-bit fixed-point constants, columns first (scaled up by PASS1_BITS), then rows,
/// each step rounding as libjpeg does, so decoded samples equal dcmtk's bit for bit. PASS1_BITS is 2 for 8-bit
/// and 1 for 12-bit samples. Output is level-shifted and clamped to [0, 2^precision - 1]. A column or row whose
/// AC terms are all zero is a constant, which the full computation would give too (it is only faster).
/// </summary>
internal static class JpegIdct
{
    private const int ConstBits = 13;
    private const long F0298631336 = 2446;   // round(0.298631336 * 2^13), and so on
    private const long F0390180644 = 3196;
    private const long F0541196100 = 4433;
    private const long F0765366865 = 6270;
    private const long F0899976223 = 7373;
    private const long F1175875602 = 9633;
    private const long F1501321110 = 12299;
    private const long F1847759065 = 15137;
    private const long F1961570560 = 16069;
    private const long F2053119869 = 16819;
    private const long F2562915447 = 20995;
    private const long F3072711026 = 25172;

    /// <summary>Transforms dequantised coefficients (natural order) into <paramref name="output"/> rows of <paramref name="stride"/>.</summary>
    [SkipLocalsInit]
    public static void Transform(ReadOnlySpan<int> coefficients, Span<short> output, int stride, int precision)
    {
        var pass1Bits = precision <= 8 ? 2 : 1;
        var pass1Shift = ConstBits - pass1Bits;
        var pass2Shift = ConstBits + pass1Bits + 3;
        var center = 1 << (precision - 1);
        var max = (1 << precision) - 1;
        Span<long> workspace = stackalloc long[64];
        coefficients = coefficients[..64];
        for (var c = 0; c < 8; c++)
        {
            long i0 = coefficients[c], i1 = coefficients[8 + c], i2 = coefficients[16 + c], i3 = coefficients[24 + c];
            long i4 = coefficients[32 + c], i5 = coefficients[40 + c], i6 = coefficients[48 + c], i7 = coefficients[56 + c];
            if ((i1 | i2 | i3 | i4 | i5 | i6 | i7) == 0)
            {
                var dc = i0 << pass1Bits;
                for (var r = 0; r < 8; r++)
                {
                    workspace[(r * 8) + c] = dc;
                }

                continue;
            }

            Butterfly(i0, i1, i2, i3, i4, i5, i6, i7, out var o0, out var o1, out var o2, out var o3, out var o4, out var o5, out var o6, out var o7);
            workspace[c] = Descale(o0, pass1Shift);
            workspace[8 + c] = Descale(o1, pass1Shift);
            workspace[16 + c] = Descale(o2, pass1Shift);
            workspace[24 + c] = Descale(o3, pass1Shift);
            workspace[32 + c] = Descale(o4, pass1Shift);
            workspace[40 + c] = Descale(o5, pass1Shift);
            workspace[48 + c] = Descale(o6, pass1Shift);
            workspace[56 + c] = Descale(o7, pass1Shift);
        }

        for (var r = 0; r < 8; r++)
        {
            var w = workspace.Slice(r * 8, 8);
            var line = output.Slice(r * stride, 8);
            if ((w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7]) == 0)
            {
                var value = (short)Math.Clamp(Descale(w[0], pass1Bits + 3) + center, 0, max);
                line.Fill(value);
                continue;
            }

            Butterfly(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], out var o0, out var o1, out var o2, out var o3, out var o4, out var o5, out var o6, out var o7);
            line[0] = (short)Math.Clamp(Descale(o0, pass2Shift) + center, 0, max);
            line[1] = (short)Math.Clamp(Descale(o1, pass2Shift) + center, 0, max);
            line[2] = (short)Math.Clamp(Descale(o2, pass2Shift) + center, 0, max);
            line[3] = (short)Math.Clamp(Descale(o3, pass2Shift) + center, 0, max);
            line[4] = (short)Math.Clamp(Descale(o4, pass2Shift) + center, 0, max);
            line[5] = (short)Math.Clamp(Descale(o5, pass2Shift) + center, 0, max);
            line[6] = (short)Math.Clamp(Descale(o6, pass2Shift) + center, 0, max);
            line[7] = (short)Math.Clamp(Descale(o7, pass2Shift) + center, 0, max);
        }
    }

    /// <summary>One 8-point inverse DCT; outputs are scaled by 2^13 (not yet descaled).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Butterfly(
        long i0, long i1, long i2, long i3, long i4, long i5, long i6, long i7,
        out long o0, out long o1, out long o2, out long o3, out long o4, out long o5, out long o6, out long o7)
    {
        // Even part: inputs 0, 2, 4, 6.
        var z1 = (i2 + i6) * F0541196100;
        var tmp2 = z1 - (i6 * F1847759065);
        var tmp3 = z1 + (i2 * F0765366865);
        var tmp0 = (i0 + i4) << ConstBits;
        var tmp1 = (i0 - i4) << ConstBits;
        var tmp10 = tmp0 + tmp3;
        var tmp13 = tmp0 - tmp3;
        var tmp11 = tmp1 + tmp2;
        var tmp12 = tmp1 - tmp2;

        // Odd part: inputs 7, 5, 3, 1.
        var s1 = i7 + i1;
        var s2 = i5 + i3;
        var s3 = i7 + i3;
        var s4 = i5 + i1;
        var z5 = (s3 + s4) * F1175875602;
        var a0 = i7 * F0298631336;
        var a1 = i5 * F2053119869;
        var a2 = i3 * F3072711026;
        var a3 = i1 * F1501321110;
        s1 *= -F0899976223;
        s2 *= -F2562915447;
        s3 = (s3 * -F1961570560) + z5;
        s4 = (s4 * -F0390180644) + z5;
        a0 += s1 + s3;
        a1 += s2 + s4;
        a2 += s2 + s3;
        a3 += s1 + s4;

        o0 = tmp10 + a3;
        o7 = tmp10 - a3;
        o1 = tmp11 + a2;
        o6 = tmp11 - a2;
        o2 = tmp12 + a1;
        o5 = tmp12 - a1;
        o3 = tmp13 + a0;
        o4 = tmp13 - a0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Descale(long x, int bits) => (x + (1L << (bits - 1))) >> bits;
}
