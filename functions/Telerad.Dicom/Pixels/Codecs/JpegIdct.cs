namespace Telerad.Dicom;

/// <summary>
/// The 8x8 inverse DCT in the integer form IJG libjpeg calls "islow" (and dcmtk uses): the Loeffler-Ligtenberg-
/// Moschytz factorisation with 13-bit fixed-point constants, columns first (scaled up by PASS1_BITS), then rows,
/// each step rounding as libjpeg does, so decoded samples equal dcmtk's bit for bit. PASS1_BITS is 2 for 8-bit
/// and 1 for 12-bit samples. Output is level-shifted and clamped to [0, 2^precision - 1].
/// </summary>
internal static class JpegIdct
{
    private const int ConstBits = 13;
    private static readonly long F0298631336 = Fix(0.298631336);
    private static readonly long F0390180644 = Fix(0.390180644);
    private static readonly long F0541196100 = Fix(0.541196100);
    private static readonly long F0765366865 = Fix(0.765366865);
    private static readonly long F0899976223 = Fix(0.899976223);
    private static readonly long F1175875602 = Fix(1.175875602);
    private static readonly long F1501321110 = Fix(1.501321110);
    private static readonly long F1847759065 = Fix(1.847759065);
    private static readonly long F1961570560 = Fix(1.961570560);
    private static readonly long F2053119869 = Fix(2.053119869);
    private static readonly long F2562915447 = Fix(2.562915447);
    private static readonly long F3072711026 = Fix(3.072711026);

    /// <summary>Transforms dequantised coefficients (natural order) into <paramref name="output"/> rows of <paramref name="stride"/>.</summary>
    public static void Transform(ReadOnlySpan<int> coefficients, Span<short> output, int stride, int precision)
    {
        var pass1Bits = precision <= 8 ? 2 : 1;
        var center = 1 << (precision - 1);
        var max = (1 << precision) - 1;
        Span<long> workspace = stackalloc long[64];
        Span<long> column = stackalloc long[8];
        Span<long> result = stackalloc long[8];
        for (var c = 0; c < 8; c++)
        {
            for (var r = 0; r < 8; r++)
            {
                column[r] = coefficients[(r * 8) + c];
            }

            OneDimension(column, result);
            for (var r = 0; r < 8; r++)
            {
                workspace[(r * 8) + c] = Descale(result[r], ConstBits - pass1Bits);
            }
        }

        for (var r = 0; r < 8; r++)
        {
            OneDimension(workspace.Slice(r * 8, 8), result);
            var line = output.Slice(r * stride, 8);
            for (var c = 0; c < 8; c++)
            {
                line[c] = (short)Math.Clamp(Descale(result[c], ConstBits + pass1Bits + 3) + center, 0, max);
            }
        }
    }

    /// <summary>One 8-point inverse DCT; results are scaled by 2^13 (not yet descaled).</summary>
    private static void OneDimension(ReadOnlySpan<long> input, Span<long> output)
    {
        // Even part: inputs 0, 2, 4, 6.
        long z2 = input[2], z3 = input[6];
        var z1 = (z2 + z3) * F0541196100;
        var tmp2 = z1 - (z3 * F1847759065);
        var tmp3 = z1 + (z2 * F0765366865);
        z2 = input[0];
        z3 = input[4];
        var tmp0 = (z2 + z3) << ConstBits;
        var tmp1 = (z2 - z3) << ConstBits;
        var tmp10 = tmp0 + tmp3;
        var tmp13 = tmp0 - tmp3;
        var tmp11 = tmp1 + tmp2;
        var tmp12 = tmp1 - tmp2;

        // Odd part: inputs 7, 5, 3, 1.
        long o0 = input[7], o1 = input[5], o2 = input[3], o3 = input[1];
        var s1 = o0 + o3;
        var s2 = o1 + o2;
        var s3 = o0 + o2;
        var s4 = o1 + o3;
        var z5 = (s3 + s4) * F1175875602;
        o0 *= F0298631336;
        o1 *= F2053119869;
        o2 *= F3072711026;
        o3 *= F1501321110;
        s1 *= -F0899976223;
        s2 *= -F2562915447;
        s3 = (s3 * -F1961570560) + z5;
        s4 = (s4 * -F0390180644) + z5;
        o0 += s1 + s3;
        o1 += s2 + s4;
        o2 += s2 + s3;
        o3 += s1 + s4;

        output[0] = tmp10 + o3;
        output[7] = tmp10 - o3;
        output[1] = tmp11 + o2;
        output[6] = tmp11 - o2;
        output[2] = tmp12 + o1;
        output[5] = tmp12 - o1;
        output[3] = tmp13 + o0;
        output[4] = tmp13 - o0;
    }

    private static long Descale(long x, int bits) => (x + (1L << (bits - 1))) >> bits;

    private static long Fix(double x) => (long)((x * (1 << ConstBits)) + 0.5);
}
