using System.Numerics;
using System.Runtime.InteropServices;

namespace Telerad.Triage;

/// <summary>
/// The usual CT case, exact and in integers: when the window's ends fall on whole stored values (Rescale Slope 1 and a
/// whole Intercept with a whole window, say), a pixel's windowed value is <c>(clamp(stored, s0, s1) - s0) / (s1 - s0)</c>,
/// so a bin's sum needs only the clamped stored values added up. One output row's input rows are added column by
/// column (clamped, in vector lanes), then each bin's columns are added.
/// </summary>
internal static class ClampedRows
{
    /// <summary>
    /// <paramref name="sums"/>[i] = the sum over the rows of <c>clamp(x, low, high) - low</c> in column i, in 16-bit lanes.
    /// The caller guarantees no sum passes 65,535 (the window's width times the rows added).
    /// </summary>
    public static void AddOffsetRows<T>(ReadOnlySpan<T> rows, int columns, Span<ushort> sums, T low, T high)
        where T : unmanaged, INumber<T>
    {
        sums.Clear();
        for (var start = 0; start + columns <= rows.Length; start += columns)
        {
            AddOffsets(rows.Slice(start, columns), sums, low, high);
        }
    }

    /// <summary><paramref name="sums"/>[i] = the sum over the rows of <c>clamp(x, low, high)</c> in column i, in 32 bits.</summary>
    public static void AddRows<T>(ReadOnlySpan<T> rows, int columns, Span<int> sums, T low, T high)
        where T : unmanaged, INumber<T>
    {
        sums.Clear();
        for (var start = 0; start + columns <= rows.Length; start += columns)
        {
            Add(rows.Slice(start, columns), sums, low, high);
        }
    }

    /// <summary>Each bin's sum of column sums: bin c is columns [starts[c], starts[c + 1]).</summary>
    public static void SumBins(ReadOnlySpan<ushort> sums, ReadOnlySpan<int> starts, Span<long> bins)
    {
        var width = sums.Length / bins.Length;
        if (BitConverter.IsLittleEndian && width % 4 == 0 && width * bins.Length == sums.Length)
        {
            // Equal bins of a multiple of 4 columns (512 to 128 or 64): a bin at a time cost as much as the clamping.
            SumEqualBins(sums, width, bins);
            return;
        }

        SumAnyBins(sums, starts, bins);
    }

    /// <inheritdoc cref="SumBins(ReadOnlySpan{ushort}, ReadOnlySpan{int}, Span{long})"/>
    public static void SumBins(ReadOnlySpan<int> sums, ReadOnlySpan<int> starts, Span<long> bins) => SumAnyBins(sums, starts, bins);

    private static void SumAnyBins<T>(ReadOnlySpan<T> sums, ReadOnlySpan<int> starts, Span<long> bins)
        where T : unmanaged, IBinaryInteger<T>
    {
        for (var c = 0; c < bins.Length; c++)
        {
            long sum = 0;
            foreach (var value in sums[starts[c]..starts[c + 1]])
            {
                sum += long.CreateTruncating(value);
            }

            bins[c] = sum;
        }
    }

    /// <summary>
    /// Bins of <paramref name="width"/> columns (a multiple of 4) from the first column on. Each group of four 16-bit
    /// values is added in vector lanes: as 32-bit lanes, low half plus high half gives pairs; as 64-bit lanes, the same
    /// again gives fours (little-endian: the lower address is the low half).
    /// </summary>
    private static void SumEqualBins(ReadOnlySpan<ushort> sums, int width, Span<long> bins)
    {
        // Bins of 4 columns (512 to 128): the fours are the bins, written in place (no pass over them afterwards).
        var perBin = width / 4;
        Span<ulong> fours = perBin == 1 ? MemoryMarshal.Cast<long, ulong>(bins) : sums.Length <= 4096 ? stackalloc ulong[sums.Length / 4] : new ulong[sums.Length / 4];
        var i = 0;
        var step = Vector<ushort>.Count;
        var (low16, low32) = (new Vector<uint>(0xFFFF), new Vector<ulong>(0xFFFF_FFFF));
        for (; i <= sums.Length - step; i += step)
        {
            var lanes = Vector.AsVectorUInt32(new Vector<ushort>(sums[i..]));
            var pairs = Vector.AsVectorUInt64((lanes & low16) + (lanes >> 16));
            ((pairs & low32) + (pairs >> 32)).CopyTo(fours[(i / 4)..]);
        }

        for (; i < sums.Length; i += 4)
        {
            fours[i / 4] = (ulong)sums[i] + sums[i + 1] + sums[i + 2] + sums[i + 3];
        }

        if (perBin == 1)
        {
            return;
        }

        for (var c = 0; c < bins.Length; c++)
        {
            ulong sum = 0;
            foreach (var four in fours.Slice(c * perBin, perBin))
            {
                sum += four;
            }

            bins[c] = (long)sum;
        }
    }

    /// <summary>
    /// One output row of normalised values: <c>target[c] = bins[c] * rowFactor * columnFactors[c] + constant</c>, in
    /// double precision, vector lanes at a time (a 128 x 128 plane has 16,384 values: a scalar pass over them cost a
    /// fifth of a slice's preprocessing).
    /// </summary>
    public static void WriteRow(ReadOnlySpan<long> bins, double rowFactor, ReadOnlySpan<double> columnFactors, double constant, Span<float> target)
    {
        var c = 0;
        var step = Vector<double>.Count;
        var (factors, offsets) = (new Vector<double>(rowFactor), new Vector<double>(constant));
        for (; c <= bins.Length - (2 * step); c += 2 * step)
        {
            var first = (Vector.ConvertToDouble(new Vector<long>(bins[c..])) * factors * new Vector<double>(columnFactors[c..])) + offsets;
            var second = (Vector.ConvertToDouble(new Vector<long>(bins[(c + step)..])) * factors * new Vector<double>(columnFactors[(c + step)..])) + offsets;
            Vector.Narrow(first, second).CopyTo(target[c..]);
        }

        for (; c < bins.Length; c++)
        {
            target[c] = (float)((bins[c] * rowFactor * columnFactors[c]) + constant);
        }
    }

    private static void AddOffsets<T>(ReadOnlySpan<T> row, Span<ushort> sums, T low, T high)
        where T : unmanaged, INumber<T>
    {
        var i = 0;
        var step = Vector<T>.Count;
        var (lows, highs) = (new Vector<T>(low), new Vector<T>(high));
        ref var source = ref MemoryMarshal.GetReference(row);
        ref var target = ref MemoryMarshal.GetReference(sums);
        var end = Math.Min(row.Length, sums.Length) - step;
        for (; i <= end; i += step)
        {
            // The difference is in [0, high - low], at most 65,535: exact as an unsigned 16-bit value (T is a 16-bit
            // type here). Unchecked loads and stores inside both spans (i + step <= the shorter length): this loop is
            // most of a slice's preprocessing.
            var offsets = Vector.As<T, ushort>(Vector.Min(Vector.Max(Vector.LoadUnsafe(ref source, (nuint)i), lows), highs) - lows);
            (Vector.LoadUnsafe(ref target, (nuint)i) + offsets).StoreUnsafe(ref target, (nuint)i);
        }

        for (; i < row.Length; i++)
        {
            sums[i] += ushort.CreateTruncating(T.Clamp(row[i], low, high) - low);
        }
    }

    private static void Add<T>(ReadOnlySpan<T> row, Span<int> sums, T low, T high)
        where T : unmanaged, INumber<T>
    {
        var i = 0;
        var step = Vector<T>.Count;
        var (lows, highs) = (new Vector<T>(low), new Vector<T>(high));
        var signed = typeof(T) == typeof(short);
        for (; i <= row.Length - step; i += step)
        {
            var clamped = Vector.Min(Vector.Max(new Vector<T>(row[i..]), lows), highs);
            Vector<int> first, second;
            if (signed)
            {
                Vector.Widen(Vector.As<T, short>(clamped), out first, out second);
            }
            else
            {
                Vector.Widen(Vector.As<T, ushort>(clamped), out var a, out var b);
                (first, second) = (Vector.AsVectorInt32(a), Vector.AsVectorInt32(b));
            }

            (new Vector<int>(sums[i..]) + first).CopyTo(sums[i..]);
            (new Vector<int>(sums[(i + Vector<int>.Count)..]) + second).CopyTo(sums[(i + Vector<int>.Count)..]);
        }

        for (; i < row.Length; i++)
        {
            sums[i] += int.CreateTruncating(T.Clamp(row[i], low, high));
        }
    }
}
