using System.Numerics;

namespace Telerad.Triage;

/// <summary>
/// The usual CT case, exact and in integers: when the window's ends fall on whole stored values (Rescale Slope 1 and a
/// whole Intercept with a whole window, say), a pixel's windowed value is <c>(clamp(stored, s0, s1) - s0) / (s1 - s0)</c>,
/// so a bin's sum needs only the clamped stored values added up. Clamping and adding 16-bit lanes costs about half
/// the float path's work per pixel. Rows of one output row's bin are added column by column into <c>sums</c>.
/// </summary>
internal static class ClampedRows
{
    public static void Add(ReadOnlySpan<short> row, Span<int> sums, short low, short high)
    {
        var i = 0;
        var step = Vector<short>.Count;
        var (lows, highs) = (new Vector<short>(low), new Vector<short>(high));
        for (; i <= row.Length - step; i += step)
        {
            var clamped = Vector.Min(Vector.Max(new Vector<short>(row[i..]), lows), highs);
            Vector.Widen(clamped, out var first, out var second);
            (new Vector<int>(sums[i..]) + first).CopyTo(sums[i..]);
            (new Vector<int>(sums[(i + Vector<int>.Count)..]) + second).CopyTo(sums[(i + Vector<int>.Count)..]);
        }

        for (; i < row.Length; i++)
        {
            sums[i] += Math.Clamp(row[i], low, high);
        }
    }

    public static void Add(ReadOnlySpan<ushort> row, Span<int> sums, ushort low, ushort high)
    {
        var i = 0;
        var step = Vector<ushort>.Count;
        var (lows, highs) = (new Vector<ushort>(low), new Vector<ushort>(high));
        for (; i <= row.Length - step; i += step)
        {
            var clamped = Vector.Min(Vector.Max(new Vector<ushort>(row[i..]), lows), highs);
            Vector.Widen(clamped, out var first, out var second);
            (new Vector<int>(sums[i..]) + Vector.AsVectorInt32(first)).CopyTo(sums[i..]);
            (new Vector<int>(sums[(i + Vector<int>.Count)..]) + Vector.AsVectorInt32(second)).CopyTo(sums[(i + Vector<int>.Count)..]);
        }

        for (; i < row.Length; i++)
        {
            sums[i] += Math.Clamp(row[i], low, high);
        }
    }
}
