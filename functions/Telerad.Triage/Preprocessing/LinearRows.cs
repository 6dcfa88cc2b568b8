using System.Numerics;

namespace Telerad.Triage;

/// <summary>
/// The common case, vectorised: a linear Modality LUT (Rescale Slope/Intercept) and an optional window make each
/// pixel's value <c>stored * a + b</c>, clipped to [0, 1] when windowed. Rows of one output row's bin are added up
/// column by column here; the bins' column sums are taken once per output row by the caller.
/// </summary>
internal static class LinearRows
{
    public static void Add(ReadOnlySpan<short> row, Span<float> sums, float a, float b, bool clip)
    {
        var i = 0;
        var step = Vector<short>.Count;
        for (; i <= row.Length - step; i += step)
        {
            Vector.Widen(new Vector<short>(row[i..]), out var low, out var high);
            Accumulate(Vector.ConvertToSingle(low), sums[i..], a, b, clip);
            Accumulate(Vector.ConvertToSingle(high), sums[(i + Vector<int>.Count)..], a, b, clip);
        }

        for (; i < row.Length; i++)
        {
            sums[i] += Scalar(row[i], a, b, clip);
        }
    }

    public static void Add(ReadOnlySpan<ushort> row, Span<float> sums, float a, float b, bool clip)
    {
        var i = 0;
        var step = Vector<ushort>.Count;
        for (; i <= row.Length - step; i += step)
        {
            Vector.Widen(new Vector<ushort>(row[i..]), out var low, out var high);
            Accumulate(Vector.ConvertToSingle(low), sums[i..], a, b, clip);
            Accumulate(Vector.ConvertToSingle(high), sums[(i + Vector<uint>.Count)..], a, b, clip);
        }

        for (; i < row.Length; i++)
        {
            sums[i] += Scalar(row[i], a, b, clip);
        }
    }

    public static void Add(ReadOnlySpan<byte> row, Span<float> sums, float a, float b, bool clip)
    {
        var i = 0;
        var step = Vector<byte>.Count;
        var quarter = Vector<uint>.Count;
        for (; i <= row.Length - step; i += step)
        {
            Vector.Widen(new Vector<byte>(row[i..]), out var low, out var high);
            Vector.Widen(low, out var q0, out var q1);
            Vector.Widen(high, out var q2, out var q3);
            Accumulate(Vector.ConvertToSingle(q0), sums[i..], a, b, clip);
            Accumulate(Vector.ConvertToSingle(q1), sums[(i + quarter)..], a, b, clip);
            Accumulate(Vector.ConvertToSingle(q2), sums[(i + (2 * quarter))..], a, b, clip);
            Accumulate(Vector.ConvertToSingle(q3), sums[(i + (3 * quarter))..], a, b, clip);
        }

        for (; i < row.Length; i++)
        {
            sums[i] += Scalar(row[i], a, b, clip);
        }
    }

    private static void Accumulate(Vector<float> stored, Span<float> sums, float a, float b, bool clip)
    {
        var value = (stored * a) + new Vector<float>(b);
        if (clip)
        {
            value = Vector.Min(Vector.Max(value, Vector<float>.Zero), Vector<float>.One);
        }

        (new Vector<float>(sums) + value).CopyTo(sums);
    }

    private static float Scalar(float stored, float a, float b, bool clip)
    {
        var value = (stored * a) + b;
        return clip ? Math.Clamp(value, 0f, 1f) : value;
    }
}
