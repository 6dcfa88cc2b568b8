using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

    /// <summary>
    /// Adds each value's offset from <paramref name="low"/> after clamping, <c>clamp(x, low, high) - low</c>, into 16-bit
    /// sums. The caller guarantees no sum passes 65,535 (the window's width times the rows added).
    /// </summary>
    public static void AddOffsets(ReadOnlySpan<short> row, Span<ushort> sums, short low, short high)
    {
        var i = 0;
        var step = Vector<short>.Count;
        var (lows, highs) = (new Vector<short>(low), new Vector<short>(high));
        ref var source = ref MemoryMarshal.GetReference(row);
        ref var target = ref MemoryMarshal.GetReference(sums);
        var end = Math.Min(row.Length, sums.Length) - step;
        for (; i <= end; i += step)
        {
            // The difference is in [0, high - low], at most 65,535: exact as an unsigned 16-bit value. Unchecked loads
            // and stores inside both spans (i + step <= the shorter length): this loop is most of a slice's preprocessing.
            var offsets = Vector.AsVectorUInt16(Vector.Min(Vector.Max(Vector.LoadUnsafe(ref source, (nuint)i), lows), highs) - lows);
            (Vector.LoadUnsafe(ref target, (nuint)i) + offsets).StoreUnsafe(ref target, (nuint)i);
        }

        for (; i < row.Length; i++)
        {
            sums[i] += (ushort)(Math.Clamp(row[i], low, high) - low);
        }
    }

    public static void AddOffsets(ReadOnlySpan<ushort> row, Span<ushort> sums, ushort low, ushort high)
    {
        var i = 0;
        var step = Vector<ushort>.Count;
        var (lows, highs) = (new Vector<ushort>(low), new Vector<ushort>(high));
        ref var source = ref MemoryMarshal.GetReference(row);
        ref var target = ref MemoryMarshal.GetReference(sums);
        var end = Math.Min(row.Length, sums.Length) - step;
        for (; i <= end; i += step)
        {
            var offsets = Vector.Min(Vector.Max(Vector.LoadUnsafe(ref source, (nuint)i), lows), highs) - lows;
            (Vector.LoadUnsafe(ref target, (nuint)i) + offsets).StoreUnsafe(ref target, (nuint)i);
        }

        for (; i < row.Length; i++)
        {
            sums[i] += (ushort)(Math.Clamp(row[i], low, high) - low);
        }
    }

    /// <summary>16-bit sums to 32-bit ones (the column bins are then added in 32 bits).</summary>
    public static void Widen(ReadOnlySpan<ushort> narrow, Span<int> wide)
    {
        var i = 0;
        var step = Vector<ushort>.Count;
        for (; i <= narrow.Length - step; i += step)
        {
            Vector.Widen(new Vector<ushort>(narrow[i..]), out var first, out var second);
            Vector.AsVectorInt32(first).CopyTo(wide[i..]);
            Vector.AsVectorInt32(second).CopyTo(wide[(i + Vector<int>.Count)..]);
        }

        for (; i < narrow.Length; i++)
        {
            wide[i] = narrow[i];
        }
    }

    /// <summary>The sum of a bin's columns: four at a time, then the rest.</summary>
    public static long Sum(ReadOnlySpan<int> values)
    {
        long sum = 0;
        var i = 0;
        for (; i <= values.Length - Vector128<int>.Count; i += Vector128<int>.Count)
        {
            sum += Vector128.Sum(Vector128.Create(values[i..]));
        }

        for (; i < values.Length; i++)
        {
            sum += values[i];
        }

        return sum;
    }
}
