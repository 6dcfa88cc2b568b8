using System.Runtime.InteropServices;

namespace Telerad.Triage;

/// <summary>
/// Turns one decoded frame into one model input plane, exactly as docs/models.md specifies: Modality LUT, then the
/// window clipped and scaled to [0, 1], then "area" resampling, then normalisation. The training script implements
/// the same formulas; a test holds both to the same numbers.
/// </summary>
public sealed class SlicePreprocessor(ModelPreprocessing settings)
{
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

        // Which output column each input column falls in: floor(j * outColumns / columns).
        var columnBin = new int[frame.Columns];
        for (var j = 0; j < frame.Columns; j++)
        {
            columnBin[j] = (int)((long)j * outColumns / frame.Columns);
        }

        var sums = new double[PlaneLength];
        var counts = new int[PlaneLength];
        var row = new double[frame.Columns];
        var (low, scale, clip) = settings.Window is { } w
            ? (w.Center - (w.Width / 2), 1 / w.Width, true)
            : (0d, 1d, false);
        var high = low + (settings.Window?.Width ?? 0);
        for (var i = 0; i < frame.Rows; i++)
        {
            ReadRow(frame, i, row);
            var outRow = (int)((long)i * outRows / frame.Rows) * outColumns;
            for (var j = 0; j < row.Length; j++)
            {
                var value = settings.ModalityLut ? lut.Apply(row[j]) : row[j];
                if (clip)
                {
                    value = (Math.Clamp(value, low, high) - low) * scale;
                }

                sums[outRow + columnBin[j]] += value;
                counts[outRow + columnBin[j]]++;
            }
        }

        var (mean, std) = (settings.Normalise.Mean, settings.Normalise.Std);
        for (var k = 0; k < plane.Length; k++)
        {
            plane[k] = (float)(((sums[k] / counts[k]) - mean) / std);
        }
    }

    /// <summary>One row of stored values as doubles: one switch per row, not per pixel.</summary>
    private static void ReadRow(PixelFrame frame, int rowIndex, double[] row)
    {
        var start = rowIndex * frame.Columns;
        var data = frame.Data.AsSpan();
        switch (frame.SampleType)
        {
            case PixelSampleType.UInt8: Copy(data.Slice(start, row.Length), row); break;
            case PixelSampleType.Int8: Copy(MemoryMarshal.Cast<byte, sbyte>(data).Slice(start, row.Length), row); break;
            case PixelSampleType.UInt16: Copy(MemoryMarshal.Cast<byte, ushort>(data).Slice(start, row.Length), row); break;
            case PixelSampleType.Int16: Copy(MemoryMarshal.Cast<byte, short>(data).Slice(start, row.Length), row); break;
            case PixelSampleType.UInt32: Copy(MemoryMarshal.Cast<byte, uint>(data).Slice(start, row.Length), row); break;
            case PixelSampleType.Int32: Copy(MemoryMarshal.Cast<byte, int>(data).Slice(start, row.Length), row); break;
            case PixelSampleType.Float32: Copy(MemoryMarshal.Cast<byte, float>(data).Slice(start, row.Length), row); break;
            default: Copy(MemoryMarshal.Cast<byte, double>(data).Slice(start, row.Length), row); break;
        }
    }

    private static void Copy<T>(ReadOnlySpan<T> source, double[] row)
        where T : unmanaged, System.Numerics.INumberBase<T>
    {
        for (var j = 0; j < source.Length; j++)
        {
            row[j] = double.CreateTruncating(source[j]);
        }
    }
}
