using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Telerad.Triage;

/// <summary>
/// Turns one decoded frame into one model input plane, exactly as docs/models.md specifies: Modality LUT, then the
/// window clipped and scaled to [0, 1], then "area" resampling, then normalisation. The training script implements
/// the same formulas; a test holds both to the same numbers. Thread-safe: the engine preprocesses slices in parallel.
/// </summary>
public sealed class SlicePreprocessor(ModelPreprocessing settings)
{
    /// <summary>The last value table built (stored value → windowed value) and what it was built for: slices of one
    /// series share their rescale, so it is built once per series, not once per slice.</summary>
    private volatile ValueTable? _table;

    public int PlaneLength => settings.Resample.Rows * settings.Resample.Columns;

    /// <summary>Writes the frame's plane into <paramref name="plane"/> (length <see cref="PlaneLength"/>).</summary>
    public void Process(PixelFrame frame, ModalityLut lut, Span<float> plane)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(lut);
        if (frame.SamplesPerPixel != 1)
        {
            throw new PixelDecodeException($"The model needs greyscale slices; this one has {frame.SamplesPerPixel} samples per pixel.", PixelDecodeFailure.Unsupported);
        }

        if (plane.Length != PlaneLength)
        {
            throw new ArgumentException($"The plane must hold {PlaneLength} values.", nameof(plane));
        }

        var (outRows, outColumns) = (settings.Resample.Rows, settings.Resample.Columns);
        if (frame.Rows < outRows || frame.Columns < outColumns)
        {
            throw new PixelDecodeException($"The slice ({frame.Rows}x{frame.Columns}) is smaller than the model's input ({outRows}x{outColumns}); area resampling only reduces.", PixelDecodeFailure.Unsupported);
        }

        var rowStarts = BinStarts(frame.Rows, outRows);
        var columnStarts = BinStarts(frame.Columns, outColumns);
        var (mean, inverseStd) = (settings.Normalise.Mean, 1 / settings.Normalise.Std);
        if (lut.Table is null && WholeWindowEnds(frame.SampleType, lut) is var (s0, s1))
        {
            // CT's usual case writes the normalised plane straight from its integer sums: no per-value passes after it.
            WriteClamped(frame, s0, s1, rowStarts, columnStarts, mean, inverseStd, plane);
            return;
        }

        // Pooled: a 128 x 128 plane's sums are 128 KB, which would be a large-object allocation (zeroed, and collected
        // only with generation 2) for every slice.
        var sums = ArrayPool<double>.Shared.Rent(PlaneLength);
        try
        {
            Array.Clear(sums, 0, PlaneLength);
            Resample(frame, lut, rowStarts, columnStarts, sums);
            Normalise(sums, rowStarts, columnStarts, mean, inverseStd, plane);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(sums);
        }
    }

    /// <summary>Each bin's mean (its sum over its rows times columns), normalised.</summary>
    private static void Normalise(double[] sums, int[] rowStarts, int[] columnStarts, double mean, double inverseStd, Span<float> plane)
    {
        // Reciprocals instead of two divisions per output value (a division costs as much as a dozen multiplications;
        // a 128 x 128 plane has 16,384 values).
        var outColumns = columnStarts.Length - 1;
        var inverseWidths = InverseWidths(columnStarts);
        for (var r = 0; r < rowStarts.Length - 1; r++)
        {
            var inverseRows = 1d / (rowStarts[r + 1] - rowStarts[r]);
            for (var c = 0; c < outColumns; c++)
            {
                var k = (r * outColumns) + c;
                plane[k] = (float)(((sums[k] * inverseRows * inverseWidths[c]) - mean) * inverseStd);
            }
        }
    }

    private static double[] InverseWidths(int[] starts)
    {
        var inverse = new double[starts.Length - 1];
        for (var c = 0; c < inverse.Length; c++)
        {
            inverse[c] = 1d / (starts[c + 1] - starts[c]);
        }

        return inverse;
    }

    /// <summary>Each output bin's sum of windowed values, by the fastest path the frame and LUT allow.</summary>
    private void Resample(PixelFrame frame, ModalityLut lut, int[] rowStarts, int[] columnStarts, double[] sums)
    {
        if (lut.Table is null && frame.SampleType is PixelSampleType.Int16 or PixelSampleType.UInt16 or PixelSampleType.UInt8)
        {
            AccumulateLinear(frame, lut, rowStarts, columnStarts, sums);
        }
        else
        {
            AccumulateOther(frame, lut, rowStarts, columnStarts, sums);
        }
    }

    /// <summary>
    /// The stored values at which a 16-bit frame's windowed value is 0 and 1, when both are whole numbers (a linear
    /// Modality LUT with a positive slope, a window): then <see cref="ClampedRows"/> applies. Otherwise null.
    /// </summary>
    private (long S0, long S1)? WholeWindowEnds(PixelSampleType type, ModalityLut lut)
    {
        if (settings.Window is not { } w || type is not (PixelSampleType.Int16 or PixelSampleType.UInt16))
        {
            return null;
        }

        var (slope, intercept) = settings.ModalityLut ? (lut.Slope, lut.Intercept) : (1d, 0d);
        if (slope <= 0)
        {
            return null;
        }

        var low = w.Center - (w.Width / 2);
        var (s0, s1) = ((low - intercept) / slope, (low + w.Width - intercept) / slope);
        return Math.Abs(s0) < 1e9 && Math.Abs(s1) < 1e9 && s0 == Math.Floor(s0) && s1 == Math.Floor(s1) && s1 > s0 ? ((long)s0, (long)s1) : null;
    }

    /// <summary>
    /// The normalised plane from the clamped stored values, in integers up to each bin's sum: a bin's mean windowed value
    /// is (sum - n * s0) / ((s1 - s0) * n), so its normalised value is sum * rowFactor / width + constant (below). A bin's
    /// rows are added as offsets from the lower end in 16-bit lanes when they cannot overflow (the window's width in
    /// stored values times the rows of a bin fits in 16 bits: CT's 80-wide window does for up to 819 rows), otherwise in
    /// 32-bit lanes; then each bin's columns are added and the row written (<see cref="ClampedRows"/>).
    /// </summary>
    private static void WriteClamped(PixelFrame frame, long s0, long s1, int[] rowStarts, int[] columnStarts, double mean, double inverseStd, Span<float> plane)
    {
        var signed = frame.SampleType == PixelSampleType.Int16;
        var (min, max) = signed ? ((long)short.MinValue, (long)short.MaxValue) : (ushort.MinValue, (long)ushort.MaxValue);

        // Clamping to ends beyond the sample type's range binds nothing; the formula still uses the true ends.
        var (low, high) = (Math.Clamp(s0, min, max), Math.Clamp(s1, min, max));
        var narrow = (high - low) * TallestBin(rowStarts) <= ushort.MaxValue;
        var columns = frame.Columns;
        var outColumns = columnStarts.Length - 1;
        var bins = new long[outColumns];
        var narrowSums = narrow ? new ushort[columns] : [];
        var wideSums = narrow ? [] : new int[columns];
        var inverseWidths = InverseWidths(columnStarts);
        var scale = 1d / (s1 - s0);

        // The sums count from `low` (narrow) or from 0 (wide), not from s0: that difference, windowed and normalised, is
        // the same for every bin.
        var constant = ((((narrow ? low : 0) - s0) * scale) - mean) * inverseStd;

        // One output row at a time, in small methods: one big loop nest kept its locals on the stack (measured: the
        // bin loop was a third of the time at 128 x 128).
        for (var r = 0; r < rowStarts.Length - 1; r++)
        {
            var rows = frame.Data.AsSpan(rowStarts[r] * columns * 2, (rowStarts[r + 1] - rowStarts[r]) * columns * 2);
            if (narrow)
            {
                if (signed)
                {
                    ClampedRows.AddOffsetRows(MemoryMarshal.Cast<byte, short>(rows), columns, narrowSums, (short)low, (short)high);
                }
                else
                {
                    ClampedRows.AddOffsetRows(MemoryMarshal.Cast<byte, ushort>(rows), columns, narrowSums, (ushort)low, (ushort)high);
                }

                ClampedRows.SumBins(narrowSums, columnStarts, bins);
            }
            else
            {
                if (signed)
                {
                    ClampedRows.AddRows(MemoryMarshal.Cast<byte, short>(rows), columns, wideSums, (short)low, (short)high);
                }
                else
                {
                    ClampedRows.AddRows(MemoryMarshal.Cast<byte, ushort>(rows), columns, wideSums, (ushort)low, (ushort)high);
                }

                ClampedRows.SumBins(wideSums, columnStarts, bins);
            }

            var rowFactor = scale * inverseStd / (rowStarts[r + 1] - rowStarts[r]);
            ClampedRows.WriteRow(bins, rowFactor, inverseWidths, constant, plane.Slice(r * outColumns, outColumns));
        }
    }

    private static int TallestBin(int[] starts)
    {
        var tallest = 0;
        for (var i = 0; i < starts.Length - 1; i++)
        {
            tallest = Math.Max(tallest, starts[i + 1] - starts[i]);
        }

        return tallest;
    }

    /// <summary>Rescale Slope/Intercept and window folded into one multiply-add per pixel, vectorised.</summary>
    private void AccumulateLinear(PixelFrame frame, ModalityLut lut, int[] rowStarts, int[] columnStarts, double[] sums)
    {
        var (slope, intercept) = settings.ModalityLut ? (lut.Slope, lut.Intercept) : (1d, 0d);
        var (a, b, clip) = settings.Window is { } w
            ? (slope / w.Width, (intercept - (w.Center - (w.Width / 2))) / w.Width, true)
            : (slope, intercept, false);
        var data = frame.Data.AsSpan();
        var columns = frame.Columns;
        var outColumns = columnStarts.Length - 1;
        var rowSums = new float[columns];
        for (var r = 0; r < rowStarts.Length - 1; r++)
        {
            Array.Clear(rowSums);
            for (var i = rowStarts[r]; i < rowStarts[r + 1]; i++)
            {
                switch (frame.SampleType)
                {
                    case PixelSampleType.Int16: LinearRows.Add(MemoryMarshal.Cast<byte, short>(data).Slice(i * columns, columns), rowSums, (float)a, (float)b, clip); break;
                    case PixelSampleType.UInt16: LinearRows.Add(MemoryMarshal.Cast<byte, ushort>(data).Slice(i * columns, columns), rowSums, (float)a, (float)b, clip); break;
                    default: LinearRows.Add(data.Slice(i * columns, columns), rowSums, (float)a, (float)b, clip); break;
                }
            }

            for (var c = 0; c < outColumns; c++)
            {
                var sum = 0d;
                for (var j = columnStarts[c]; j < columnStarts[c + 1]; j++)
                {
                    sum += rowSums[j];
                }

                sums[(r * outColumns) + c] = sum;
            }
        }
    }

    private void AccumulateOther(PixelFrame frame, ModalityLut lut, int[] rowStarts, int[] columnStarts, double[] sums)
    {
        var data = frame.Data.AsSpan();
        var pixels = frame.Rows * frame.Columns;
        switch (frame.SampleType)
        {
            // Up to 16 bits: every stored value's windowed value comes from a table, one lookup per pixel.
            case PixelSampleType.UInt8: Accumulate(data[..pixels], TableFor(frame.SampleType, lut), 0, frame.Columns, rowStarts, columnStarts, sums); break;
            case PixelSampleType.Int8: Accumulate(MemoryMarshal.Cast<byte, sbyte>(data)[..pixels], TableFor(frame.SampleType, lut), 128, frame.Columns, rowStarts, columnStarts, sums); break;
            case PixelSampleType.UInt16: Accumulate(MemoryMarshal.Cast<byte, ushort>(data)[..pixels], TableFor(frame.SampleType, lut), 0, frame.Columns, rowStarts, columnStarts, sums); break;
            case PixelSampleType.Int16: Accumulate(MemoryMarshal.Cast<byte, short>(data)[..pixels], TableFor(frame.SampleType, lut), 32768, frame.Columns, rowStarts, columnStarts, sums); break;

            // 32-bit and floating point: computed per pixel.
            case PixelSampleType.UInt32: Accumulate(MemoryMarshal.Cast<byte, uint>(data)[..pixels], lut, frame.Columns, rowStarts, columnStarts, sums); break;
            case PixelSampleType.Int32: Accumulate(MemoryMarshal.Cast<byte, int>(data)[..pixels], lut, frame.Columns, rowStarts, columnStarts, sums); break;
            case PixelSampleType.Float32: Accumulate(MemoryMarshal.Cast<byte, float>(data)[..pixels], lut, frame.Columns, rowStarts, columnStarts, sums); break;
            default: Accumulate(MemoryMarshal.Cast<byte, double>(data)[..pixels], lut, frame.Columns, rowStarts, columnStarts, sums); break;
        }
    }

    /// <summary>Input index where each output bin starts (and, last, the input length): input i is in bin floor(i * bins / length).</summary>
    private static int[] BinStarts(int length, int bins)
    {
        // Input i is in bin floor(i * bins / length), so bin b starts at the first i with i * bins >= b * length.
        var starts = new int[bins + 1];
        for (var b = 0; b <= bins; b++)
        {
            starts[b] = (int)((((long)b * length) + bins - 1) / bins);
        }

        return starts;
    }

    /// <summary>The modality LUT, then the window clipped and scaled (if any): the value that is averaged.</summary>
    private double Transform(ModalityLut lut, double stored)
    {
        var value = settings.ModalityLut ? lut.Apply(stored) : stored;
        if (settings.Window is { } w)
        {
            var low = w.Center - (w.Width / 2);
            value = (Math.Clamp(value, low, low + w.Width) - low) / w.Width;
        }

        return value;
    }

    private float[] TableFor(PixelSampleType type, ModalityLut lut)
    {
        var cached = _table;
        if (cached is not null && cached.Matches(type, lut))
        {
            return cached.Values;
        }

        var (size, offset) = type switch
        {
            PixelSampleType.UInt8 => (256, 0),
            PixelSampleType.Int8 => (256, 128),
            PixelSampleType.UInt16 => (65536, 0),
            _ => (65536, 32768),
        };
        var values = new float[size];
        for (var i = 0; i < size; i++)
        {
            values[i] = (float)Transform(lut, i - offset);
        }

        _table = new ValueTable(type, lut.Slope, lut.Intercept, lut.Table, values);
        return values;
    }

    private static void Accumulate<T>(ReadOnlySpan<T> pixels, float[] table, int offset, int columns, int[] rowStarts, int[] columnStarts, double[] sums)
        where T : unmanaged, IBinaryInteger<T>
    {
        var outColumns = columnStarts.Length - 1;
        for (var r = 0; r < rowStarts.Length - 1; r++)
        {
            var cells = sums.AsSpan(r * outColumns, outColumns);
            for (var i = rowStarts[r]; i < rowStarts[r + 1]; i++)
            {
                var row = pixels.Slice(i * columns, columns);
                for (var c = 0; c < outColumns; c++)
                {
                    var sum = 0f;
                    for (var j = columnStarts[c]; j < columnStarts[c + 1]; j++)
                    {
                        sum += table[int.CreateTruncating(row[j]) + offset];
                    }

                    cells[c] += sum;
                }
            }
        }
    }

    private void Accumulate<T>(ReadOnlySpan<T> pixels, ModalityLut lut, int columns, int[] rowStarts, int[] columnStarts, double[] sums)
        where T : unmanaged, INumberBase<T>
    {
        var outColumns = columnStarts.Length - 1;
        for (var r = 0; r < rowStarts.Length - 1; r++)
        {
            var cells = sums.AsSpan(r * outColumns, outColumns);
            for (var i = rowStarts[r]; i < rowStarts[r + 1]; i++)
            {
                var row = pixels.Slice(i * columns, columns);
                for (var c = 0; c < outColumns; c++)
                {
                    for (var j = columnStarts[c]; j < columnStarts[c + 1]; j++)
                    {
                        cells[c] += Transform(lut, double.CreateTruncating(row[j]));
                    }
                }
            }
        }
    }

    private sealed record ValueTable(PixelSampleType Type, double Slope, double Intercept, LookupTable? Lut, float[] Values)
    {
        public bool Matches(PixelSampleType type, ModalityLut lut) =>
            Type == type && Slope == lut.Slope && Intercept == lut.Intercept && ReferenceEquals(Lut, lut.Table);
    }
}
